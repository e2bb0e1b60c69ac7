import pytest

from billing.selectors import credit_account_summary
from tests.accounts.helpers import assert_error

pytestmark = pytest.mark.django_db

FIELDS = {"id", "email", "first_name", "last_name", "role", "date_joined", "plan", "balance"}


@pytest.mark.parametrize("path", ["/api/v1/users/me", "/api/v1/auth/me"])
def test_me_shows_the_user_with_plan_and_balance(auth_client, user, path):
    response = auth_client.get(path)

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == FIELDS
    assert body["id"] == user.id and body["email"] == user.email and body["role"] == "user"
    summary = credit_account_summary(user=user)
    assert (body["plan"], body["balance"]) == (summary["plan"], summary["balance"])


def test_patch_changes_the_names(auth_client, user):
    response = auth_client.patch("/api/v1/users/me", {"first_name": "Grace"})

    assert response.status_code == 200, response.content
    assert response.json()["first_name"] == "Grace"
    assert response.json()["last_name"] == user.last_name
    user.refresh_from_db()
    assert user.first_name == "Grace"


def test_put_replaces_the_names(auth_client, user):
    response = auth_client.put("/api/v1/users/me", {"first_name": "Grace", "last_name": "Hopper"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Grace", "Hopper")


def test_read_only_fields_are_ignored(auth_client, user):
    email = user.email
    response = auth_client.patch(
        "/api/v1/users/me",
        {
            "email": "evil@example.com",
            "role": "admin",
            "is_active": False,
            "is_staff": True,
            "balance": 10**9,
            "plan": "studio",
        },
    )

    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.email == email
    assert user.role == "user" and user.is_active and not user.is_staff
    assert response.json()["balance"] == credit_account_summary(user=user)["balance"]


def test_too_long_name_is_a_validation_error(auth_client):
    body = assert_error(
        auth_client.patch("/api/v1/users/me", {"first_name": "x" * 151}), 400, "invalid"
    )
    assert "first_name" in body["errors"]


def test_me_requires_authentication(api_client):
    assert_error(
        api_client.patch("/api/v1/users/me", {"first_name": "X"}), 401, "not_authenticated"
    )
