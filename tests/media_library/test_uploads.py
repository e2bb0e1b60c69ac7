"""Uploading videos: real files per container, refusals that leave nothing behind, quotas."""

import threading
from unittest import mock

import pytest
from django.db import connection

from filmstudio import files
from filmstudio.models import SiteConfig
from media_library.models import UploadQuota, Video
from media_library.services import video_process
from media_library.services.quota import quota_used, quota_week_start
from tests.factories import UserFactory
from tests.media_library.conftest import stored_files, temp_files, upload


@pytest.mark.slow
@pytest.mark.parametrize("container", ["mp4", "mov", "avi", "mkv", "webm"])
def test_each_accepted_container_uploads_processes_and_streams(auth_client, videos, container):
    # given a real two-second video in this container
    source = videos[container]

    # when it is uploaded and processed
    created = upload(auth_client, source, title=f"{container} clip", name=f"holiday.{container}")
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "pending"
    video = Video.objects.get(id=created.json()["id"])
    assert video.original.name.endswith(f"/original.{container}")
    assert "holiday" not in video.original.name  # the server names the key
    assert video.original_filename == f"holiday.{container}"
    video_process(video_id=video.id)

    # then it is completed with a 480p H.264 rendition, a thumbnail and a duration
    video.refresh_from_db()
    assert video.status == Video.Status.COMPLETED, video.error
    assert video.available_renditions == ["480p"]  # 240 lines: never upscaled
    assert 1.9 <= video.duration <= 2.2
    assert video.stream_info["container"] == container
    assert video.stream_info["remuxed"] is (container in ("mp4", "mov"))
    assert not video.original  # originals are not kept by default
    assert temp_files() == []
    streamed = auth_client.get(f"/api/v1/videos/{video.id}/stream")
    assert streamed.status_code == 200
    body = b"".join(streamed.streaming_content)
    assert len(body) == int(streamed["Content-Length"]) > 1000
    assert body[4:8] == b"ftyp"  # an MP4
    thumb = auth_client.get(f"/api/v1/videos/{video.id}/thumbnail")
    assert thumb.status_code == 200
    assert b"".join(thumb.streaming_content)[:2] == b"\xff\xd8"  # a JPEG


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("text", 415, "unsupported_media_type"),
        ("truncated", 415, "unsupported_media_type"),
        ("truncated_faststart", 415, "unsupported_media_type"),
        ("empty", 415, "unsupported_media_type"),
        ("audio_only", 415, "unsupported_media_type"),
    ],
)
def test_files_that_are_not_videos_are_refused_and_leave_nothing_behind(
    auth_client, videos, case, status, code
):
    # when a file that is not a usable video is uploaded (named .mp4 and sent as video/mp4)
    response = upload(auth_client, videos[case], name="movie.mp4")

    # then it is refused in the standard shape; no file, row or quota use remains
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert stored_files() == []
    assert temp_files() == []
    assert not Video.objects.exists()
    assert quota_used(user=auth_client.user) == 0


def test_oversized_file_is_refused_with_413_before_processing(auth_client, videos):
    # given a site maximum smaller than the file
    SiteConfig.objects.update_or_create(id=1, defaults={"max_file_size_bytes": 1000})

    # when it is uploaded
    response = upload(auth_client, videos["mp4"])

    # then 413 file_too_large, nothing stored, nothing counted
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert stored_files() == [] and temp_files() == []
    assert not Video.objects.exists()
    assert quota_used(user=auth_client.user) == 0


def test_upload_requires_authentication_and_a_title(api_client, auth_client, videos):
    assert upload(api_client, videos["mp4"]).status_code == 401
    response = upload(auth_client, videos["mp4"], title="")
    assert response.status_code == 400
    assert "title" in response.json()["errors"]
    assert quota_used(user=auth_client.user) == 0
    assert temp_files() == []


def test_accepted_upload_counts_its_exact_size_against_the_quota(auth_client, videos):
    response = upload(auth_client, videos["mp4"])
    assert response.status_code == 201
    assert quota_used(user=auth_client.user) == videos["mp4"].stat().st_size


