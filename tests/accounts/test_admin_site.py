import pytest
from django.contrib.auth import get_user_model

from accounts.models import Invitation
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
