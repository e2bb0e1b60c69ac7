"""The resumable upload against the fake's real protocol: chunks, stored session and offset,
resuming from Google's offset after a crash, faults retried, one video at most."""

import threading

import pytest

from tests.youtube_integration.conftest import CHUNK
from youtube_integration.errors import (
    QuotaExceeded,
    ReconnectRequired,
    Unavailable,
    UploadLimitExceeded,
)
from youtube_integration.models import ChannelConnection, QuotaUsage, Upload
from youtube_integration.quota import quota_day, quota_next_reset
from youtube_integration.services import channel_session
from youtube_integration.services.uploader import upload_send

pytestmark = pytest.mark.django_db


class Crash(Exception):
    """Stands in for a worker dying between two chunks."""


def film_of(upload: Upload) -> bytes:
    with upload.film.file.open("rb") as stream:
        return stream.read()


def send(upload: Upload, *, stop_after: int | None = None, seen: list | None = None) -> Upload:
    """Run the uploader in a fresh session; `stop_after` chunks, then "crash"."""
    upload = Upload.objects.select_related("connection", "film").get(pk=upload.pk)
    calls = seen if seen is not None else []

    def progress(sent: int, total: int) -> None:
        calls.append((sent, total))
        if stop_after is not None and sent >= stop_after * CHUNK and sent < total:
            raise Crash()

    return upload_send(
        upload=upload, session=channel_session(connection=upload.connection), progress=progress
    )


def chunk_starts(google) -> list[int]:
    starts = []
    for request in google.requests_of("chunk"):
        span = request.headers["content-range"].split(" ")[1].split("/")[0]
        if span != "*":
            starts.append(int(span.split("-")[0]))
    return starts


def offset_queries(google) -> int:
    return sum("*/" in r.headers.get("content-range", "") for r in google.requests_of("chunk"))


def test_a_film_goes_up_in_chunks_and_youtube_holds_exactly_its_bytes(
    google, connection, make_upload
):
    upload = make_upload(connection)
    seen = []

    done = send(upload, seen=seen)

    videos = google.videos_of(connection.channel_id)
    assert len(videos) == 1
    assert google.video_bytes[videos[0]["id"]] == film_of(upload)
    assert chunk_starts(google) == [0, CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK, 5 * CHUNK]
    assert done.youtube_video_id == videos[0]["id"]
    assert done.status == Upload.Status.UPLOADED
    assert done.bytes_sent == done.total_bytes == len(film_of(upload))
    assert done.session_uri == ""
    assert [sent for sent, _ in seen] == [
        CHUNK,
        2 * CHUNK,
        3 * CHUNK,
        4 * CHUNK,
        5 * CHUNK,
        done.total_bytes,
    ]
    metadata = google.sessions[next(iter(google.sessions))].metadata
    assert metadata["snippet"]["title"] == "The Lighthouse"
    assert metadata["snippet"]["tags"] == ["film", "lighthouse"]
    assert metadata["status"] == {"privacyStatus": "private", "selfDeclaredMadeForKids": False}
    assert google.violations == []


def test_the_quota_ledger_matches_what_google_charged(google, connection, make_upload):
    upload = make_upload(connection)

    done = send(upload)

    assert done.quota_units == 1600
    assert QuotaUsage.objects.get().units == google.units_used  # channels.list + videos.insert
    assert QuotaUsage.objects.get().by_method == {"channels.list": 1, "videos.insert": 1600}


def test_staff_see_the_units_spent_per_day_and_cloud_project_and_creators_do_not(
    google, connection, make_upload, auth_client, admin_client
):
    send(make_upload(connection))

    creator = auth_client.get("/api/v1/youtube/quota")
    staff = admin_client.get("/api/v1/youtube/quota")

    assert creator.status_code == 403
    assert staff.status_code == 200
    (row,) = staff.json()["results"]
    usage = QuotaUsage.objects.get()
    assert (row["day"], row["cloud_project"]) == (str(quota_day()), usage.cloud_project)
    assert row["units"] == google.units_used == 1 + 1600
    assert row["by_method"] == {"channels.list": 1, "videos.insert": 1600}


def test_each_confirmed_offset_is_stored_after_its_chunk(google, connection, make_upload):
    upload = make_upload(connection)
    stored = []

    def progress(sent, total):
        row = Upload.objects.get(pk=upload.pk)
        stored.append((row.bytes_sent, bool(row.session_uri)))

    upload_send(
        upload=Upload.objects.get(pk=upload.pk),
        session=channel_session(connection=connection),
        progress=progress,
    )

    assert stored[:3] == [(CHUNK, True), (2 * CHUNK, True), (3 * CHUNK, True)]


def test_a_new_run_asks_google_for_the_offset_and_goes_on_from_there(
    google, connection, make_upload
):
    upload = make_upload(connection)
    with pytest.raises(Crash):
        send(upload, stop_after=2)
    stored = Upload.objects.get(pk=upload.pk)
    assert stored.bytes_sent == 2 * CHUNK and stored.session_uri
    before = len(google.requests_of("chunk"))

    done = send(upload)

    resumed = google.requests_of("chunk")[before:]
    assert resumed[0].headers["content-range"] == f"bytes */{stored.total_bytes}"
    assert chunk_starts(google)[2:] == [2 * CHUNK, 3 * CHUNK, 4 * CHUNK, 5 * CHUNK]
    assert len(google.sessions) == 1
    assert len(google.videos_of(connection.channel_id)) == 1
    assert google.video_bytes[done.youtube_video_id] == film_of(upload)


