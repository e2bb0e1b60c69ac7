from functools import partial

import jwt
import pytest
from allauth.socialaccount.models import SocialLogin
from django.test import RequestFactory, override_settings

from accounts.authentication import TOKEN_VERSION_CLAIM
from accounts.social import JWTTokenStrategy, SocialAccountAdapter
from tests.accounts.helpers import bearer

pytestmark = pytest.mark.django_db

BOTH = {
    "google": {"APPS": [{"client_id": "google-id", "secret": "s"}]},
    "github": {"APPS": [{"client_id": "github-id", "secret": "s"}]},
}


@pytest.mark.parametrize("client_kind", ["browser", "app"])
def test_config_offers_no_providers_without_client_ids(client, client_kind, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    response = client.get(f"/_allauth/{client_kind}/v1/config")

    assert response.status_code == 200
    assert response.json()["data"]["socialaccount"]["providers"] == []


def test_config_lists_google_and_github_when_client_ids_are_set(client):
    with override_settings(SOCIALACCOUNT_PROVIDERS=BOTH):
        response = client.get("/_allauth/browser/v1/config")

    assert response.status_code == 200
    providers = {p["id"]: p for p in response.json()["data"]["socialaccount"]["providers"]}
    assert set(providers) == {"google", "github"}
    assert providers["google"]["client_id"] == "google-id"


def test_allauth_password_signup_is_closed_so_invitations_cannot_be_bypassed(client):
    config = client.get("/_allauth/browser/v1/config").json()["data"]
    assert config["account"]["is_open_for_signup"] is False


def test_social_signup_follows_the_registration_mode(rf_request, invitation_only):
    adapter = SocialAccountAdapter(rf_request)
    assert adapter.is_open_for_signup(rf_request, SocialLogin()) is False


def test_social_signup_is_open_on_an_open_site(rf_request):
    assert SocialAccountAdapter(rf_request).is_open_for_signup(rf_request, SocialLogin()) is True


@pytest.fixture
def rf_request():
    return RequestFactory().get("/")


def test_app_login_through_allauth_ends_in_our_jwt_pair(rf_request, user, api_client):
    rf_request.user = user
    payload = JWTTokenStrategy().create_access_token_payload(rf_request)

    claims = jwt.decode(payload["access_token"], options={"verify_signature": False})
    assert claims[TOKEN_VERSION_CLAIM] == user.token_version
    assert bearer(payload["access_token"]).get("/api/v1/auth/me").json()["id"] == user.id
    rotated = JWTTokenStrategy().refresh_token(payload["refresh_token"])
    assert rotated is not None and rotated[1] != payload["refresh_token"]
    # The rotated-away token is dead.
    assert JWTTokenStrategy().refresh_token(payload["refresh_token"]) is None


def test_no_tokens_for_a_suspended_user(rf_request, user):
    user.is_active = False
    rf_request.user = user
    assert JWTTokenStrategy().create_access_token_payload(rf_request) is None


def test_a_social_session_is_traded_once_for_our_jwt_pair(client, user):
    """Given the session cookie allauth's browser flow leaves after a provider sign-in, when
    the app posts it (with its CSRF token) to /auth/social/token, then it gets the same JWT
    pair as a password login and the session is over."""
    client = type(client)(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/signin")  # the studio's page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value

    # No body, as the studio sends it (the API takes JSON bodies only).
    trade = partial(client.post, "/api/v1/auth/social/token", content_type="application/json")
    refused = trade()  # no CSRF token: refused
    response = trade(HTTP_X_CSRFTOKEN=csrf)
    again = trade(HTTP_X_CSRFTOKEN=csrf)

    assert refused.status_code == 403
    assert response.status_code == 200, response.json()
    assert bearer(response.json()["access"]).get("/api/v1/auth/me").json()["id"] == user.id
    claims = jwt.decode(response.json()["refresh"], options={"verify_signature": False})
    assert claims[TOKEN_VERSION_CLAIM] == user.token_version
    assert again.status_code == 403  # the session ended with the trade


def test_no_jwt_pair_without_a_session(api_client):
    assert api_client.post("/api/v1/auth/social/token").status_code == 403
