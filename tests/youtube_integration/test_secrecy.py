"""No token (access, refresh, PKCE verifier) in any response, log line or admin page."""

import logging

import pytest

from tests.factories import UserFactory
from tests.youtube_integration.test_uploader import send
from youtube_integration.models import ChannelConnection, OAuthRequest, Upload
from youtube_integration.tokens import unseal

pytestmark = pytest.mark.django_db


def secrets_of(google) -> list[str]:
    found = list(google.issued_tokens())
    found += [unseal(r.code_verifier_encrypted) for r in OAuthRequest.objects.all()]
    found += [c.access_token_encrypted for c in ChannelConnection.objects.all()]
    found += [c.refresh_token_encrypted for c in ChannelConnection.objects.all()]
    return [s for s in found if s]


def test_no_token_in_responses_logs_or_admin_pages(
    google, connect, auth_client, make_upload, caplog, client
):
    caplog.set_level(logging.DEBUG)  # every logger, every level, the libraries' too
    bodies = []
    started = auth_client.get("/api/v1/youtube/oauth")
    verifier = unseal(OAuthRequest.objects.get().code_verifier_encrypted)
    bodies.append(started.content)
    channel = connect(auth_client)
    connection = ChannelConnection.objects.get(pk=channel["id"])
    google.expire_access_tokens()  # a refresh on the way, logged by google-auth
    upload = send(make_upload(connection))
    google.fault("videos.list", 503)
    for url in (
        "/api/v1/youtube/channels",
        f"/api/v1/youtube/channels/{connection.pk}",
        "/api/v1/youtube/videos",
        f"/api/v1/youtube/uploads/{upload.pk}",
        f"/api/v1/youtube/playlists?channel={connection.pk}",
    ):
        response = auth_client.get(url)
        assert response.status_code == 200, (url, response.content)
        bodies.append(response.content)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in (
        "/admin/youtube_integration/channelconnection/",
        f"/admin/youtube_integration/channelconnection/{connection.pk}/change/",
        "/admin/youtube_integration/upload/",
        f"/admin/youtube_integration/upload/{upload.pk}/change/",
        "/admin/youtube_integration/quotausage/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.content)

    secrets = [*secrets_of(google), verifier]
    assert len(secrets) >= 5  # access tokens (two), refresh token, two ciphertexts, verifier
    text = b"\n".join(bodies).decode() + "\n".join(r.getMessage() for r in caplog.records)
    leaked = [s for s in secrets if s in text]
    assert leaked == []
    assert connection.channel_title in text  # the pages did render the connection


def test_the_session_uri_is_not_shown_either(google, connection, make_upload, auth_client):
    upload = make_upload(connection)
    Upload.objects.filter(pk=upload.pk).update(
        session_uri="http://google.example/upload?upload_id=secret-session"
    )

    body = auth_client.get(f"/api/v1/youtube/uploads/{upload.pk}").content.decode()

    assert "secret-session" not in body
