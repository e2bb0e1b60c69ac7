import pytest
from django.contrib.auth import get_user_model

from accounts.authentication import refresh_token_for
from accounts.models import Invitation
from tests.accounts.helpers import assert_error, bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def admin_site(client):
    boss = User.objects.create_superuser(email="boss@example.com", password="x")
    client.force_login(boss)
    return client


def test_admin_adds_a_user_with_a_hashed_password(admin_site):
    response = admin_site.post(
        "/admin/accounts/user/add/",
        {
            "email": "Fresh@Example.com",
            "first_name": "Fresh",
            "last_name": "User",
            "role": "staff",
            "usable_password": "true",
            "password1": "a-long-unguessable-pass-42",
            "password2": "a-long-unguessable-pass-42",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="fresh@example.com")
    assert user.role == "staff"
    assert user.password != "a-long-unguessable-pass-42"
    assert user.check_password("a-long-unguessable-pass-42")


def test_admin_add_form_refuses_an_email_taken_in_another_case(admin_site):
    UserFactory(email="taken@example.com")
    response = admin_site.post(
        "/admin/accounts/user/add/",
        {
            "email": "TAKEN@example.com",
            "usable_password": "true",
            "role": "user",
            "password1": "a-long-unguessable-pass-42",
            "password2": "a-long-unguessable-pass-42",
        },
    )
    assert response.status_code == 200
    assert b"An account with this email already exists." in response.content
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_admin_change_and_changelist_pages_render_with_search_and_filters(admin_site):
    target = UserFactory(email="findme@example.com")
    assert admin_site.get(f"/admin/accounts/user/{target.pk}/change/").status_code == 200
    listing = admin_site.get("/admin/accounts/user/", {"q": "findme", "role__exact": "user"})
    assert listing.status_code == 200
    assert b"findme@example.com" in listing.content
    assert admin_site.get("/admin/accounts/user/", {"is_active__exact": "0"}).status_code == 200


def test_admin_actions_suspend_and_reactivate_through_the_services(admin_site):
    target = UserFactory()
    version = target.token_version

    admin_site.post("/admin/accounts/user/", {"action": "suspend", "_selected_action": [target.pk]})
    target.refresh_from_db()
    assert not target.is_active
    assert target.token_version == version + 1

    admin_site.post(
        "/admin/accounts/user/", {"action": "reactivate", "_selected_action": [target.pk]}
    )
    target.refresh_from_db()
    assert target.is_active


def test_admin_adds_an_invitation(admin_site):
    assert admin_site.get("/admin/accounts/invitation/add/").status_code == 200
    response = admin_site.post(
        "/admin/accounts/invitation/add/",
        {"email": "guest@example.com", "expires_at_0": "2099-01-01", "expires_at_1": "00:00:00"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get(email="guest@example.com")
    assert invitation.created_by.email == "boss@example.com"
    assert invitation.status == "valid"
    assert admin_site.get("/admin/accounts/invitation/").status_code == 200


def _change_form(user, **overrides) -> dict:
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def test_unticking_active_in_the_change_form_kills_live_tokens_for_good(admin_site):
    # Given a user with a live access token
    target = UserFactory()
    access = str(refresh_token_for(target).access_token)
    assert bearer(access).get("/api/v1/auth/me").status_code == 200

    # When an admin suspends and later reactivates them through the change form
    url = f"/admin/accounts/user/{target.pk}/change/"
    assert admin_site.post(url, _change_form(target, is_active="")).status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert admin_site.post(url, _change_form(target, is_active="on")).status_code == 302

    # Then the token issued before the suspension stays dead
    target.refresh_from_db()
    assert target.is_active
    assert_error(bearer(access).get("/api/v1/auth/me"), 401, "token_revoked")


def test_editing_names_in_the_change_form_keeps_sessions(admin_site):
    target = UserFactory()
    access = str(refresh_token_for(target).access_token)

    url = f"/admin/accounts/user/{target.pk}/change/"
    assert admin_site.post(url, _change_form(target, first_name="Grace")).status_code == 302

    assert bearer(access).get("/api/v1/auth/me").json()["first_name"] == "Grace"


def test_setting_a_password_in_the_admin_revokes_the_users_tokens(admin_site, api_client):
    target = UserFactory()
    tokens = refresh_token_for(target)
    access, refresh = str(tokens.access_token), str(tokens)
    new = "an-admin-chosen-pass-phrase-5"

    response = admin_site.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"set_usable_password": "true", "password1": new, "password2": new},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.check_password(new)
    assert_error(bearer(access).get("/api/v1/auth/me"), 401, "token_revoked")
    assert_error(
        api_client.post("/api/v1/auth/refresh", {"refresh": refresh}), 401, "token_not_valid"
    )
