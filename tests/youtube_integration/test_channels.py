"""Channels: listing with their state, disconnect (revoke), refresh before expiry and the
reconnect_required state; another user's channel is a 404."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from youtube_integration.errors import ReconnectRequired
from youtube_integration.models import ChannelConnection
from youtube_integration.services import channel_session
from youtube_integration.tokens import unseal

pytestmark = pytest.mark.django_db

CHANNELS = "/api/v1/youtube/channels"


def test_the_list_shows_only_the_callers_channels_with_their_state(
    google, connect, auth_client, make_client
):
    mine = connect(auth_client)
    other = make_client(UserFactory())
    connect(other, channel_id=google.add_channel("Theirs").id)

    listed = auth_client.get(CHANNELS).json()

    assert [c["id"] for c in listed["results"]] == [mine["id"]]
    assert listed["results"][0]["status"] == "active"


def test_another_users_channel_is_not_found(google, connect, auth_client, make_client):
    theirs = connect(make_client(UserFactory()))

    assert auth_client.get(f"{CHANNELS}/{theirs['id']}").status_code == 404
    assert auth_client.delete(f"{CHANNELS}/{theirs['id']}").status_code == 404
    assert ChannelConnection.objects.filter(pk=theirs["id"]).exists()
    assert not any(g.revoked for g in google.grants.values())


def test_disconnect_revokes_the_grant_at_google_and_deletes_the_connection(
    google, connection, auth_client
):
    response = auth_client.delete(f"{CHANNELS}/{connection.pk}")

    assert response.status_code == 204
    assert not ChannelConnection.objects.exists()
    assert [g.revoked for g in google.grants.values()] == [True]
    assert google.requests_of("revoke")


def test_disconnect_keeps_the_connection_when_google_cannot_be_reached(
    google, connection, auth_client, settings
):
    settings.GOOGLE_REVOKE_URI = "http://127.0.0.1:9/revoke"  # nothing listens on port 9

    response = auth_client.delete(f"{CHANNELS}/{connection.pk}")

    assert response.status_code == 503
    assert response.json()["code"] == "youtube_unavailable"
    assert ChannelConnection.objects.filter(pk=connection.pk).exists()


def test_a_token_close_to_expiry_is_refreshed_before_use_and_stored_encrypted(google, connection):
    old_access = unseal(connection.access_token_encrypted)
    ChannelConnection.objects.filter(pk=connection.pk).update(
        token_expires_at=timezone.now() + timedelta(seconds=60)
    )
    connection.refresh_from_db()

    channel_session(connection=connection)

    assert len(google.requests_of("token")) == 2  # the code exchange, then the refresh
    connection.refresh_from_db()
    new_access = unseal(connection.access_token_encrypted)
    assert new_access != old_access and new_access in google.access_tokens
    assert connection.token_expires_at > timezone.now() + timedelta(minutes=50)


def test_a_token_with_time_left_is_used_as_is(google, connection):
    channel_session(connection=connection)

    assert len(google.requests_of("token")) == 1


def test_an_access_token_google_expired_early_is_refreshed_on_the_401(google, connection):
    google.expire_access_tokens()
    session = channel_session(connection=connection)

    session.call("channels.list", session.api.channels().list(part="id", mine=True))

    connection.refresh_from_db()
    assert unseal(connection.access_token_encrypted) == list(google.access_tokens)[-1]


def test_a_revoked_grant_makes_the_channel_reconnect_required(google, connection, auth_client):
    google.revoke_channel(connection.channel_id)
    ChannelConnection.objects.filter(pk=connection.pk).update(token_expires_at=timezone.now())
    connection.refresh_from_db()

    with pytest.raises(ReconnectRequired):
        channel_session(connection=connection)

    listed = auth_client.get(CHANNELS).json()["results"]
    assert listed[0]["status"] == "reconnect_required"
    assert listed[0]["last_error"] == "invalid_grant"
    playlists = auth_client.get("/api/v1/youtube/playlists", {"channel": connection.pk})
    assert playlists.status_code == 409
    assert playlists.json()["code"] == "reconnect_required"


def test_reconnecting_brings_a_channel_back(google, connection, connect, auth_client):
    google.revoke_channel(connection.channel_id)
    ChannelConnection.objects.filter(pk=connection.pk).update(token_expires_at=timezone.now())
    with pytest.raises(ReconnectRequired):
        channel_session(connection=ChannelConnection.objects.get(pk=connection.pk))

    again = connect(auth_client)

    assert again["id"] == connection.pk
    assert again["status"] == "active"
    channel_session(connection=ChannelConnection.objects.get(pk=connection.pk))


def test_the_channel_list_makes_a_constant_number_of_queries(
    google, connect, auth_client, django_assert_max_num_queries
):
    for n in range(3):
        connect(auth_client, channel_id=google.add_channel(f"Channel {n}").id)

    with django_assert_max_num_queries(4):  # auth user, count, page (+ token version check)
        response = auth_client.get(CHANNELS)

    assert response.json()["count"] == 3