def test_upload_over_the_weekly_quota_is_refused_with_429(auth_client, videos):
    # given a quota with room for one clip only
    size = videos["mp4"].stat().st_size
    SiteConfig.objects.update_or_create(id=1, defaults={"weekly_upload_quota_bytes": size + 5000})
    assert upload(auth_client, videos["mp4"]).status_code == 201

    # when a second clip is uploaded the same week
    response = upload(auth_client, videos["mp4"])

    # then it is refused, the first video is untouched and the counter did not move
    assert response.status_code == 429
    assert response.json()["code"] == "quota_exceeded"
    assert int(response["Retry-After"]) > 0
    assert Video.objects.count() == 1
    assert len(stored_files()) == 1
    assert quota_used(user=auth_client.user) == size


@pytest.mark.django_db(transaction=True)
def test_parallel_uploads_cannot_together_exceed_the_quota(make_client, videos):
    # given a quota with room for exactly one clip (plus multipart framing) and four uploads
    user = UserFactory()
    size = videos["mp4"].stat().st_size
    SiteConfig.objects.update_or_create(id=1, defaults={"weekly_upload_quota_bytes": size + 2000})
    barrier = threading.Barrier(4)
    results: list[int] = []

    def send() -> None:
        client = make_client(user)
        barrier.wait()
        try:
            results.append(upload(client, videos["mp4"]).status_code)
        finally:
            connection.close()

    # when they run at the same time
    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then exactly one is accepted, the rest get 429, and the counter holds one clip
    assert sorted(results) == [201, 429, 429, 429]
    assert Video.objects.count() == 1
    assert UploadQuota.objects.get(user=user).bytes_used == size
    assert len(stored_files()) == 1


def _quota_left(user, left: int, size: int) -> None:
    """Make `user` have exactly `left` bytes of this week's quota remaining."""
    SiteConfig.objects.update_or_create(id=1, defaults={"weekly_upload_quota_bytes": 10 * size})
    UploadQuota.objects.update_or_create(
        user=user, week_start=quota_week_start(), defaults={"bytes_used": 10 * size - left}
    )


def test_file_that_fits_the_quota_is_accepted_even_when_multipart_framing_does_not(
    auth_client, videos
):
    # given a user with room for the file plus 100 bytes: less than the multipart framing
    size = videos["mp4"].stat().st_size
    _quota_left(auth_client.user, size + 100, size)

    # when the file is uploaded
    response = upload(auth_client, videos["mp4"], description="x" * 500)

    # then it is accepted and exactly its size is counted (the framing never is)
    assert response.status_code == 201, response.json()
    assert quota_used(user=auth_client.user) == 10 * size - 100


def test_file_one_byte_over_the_remaining_quota_is_refused_and_nothing_is_counted(
    auth_client, videos
):
    # given a user with room for all but one byte of the file
    size = videos["mp4"].stat().st_size
    _quota_left(auth_client.user, size - 1, size)

    # when it is uploaded (the declared length is within the framing allowance)
    response = upload(auth_client, videos["mp4"])

    # then 429 once its exact size is known; no file, row or reservation remains
    assert (response.status_code, response.json()["code"]) == (429, "quota_exceeded")
    assert quota_used(user=auth_client.user) == 10 * size - (size - 1)
    assert stored_files() == [] and temp_files() == []
    assert not Video.objects.exists()


def test_malformed_content_length_is_a_client_error_not_a_crash(auth_client):
    response = auth_client.generic(
        "POST",
        "/api/v1/videos",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH="abc",
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"detail", "code"}
    assert quota_used(user=auth_client.user) == 0


def test_storage_failure_after_the_probe_leaves_no_reservation_or_temp_file(auth_client, videos):
    # given a storage that fails while the accepted file is being stored
    with mock.patch.object(files, "storage_save_local_file", side_effect=OSError("disk full")):
        response = upload(auth_client, videos["mp4"])

    # then the standard 500 shape, and nothing is counted or left behind
    assert (response.status_code, response.json()["code"]) == (500, "server_error")
    assert quota_used(user=auth_client.user) == 0
    assert stored_files() == [] and temp_files() == []
    assert not Video.objects.exists()
