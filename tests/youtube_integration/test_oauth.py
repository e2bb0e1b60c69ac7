"""Connecting a channel: consent URL, state bound to the user, PKCE, encrypted storage."""

import base64
import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from tests.youtube_integration.conftest import consent
from youtube_integration.models import ChannelConnection, OAuthRequest
from youtube_integration.tokens import unseal

pytestmark = pytest.mark.django_db

OAUTH = "/api/v1/youtube/oauth"
CALLBACK = "/api/v1/youtube/callback"


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_consent_url_asks_for_offline_access_with_pkce_and_the_configured_scopes(
    google, auth_client, settings
):
    response = auth_client.get(OAUTH)

    assert response.status_code == 200
    url = response.json()["url"]
    assert url.startswith(settings.GOOGLE_AUTH_URI + "?")
    query = _query(url)
    assert query["client_id"] == google.client_id
    assert query["redirect_uri"] == settings.YOUTUBE_REDIRECT_URI
    assert query["response_type"] == "code"
    assert query["access_type"] == "offline"
    assert query["prompt"] == "consent"
    assert query["scope"].split() == settings.YOUTUBE_OAUTH_SCOPES
    assert query["code_challenge_method"] == "S256"
    pending = OAuthRequest.objects.get(state=query["state"])
    assert pending.user == auth_client.user
    verifier = unseal(pending.code_verifier_encrypted)
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert query["code_challenge"] == expected.decode()
    assert verifier not in pending.code_verifier_encrypted


def test_callback_stores_the_channel_with_its_tokens_encrypted(google, auth_client):
    answer = consent(google, auth_client.get(OAUTH).json()["url"])

    response = auth_client.post(CALLBACK, answer, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    channel = google.channels[google.consenting_channel]
    assert body["channel_id"] == channel.id
    assert body["title"] == channel.title
    assert body["status"] == "active"
    assert body["can_caption"] is True
    stored = ChannelConnection.objects.get(pk=body["id"])
    access, refresh = google.issued_tokens()
    assert unseal(stored.access_token_encrypted) == access
    assert unseal(stored.refresh_token_encrypted) == refresh
    assert access not in stored.access_token_encrypted
    assert refresh not in stored.refresh_token_encrypted
    assert stored.token_expires_at > timezone.now() + timedelta(minutes=50)
    assert not any(token in response.content.decode() for token in (access, refresh))
    # The code exchange presented the verifier whose hash the consent URL carried.
    assert google.requests_of("token")[0].method == "POST"


def test_callback_works_with_the_redirect_query_on_get(google, auth_client):
    answer = consent(google, auth_client.get(OAUTH).json()["url"])

    response = auth_client.get(CALLBACK, answer)

    assert response.status_code == 201
    assert ChannelConnection.objects.filter(owner=auth_client.user).count() == 1


def test_a_state_is_bound_to_the_user_who_asked_for_it(google, auth_client, make_client):
    from tests.factories import UserFactory

    answer = consent(google, auth_client.get(OAUTH).json()["url"])
    intruder = make_client(UserFactory())

    stolen = intruder.post(CALLBACK, answer, format="json")

    assert stolen.status_code == 400
    assert stolen.json()["code"] == "oauth_state_invalid"
    assert not ChannelConnection.objects.exists()
    # The owner can still finish: the intruder's attempt consumed nothing.
    assert auth_client.post(CALLBACK, answer, format="json").status_code == 201


def test_a_state_is_used_once(google, auth_client):
    answer = consent(google, auth_client.get(OAUTH).json()["url"])
    assert auth_client.post(CALLBACK, answer, format="json").status_code == 201

    replay = auth_client.post(CALLBACK, answer, format="json")

    assert replay.status_code == 400
    assert replay.json()["code"] == "oauth_state_invalid"


def test_an_expired_state_is_refused(google, auth_client, settings):
    answer = consent(google, auth_client.get(OAUTH).json()["url"])
    OAuthRequest.objects.update(
        created_at=timezone.now() - timedelta(seconds=settings.YOUTUBE_OAUTH_STATE_TTL + 1)
    )

    response = auth_client.post(CALLBACK, answer, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "oauth_state_invalid"


def test_a_code_exchanged_without_the_right_pkce_verifier_is_refused(google, auth_client):
    from youtube_integration.tokens import seal

    answer = consent(google, auth_client.get(OAUTH).json()["url"])
    OAuthRequest.objects.update(code_verifier_encrypted=seal("x" * 64))

    response = auth_client.post(CALLBACK, answer, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "oauth_code_invalid"
    assert not ChannelConnection.objects.exists()


def test_a_refused_consent_says_so(google, auth_client):
    google.deny_consent = True
    answer = consent(google, auth_client.get(OAUTH).json()["url"])

    response = auth_client.post(CALLBACK, answer, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "oauth_denied"


def test_unticking_the_upload_scope_refuses_the_connection_and_revokes_the_grant(
    google, auth_client
):
    google.grant_scopes = ["https://www.googleapis.com/auth/youtube.readonly"]
    answer = consent(google, auth_client.get(OAUTH).json()["url"])

    response = auth_client.post(CALLBACK, answer, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "scope_missing"
    assert not ChannelConnection.objects.exists()
    assert all(grant.revoked for grant in google.grants.values())


def test_without_force_ssl_the_channel_connects_but_cannot_caption(google, auth_client):
    google.grant_scopes = [
        "https://www.googleapis.com/auth/youtube.upload",
        "https://www.googleapis.com/auth/youtube.readonly",
    ]
    answer = consent(google, auth_client.get(OAUTH).json()["url"])

    response = auth_client.post(CALLBACK, answer, format="json")

    assert response.status_code == 201
    assert response.json()["can_caption"] is False


def test_reconnecting_a_channel_updates_its_connection(google, connect, auth_client):
    first = connect(auth_client)

    again = connect(auth_client)

    assert again["id"] == first["id"]
    assert ChannelConnection.objects.count() == 1
    stored = ChannelConnection.objects.get()
    assert unseal(stored.refresh_token_encrypted) == list(google.grants)[-1]


def test_a_user_may_connect_several_channels(google, connect, auth_client):
    second = google.add_channel("Second Channel")

    connect(auth_client)
    connect(auth_client, channel_id=second.id)

    listed = auth_client.get("/api/v1/youtube/channels").json()["results"]
    assert {c["channel_id"] for c in listed} == set(google.channels)
    assert second.id in google.channels


def test_without_a_google_client_the_api_says_it_is_not_configured(auth_client, settings):
    settings.YOUTUBE_CLIENT_ID = ""

    response = auth_client.get(OAUTH)

    assert response.status_code == 503
    assert response.json()["code"] == "youtube_not_configured"


def test_google_unreachable_during_the_exchange_is_a_503(google, auth_client):
    answer = consent(google, auth_client.get(OAUTH).json()["url"])
    google.fault("token", 503)

    response = auth_client.post(CALLBACK, answer, format="json")

    assert response.status_code == 503
    assert response.json()["code"] == "youtube_unavailable"
