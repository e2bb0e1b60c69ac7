from datetime import timedelta

import jwt
import pytest
from django.conf import settings

from accounts.authentication import TOKEN_VERSION_CLAIM
from accounts.models import User
from tests.accounts.helpers import assert_error, bearer
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_login_returns_an_access_and_a_refresh_token_that_work(login, user):
    response = login(user.email.upper(), DEFAULT_PASSWORD)

    assert response.status_code == 200, response.content
    access, refresh = response.json()["access"], response.json()["refresh"]
    access_claims, refresh_claims = claims(access), claims(refresh)
    assert access_claims["token_type"] == "access"
    assert refresh_claims["token_type"] == "refresh"
    assert access_claims[TOKEN_VERSION_CLAIM] == refresh_claims[TOKEN_VERSION_CLAIM] == 0
    assert access_claims["exp"] - access_claims["iat"] == 15 * 60
    assert refresh_claims["exp"] - refresh_claims["iat"] == timedelta(days=7).total_seconds()
    assert bearer(access).get("/api/v1/auth/me").json()["email"] == user.email
    user.refresh_from_db()
    assert user.last_login is not None


def test_wrong_password_is_401_invalid_credentials(login, user):
    assert_error(login(user.email, "wrong-password"), 401, "invalid_credentials")


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(login):
    assert_error(login("nobody@example.com", DEFAULT_PASSWORD), 401, "invalid_credentials")


def test_suspended_user_with_the_right_password_is_told_so(login):
    suspended = UserFactory(is_active=False)
    assert_error(login(suspended.email, DEFAULT_PASSWORD), 403, "account_suspended")


def test_suspension_is_not_revealed_to_a_wrong_password(login):
    suspended = UserFactory(is_active=False)
    assert_error(login(suspended.email, "wrong-password"), 401, "invalid_credentials")


def test_a_stale_authorization_header_does_not_block_login(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = api_client.post(
        "/api/v1/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200


def test_login_validation_errors_use_the_standard_shape(api_client):
    body = assert_error(api_client.post("/api/v1/auth/login", {}), 400, "invalid")
    assert set(body["errors"]) == {"email", "password"}


# --- throttling (5/min per IP and per email; conftest clears the cache between tests)


def test_sixth_attempt_on_one_email_from_different_ips_is_throttled(login, user, private_cache):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login_email"] == "5/min"
    for attempt in range(5):
        response = login(user.email, "wrong-password", ip=f"10.0.1.{attempt}")
        assert response.status_code == 401

    response = login(user.email.upper(), DEFAULT_PASSWORD, ip="10.0.1.99")

    body = assert_error(response, 429, "throttled")
    assert "Retry-After" in response.headers
    assert body["detail"]
    # Another account from a fresh IP is not affected.
    other = UserFactory()
    assert login(other.email, DEFAULT_PASSWORD, ip="10.0.2.1").status_code == 200


def test_sixth_attempt_from_one_ip_across_emails_is_throttled(login, private_cache):
    users = UserFactory.create_batch(6)
    for victim in users[:5]:
        assert login(victim.email, "wrong-password", ip="10.9.9.9").status_code == 401

    assert_error(login(users[5].email, DEFAULT_PASSWORD, ip="10.9.9.9"), 429, "throttled")
    # The same account from another IP still gets in.
    assert login(users[5].email, DEFAULT_PASSWORD, ip="10.9.9.10").status_code == 200


def test_an_email_stored_in_mixed_case_still_logs_in_in_any_case(login):
    # e.g. created through the ORM or an older import, not through the lower-casing manager
    legacy = UserFactory()
    User.objects.filter(pk=legacy.pk).update(email="Mixed.Case@Example.com")
    legacy.refresh_from_db()
    assert legacy.email == "Mixed.Case@Example.com"

    assert login("mixed.case@EXAMPLE.COM", DEFAULT_PASSWORD).status_code == 200
