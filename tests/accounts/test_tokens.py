import jwt
import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.authentication import TOKEN_VERSION_CLAIM
from accounts.services import user_tokens_revoke
from tests.accounts.helpers import assert_error, bearer
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(login, user) -> dict:
    response = login(user.email, DEFAULT_PASSWORD)
    assert response.status_code == 200
    return response.json()


def refresh(client, token: str):
    return client.post("/api/v1/auth/refresh", {"refresh": token})


def test_refresh_rotates_and_the_new_pair_works(api_client, pair, user):
    response = refresh(api_client, pair["refresh"])

    assert response.status_code == 200, response.content
    new = response.json()
    assert new["refresh"] != pair["refresh"]
    assert bearer(new["access"]).get("/api/v1/auth/me").json()["id"] == user.id
    # The version claim survives rotation, so revocation keeps working on rotated tokens.
    for token in (new["access"], new["refresh"]):
        payload = jwt.decode(token, options={"verify_signature": False})
        assert payload[TOKEN_VERSION_CLAIM] == user.token_version


def test_a_rotated_refresh_token_is_refused_on_reuse(api_client, pair):
    assert refresh(api_client, pair["refresh"]).status_code == 200

    assert_error(refresh(api_client, pair["refresh"]), 401, "token_not_valid")


def test_the_rotated_token_itself_rotates_again(api_client, pair):
    second = refresh(api_client, pair["refresh"]).json()
    third = refresh(api_client, second["refresh"])
    assert third.status_code == 200


def test_refresh_token_of_a_suspended_user_is_refused(api_client, pair, user):
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert_error(refresh(api_client, pair["refresh"]), 403, "account_suspended")


def test_refresh_token_with_an_outdated_version_is_refused(api_client, user):
    # Given a token minted before a version bump that did not blacklist it (e.g. a row
    # already flushed), the version claim alone still refuses it.
    old = RefreshToken.for_user(user)
    old[TOKEN_VERSION_CLAIM] = user.token_version
    type(user).objects.filter(pk=user.pk).update(token_version=user.token_version + 1)

    assert_error(refresh(api_client, str(old)), 401, "token_revoked")


def test_garbage_and_access_tokens_are_not_refresh_tokens(api_client, pair):
    assert_error(refresh(api_client, "garbage"), 401, "token_not_valid")
    assert_error(refresh(api_client, pair["access"]), 401, "token_not_valid")


def test_logout_blacklists_the_refresh_token(api_client, pair):
    response = api_client.post("/api/v1/auth/logout", {"refresh": pair["refresh"]})

    assert response.status_code == 204
    assert_error(refresh(api_client, pair["refresh"]), 401, "token_not_valid")


def test_logout_twice_is_harmless(api_client, pair):
    api_client.post("/api/v1/auth/logout", {"refresh": pair["refresh"]})
    assert api_client.post("/api/v1/auth/logout", {"refresh": pair["refresh"]}).status_code == 204


def test_logout_with_a_bad_token_is_401(api_client):
    assert_error(api_client.post("/api/v1/auth/logout", {"refresh": "x"}), 401, "token_not_valid")


def test_revoking_a_users_tokens_cuts_off_live_access_and_refresh(api_client, pair, user):
    user_tokens_revoke(user=user)

    assert_error(bearer(pair["access"]).get("/api/v1/auth/me"), 401, "token_revoked")
    assert_error(refresh(api_client, pair["refresh"]), 401, "token_not_valid")


def test_unauthenticated_request_is_401_with_a_code(api_client):
    response = api_client.get("/api/v1/users/me")
    body = assert_error(response, 401, "not_authenticated")
    assert "errors" not in body


def test_invalid_bearer_token_is_401_with_a_code(api_client):
    assert_error(bearer("nonsense").get("/api/v1/users/me"), 401, "token_not_valid")


def test_logout_refuses_a_forged_token_carrying_a_real_token_id(api_client, pair):
    # Given someone who learned a refresh token's id but not the signing key
    payload = jwt.decode(pair["refresh"], options={"verify_signature": False})
    forged = jwt.encode(payload, "not-the-server-key-" * 3, algorithm="HS256")

    # When they try to log that session out
    response = api_client.post("/api/v1/auth/logout", {"refresh": forged})

    # Then they are refused and the real session lives on
    assert_error(response, 401, "token_not_valid")
    assert refresh(api_client, pair["refresh"]).status_code == 200


def test_logout_with_an_access_token_is_refused(api_client, pair):
    assert_error(
        api_client.post("/api/v1/auth/logout", {"refresh": pair["access"]}), 401, "token_not_valid"
    )
    assert refresh(api_client, pair["refresh"]).status_code == 200
