from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Invitation
from tests.accounts.helpers import assert_error
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
STRONG = "a-long-unguessable-pass-42"


def register(client, **data):
    payload = {"email": "new@example.com", "password": STRONG, "first_name": "Mara"}
    payload.update(data)
    return client.post("/api/v1/auth/register", payload)


def make_invitation(**fields) -> Invitation:
    fields.setdefault("expires_at", timezone.now() + timedelta(days=7))
    fields.setdefault("created_by", AdminFactory())
    return Invitation.objects.create(**fields)


def test_open_registration_creates_the_user_and_returns_it(api_client):
    response = register(api_client, email="New@Example.com", last_name="Voss")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "new@example.com"
    assert (body["first_name"], body["last_name"], body["role"]) == ("Mara", "Voss", "user")
    assert {"id", "date_joined", "plan", "balance"} <= set(body)
    assert "password" not in body
    user = User.objects.get(pk=body["id"])
    assert user.check_password(STRONG)


def test_registered_user_can_log_in(api_client):
    register(api_client)
    response = api_client.post(
        "/api/v1/auth/login", {"email": "NEW@example.com", "password": STRONG}
    )
    assert response.status_code == 200
    assert response.json()["access"]


def test_email_is_unique_regardless_of_case(api_client):
    UserFactory(email="taken@example.com")

    response = register(api_client, email="Taken@EXAMPLE.com")

    body = assert_error(response, 409, "email_taken")
    assert "email" in body["errors"]
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_weak_password_is_refused_with_validator_messages_under_password(api_client):
    response = register(api_client, password="12345")

    body = assert_error(response, 400, "invalid")
    assert body["detail"]
    assert len(body["errors"]["password"]) >= 2  # too short, too common, entirely numeric
    assert not User.objects.filter(email="new@example.com").exists()


def test_password_similar_to_email_is_refused(api_client):
    response = register(api_client, email="marathonrunner@example.com", password="marathonrunner")
    body = assert_error(response, 400, "invalid")
    assert "password" in body["errors"]


def test_missing_fields_use_the_standard_error_shape(api_client):
    response = api_client.post("/api/v1/auth/register", {"email": "not-an-email"})

    body = assert_error(response, 400, "invalid")
    assert body["detail"] == "Invalid input."
    assert set(body["errors"]) == {"email", "password"}
    assert all(isinstance(m, list) and m for m in body["errors"].values())


# --- invitation-only


def test_invitation_only_site_refuses_registration_without_invitation(api_client, invitation_only):
    response = register(api_client)
    assert_error(response, 400, "invitation_required")
    assert not User.objects.exists()


def test_valid_invitation_registers_and_is_used_up(api_client, invitation_only):
    invitation = make_invitation()

    response = register(api_client, invitation_token=invitation.token)

    assert response.status_code == 201, response.content
    invitation.refresh_from_db()
    assert invitation.status == "used"
    assert invitation.used_by.email == "new@example.com"


def test_used_invitation_cannot_register_a_second_account(api_client, invitation_only):
    invitation = make_invitation()
    register(api_client, invitation_token=invitation.token)

    response = register(api_client, email="second@example.com", invitation_token=invitation.token)

    assert_error(response, 400, "invitation_used")
    assert not User.objects.filter(email="second@example.com").exists()


def test_expired_invitation_is_refused(api_client, invitation_only):
    invitation = make_invitation(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(register(api_client, invitation_token=invitation.token), 400, "invitation_expired")
    assert not User.objects.filter(email="new@example.com").exists()


def test_revoked_invitation_is_refused(api_client, invitation_only):
    invitation = make_invitation(revoked_at=timezone.now())
    assert_error(register(api_client, invitation_token=invitation.token), 400, "invitation_revoked")


def test_unknown_invitation_is_refused(api_client, invitation_only):
    assert_error(register(api_client, invitation_token="nope"), 400, "invitation_invalid")


def test_invitation_for_another_email_is_refused(api_client, invitation_only):
    invitation = make_invitation(email="invited@example.com")

    response = register(api_client, email="someone@example.com", invitation_token=invitation.token)

    body = assert_error(response, 400, "invitation_invalid")
    assert "email" in body["errors"]
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_invitation_for_an_email_accepts_that_email_in_any_case(api_client, invitation_only):
    invitation = make_invitation(email="invited@example.com")
    response = register(api_client, email="Invited@Example.COM", invitation_token=invitation.token)
    assert response.status_code == 201, response.content


def test_failed_registration_does_not_use_up_the_invitation(api_client, invitation_only):
    invitation = make_invitation()

    response = register(api_client, password="short", invitation_token=invitation.token)

    assert response.status_code == 400
    invitation.refresh_from_db()
    assert invitation.status == "valid"


def test_registration_ignores_privilege_fields(api_client):
    response = register(
        api_client, role="admin", is_staff=True, is_superuser=True, is_active=False, token_version=9
    )

    assert response.status_code == 201, response.content
    user = User.objects.get(email="new@example.com")
    assert (user.role, user.is_staff, user.is_superuser) == ("user", False, False)
    assert user.is_active and user.token_version == 0