def test_google_ahead_of_the_stored_offset_wins(google, connection, make_upload):
    # The worker died after Google took chunk 2 but before the offset was saved.
    upload = make_upload(connection)
    with pytest.raises(Crash):
        send(upload, stop_after=2)
    Upload.objects.filter(pk=upload.pk).update(bytes_sent=CHUNK)

    done = send(upload)

    assert chunk_starts(google) == [0, CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK, 5 * CHUNK]
    assert google.violations == []
    assert google.video_bytes[done.youtube_video_id] == film_of(upload)


def test_a_session_google_already_completed_gives_its_video_without_sending_again(
    google, connection, make_upload
):
    # The worker died after the last chunk was accepted, before the video id was saved.
    upload = make_upload(connection)
    done = send(upload)
    session_uri = next(r for r in google.requests_of("videos.insert"))
    Upload.objects.filter(pk=upload.pk).update(
        youtube_video_id="",
        status=Upload.Status.UPLOADING,
        bytes_sent=4 * CHUNK,
        session_uri=f"{google.base_url}/upload/youtube/v3/videos?uploadType=resumable"
        f"&upload_id={next(iter(google.sessions))}",
    )
    assert session_uri.method == "POST"
    sent_before = len(chunk_starts(google))

    again = send(upload)

    assert again.youtube_video_id == done.youtube_video_id
    assert len(chunk_starts(google)) == sent_before
    assert len(google.videos_of(connection.channel_id)) == 1


def test_an_expired_session_is_replaced_by_a_new_one(google, connection, make_upload):
    upload = make_upload(connection)
    Upload.objects.filter(pk=upload.pk).update(
        session_uri=f"{google.base_url}/upload/youtube/v3/videos?upload_id=long-gone",
        total_bytes=5 * CHUNK + 1234,
    )

    done = send(upload)

    assert len(google.videos_of(connection.channel_id)) == 1
    assert google.video_bytes[done.youtube_video_id] == film_of(upload)


def test_a_503_on_a_chunk_is_retried_after_asking_for_the_offset(google, connection, make_upload):
    upload = make_upload(connection)
    google.fault("chunk", 503, skip=2)

    done = send(upload)

    assert offset_queries(google) == 1
    assert chunk_starts(google) == [0, CHUNK, 2 * CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK, 5 * CHUNK]
    assert len(google.videos_of(connection.channel_id)) == 1
    assert google.video_bytes[done.youtube_video_id] == film_of(upload)


def test_a_dropped_connection_resumes_from_the_bytes_google_kept(google, connection, make_upload):
    upload = make_upload(connection)
    google.fault("chunk", "drop", skip=1)  # the second chunk: Google keeps half of it

    done = send(upload)

    half = CHUNK + CHUNK // 2
    assert chunk_starts(google)[:3] == [0, CHUNK, half]
    assert google.violations == []
    assert google.video_bytes[done.youtube_video_id] == film_of(upload)


def test_failures_past_the_retry_budget_hand_back_a_retryable_error_and_keep_the_session(
    google, connection, make_upload, settings
):
    settings.YOUTUBE_CHUNK_RETRIES = 2
    upload = make_upload(connection)
    google.fault("chunk", 503, times=3, skip=1)

    with pytest.raises(Unavailable) as failed:
        send(upload)

    assert failed.value.retryable
    assert Upload.objects.get(pk=upload.pk).session_uri
    done = send(upload)
    assert len(google.sessions) == 1
    assert google.video_bytes[done.youtube_video_id] == film_of(upload)


def test_quota_exceeded_on_insert_says_when_the_quota_comes_back(google, connection, make_upload):
    upload = make_upload(connection)
    google.fault("videos.insert", "quotaExceeded")

    with pytest.raises(QuotaExceeded) as refused:
        send(upload)

    assert refused.value.resume_at == quota_next_reset()
    assert refused.value.code == "quota_exceeded"
    assert Upload.objects.get(pk=upload.pk).session_uri == ""
    assert not google.sessions


def test_upload_limit_exceeded_is_not_retried(google, connection, make_upload):
    upload = make_upload(connection)
    google.fault("videos.insert", "uploadLimitExceeded")

    with pytest.raises(UploadLimitExceeded) as refused:
        send(upload)

    assert refused.value.retryable is False
    assert refused.value.code == "upload_limit_exceeded"


def test_a_grant_revoked_mid_upload_needs_a_reconnect(google, connection, make_upload):
    upload = make_upload(connection)
    google.revoke_channel(connection.channel_id)

    with pytest.raises(ReconnectRequired):
        send(upload)

    connection.refresh_from_db()
    assert connection.status == ChannelConnection.Status.RECONNECT_REQUIRED
    assert connection.access_token_encrypted == connection.refresh_token_encrypted == ""
    assert not google.videos


@pytest.mark.django_db(transaction=True)
def test_the_session_uri_is_stored_before_the_first_byte_is_sent(google, connection, make_upload):
    upload = make_upload(connection)
    google.hold_chunk(0)
    errors = []

    def run():
        try:
            send(upload)
        except Exception as exc:  # surfaced below
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert google.held.wait(10)
        stored = Upload.objects.get(pk=upload.pk)
        assert stored.session_uri.endswith(next(iter(google.sessions)))
        assert stored.bytes_sent == 0
        assert stored.status == Upload.Status.UPLOADING
    finally:
        google.release()
        worker.join(30)
    assert errors == []
    assert len(google.videos) == 1
