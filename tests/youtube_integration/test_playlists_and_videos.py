"""Playlists (list, create, add and remove a published video), the published videos list with
its processing status, and the thumbnail / captions / playlist steps of a publication."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from tests.youtube_integration.test_uploader import send
from youtube_integration.errors import ScopeMissing
from youtube_integration.models import Upload
from youtube_integration.services import channel_session, playlist_create
from youtube_integration.services.publishing import (
    upload_add_to_playlist,
    upload_insert_captions,
    upload_set_thumbnail,
)

pytestmark = pytest.mark.django_db

PLAYLISTS = "/api/v1/youtube/playlists"
VIDEOS = "/api/v1/youtube/videos"


def create_playlist(client, connection, title="Shorts") -> dict:
    response = client.post(
        PLAYLISTS, {"channel": connection.pk, "title": title, "privacy": "unlisted"}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_playlist_created_through_the_api_is_on_the_channel(google, connection, auth_client):
    created = create_playlist(auth_client, connection)

    stored = google.playlists[created["id"]]
    assert stored["snippet"]["channelId"] == connection.channel_id
    assert created == {
        "id": created["id"],
        "title": "Shorts",
        "description": "",
        "privacy": "unlisted",
        "item_count": 0,
    }


def test_the_list_reads_every_page_of_the_channels_playlists(google, connection, auth_client):
    for n in range(53):  # more than one page of 50 at Google
        playlist_create(connection=connection, title=f"List {n}", privacy="private")

    response = auth_client.get(PLAYLISTS, {"channel": connection.pk, "page_size": 100})

    assert response.status_code == 200
    assert response.json()["count"] == 53
    assert len(google.requests_of("playlists.list")) == 2


def test_playlists_of_another_users_channel_are_not_found(
    google, connection, auth_client, make_client
):
    intruder = make_client(UserFactory())

    assert intruder.get(PLAYLISTS, {"channel": connection.pk}).status_code == 404
    assert (
        intruder.post(
            PLAYLISTS, {"channel": connection.pk, "title": "x"}, format="json"
        ).status_code
        == 404
    )
    assert not google.playlists


def test_a_published_video_goes_into_a_playlist_and_out_again(
    google, connection, auth_client, make_upload
):
    upload = send(make_upload(connection))
    playlist = create_playlist(auth_client, connection)

    added = auth_client.post(f"{PLAYLISTS}/{playlist['id']}/videos", {"upload": upload.pk})
    again = auth_client.post(f"{PLAYLISTS}/{playlist['id']}/videos", {"upload": upload.pk})

    assert added.status_code == again.status_code == 201
    assert added.json()["playlist_item_id"] == again.json()["playlist_item_id"]
    assert len(google.playlist_items) == 1
    removed = auth_client.delete(f"{PLAYLISTS}/{playlist['id']}/videos/{upload.pk}")
    assert removed.status_code == 204
    assert not google.playlist_items


def test_another_channels_playlist_is_not_found(google, connection, auth_client, make_upload):
    upload = send(make_upload(connection))
    google.playlists["PLforeign"] = {
        "id": "PLforeign",
        "snippet": {"title": "Not yours", "channelId": "UCsomeoneelse"},
        "status": {"privacyStatus": "public"},
        "contentDetails": {"itemCount": 0},
    }

    response = auth_client.post(f"{PLAYLISTS}/PLforeign/videos", {"upload": upload.pk})

    assert response.status_code == 404
    assert not google.playlist_items


def test_another_users_upload_cannot_be_put_in_a_playlist(
    google, connection, auth_client, make_client, make_upload
):
    upload = send(make_upload(connection))
    playlist = create_playlist(auth_client, connection)
    intruder = make_client(UserFactory())

    response = intruder.post(f"{PLAYLISTS}/{playlist['id']}/videos", {"upload": upload.pk})

    assert response.status_code == 404


def test_without_force_ssl_playlists_cannot_be_created(google, connect, auth_client):
    google.grant_scopes = [
        "https://www.googleapis.com/auth/youtube.upload",
        "https://www.googleapis.com/auth/youtube.readonly",
    ]
    channel = connect(auth_client)

    response = auth_client.post(PLAYLISTS, {"channel": channel["id"], "title": "x"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "scope_missing"


def test_the_videos_list_refreshes_processing_status_from_youtube(
    google, connection, auth_client, make_upload
):
    first = send(make_upload(connection))
    second = send(make_upload(connection))

    listed = auth_client.get(VIDEOS).json()

    assert [v["id"] for v in listed["results"]] == [second.pk, first.pk]
    assert {v["processing_status"] for v in listed["results"]} == {"processing"}
    assert (
        listed["results"][0]["url"] == f"https://www.youtube.com/watch?v={second.youtube_video_id}"
    )
    assert len(google.requests_of("videos.list")) == 1  # one call for the channel
    # Fresh answers are not asked again; stale ones are.
    auth_client.get(VIDEOS)
    assert len(google.requests_of("videos.list")) == 1
    Upload.objects.update(processing_checked_at=timezone.now() - timedelta(minutes=5))
    listed = auth_client.get(VIDEOS).json()
    assert {v["processing_status"] for v in listed["results"]} == {"succeeded"}
    # Final states are never asked again.
    Upload.objects.update(processing_checked_at=timezone.now() - timedelta(minutes=5))
    auth_client.get(VIDEOS)
    assert len(google.requests_of("videos.list")) == 2


def test_the_videos_list_still_answers_when_youtube_does_not(
    google, connection, auth_client, make_upload
):
    send(make_upload(connection))
    google.fault("videos.list", 503)

    response = auth_client.get(VIDEOS)

    assert response.status_code == 200
    assert response.json()["results"][0]["processing_status"] == ""


def test_the_videos_list_shows_only_the_callers_videos(
    google, connection, auth_client, make_client, make_upload
):
    send(make_upload(connection))

    assert make_client(UserFactory()).get(VIDEOS).json()["count"] == 0
    assert auth_client.get(VIDEOS).json()["count"] == 1


def test_thumbnail_captions_and_playlist_steps_publish_the_films_extras(
    google, connection, auth_client, make_upload
):
    playlist = create_playlist(auth_client, connection)
    upload = send(make_upload(connection, playlist_id=playlist["id"]))
    session = channel_session(connection=connection)

    assert upload_set_thumbnail(upload=upload, session=session) is True
    caption_id = upload_insert_captions(upload=upload, session=session)
    item_id = upload_add_to_playlist(upload=upload)

    video_id = upload.youtube_video_id
    assert google.thumbnails[video_id] == b"\xff\xd8\xff\xe0fake-jpeg"
    caption = google.captions[caption_id]
    assert caption["snippet"]["videoId"] == video_id
    assert caption["body"].startswith(b"1\n00:00:00,000 --> 00:00:01,000")
    assert google.playlist_items[item_id]["snippet"]["resourceId"]["videoId"] == video_id
    stored = Upload.objects.get(pk=upload.pk)
    assert stored.thumbnail_set and stored.caption_id == caption_id
    assert stored.playlist_item_id == item_id
    # insert, thumbnail, captions, playlist item, and the playlist and item look-ups
    assert stored.quota_units == 1600 + 50 + 400 + 50 + 1 + 1


def test_a_captions_step_run_again_after_a_lost_answer_inserts_nothing_twice(
    google, connection, make_upload
):
    upload = send(make_upload(connection))
    session = channel_session(connection=connection)
    first = upload_insert_captions(upload=upload, session=session)
    # The worker died after Google's answer, before the id was saved.
    Upload.objects.filter(pk=upload.pk).update(caption_id="")
    upload.refresh_from_db()

    again = upload_insert_captions(upload=upload, session=session)

    assert again == first
    assert len(google.captions) == 1


def test_captions_without_force_ssl_are_refused(google, connect, auth_client, make_upload):
    from youtube_integration.models import ChannelConnection

    google.grant_scopes = [
        "https://www.googleapis.com/auth/youtube.upload",
        "https://www.googleapis.com/auth/youtube.readonly",
    ]
    connection = ChannelConnection.objects.get(pk=connect(auth_client)["id"])
    upload = send(make_upload(connection))

    with pytest.raises(ScopeMissing):
        upload_insert_captions(upload=upload, session=channel_session(connection=connection))
    assert not google.captions
