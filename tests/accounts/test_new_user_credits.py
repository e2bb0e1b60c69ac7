"""Every way a user comes to exist opens their credit account with the signup grant, once, in
the same transaction; reading the profile afterwards writes nothing."""

import io
from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.auth import get_user_model
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Invitation
from accounts.social import SocialAccountAdapter
from billing.models import CreditAccount, CreditTransaction
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
GRANT = 37
PASSWORD = "a-long-unguessable-pass-42"
EMAIL = "fresh@example.com"


@pytest.fixture(autouse=True)
def _grant(settings):
    settings.CREDITS_SIGNUP_GRANT = GRANT


def by_registration(client, request) -> None:
    response = client.post(
        "/api/v1/auth/register",
        {"email": EMAIL, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def by_invitation(client, request) -> None:
    request.getfixturevalue("invitation_only")
    invitation = Invitation.objects.create(
        created_by=AdminFactory(), expires_at=timezone.now() + timedelta(days=1)
    )
    response = client.post(
        "/api/v1/auth/register",
        {"email": EMAIL, "password": PASSWORD, "invitation_token": invitation.token},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def by_social_sign_up(client, request) -> None:
    http = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(http)
    login = SocialLogin(user=User(email=EMAIL), account=SocialAccount(provider="google", uid="42"))
    SocialAccountAdapter(http).save_user(http, login)


def by_createsuperuser(client, request) -> None:
    request.getfixturevalue("monkeypatch").setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, email=EMAIL, verbosity=0)


def by_ensure_admin(client, request) -> None:
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", EMAIL)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("ensure_admin", stdout=io.StringIO())


def by_the_admin_add_form(client, request) -> None:
    client.force_login(User.objects.create_superuser(email="boss@example.com", password="x"))
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": EMAIL,
            "role": "user",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize(
    "create",
    [
        by_registration,
        by_invitation,
        by_social_sign_up,
        by_createsuperuser,
        by_ensure_admin,
        by_the_admin_add_form,
    ],
)
def test_every_new_user_gets_an_account_with_one_signup_grant(client, request, create):
    create(client, request)

    user = User.objects.get(email=EMAIL)
    account = CreditAccount.objects.get(user=user)
    assert (account.plan_id, account.balance) == ("free", GRANT)
    assert list(
        CreditTransaction.objects.filter(account=account).values_list("kind", "amount")
    ) == [("grant", GRANT)]


def test_reading_the_profile_writes_nothing(auth_client):
    with CaptureQueriesContext(connection) as queries:
        response = auth_client.get("/api/v1/users/me")

    assert response.json()["balance"] == GRANT
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
