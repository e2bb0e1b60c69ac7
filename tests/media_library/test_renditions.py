"""Watchable sooner: a web-ready upload is playable once its remux is stored; its lower
renditions follow from a second task, recorded as they land, never made twice."""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from media_library import tasks
from media_library.models import Video
from media_library.services import renditions as renditions_service
from media_library.services import video_process, video_renditions_process, videos_requeue_stuck
from tests.media_library.conftest import stored_files, upload

pytestmark = pytest.mark.slow


def _stale() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.MEDIA_TASK_TIME_LIMIT + 60)


def _playable(client, path) -> tuple[Video, mock.Mock]:
    """Upload and process; return the video and the (captured) renditions message."""
    response = upload(client, path)
    assert response.status_code == 201, response.json()
    with mock.patch.object(tasks.video_renditions_task, "apply_async") as send:
        video_process(video_id=response.json()["id"])
    return Video.objects.get(id=response.json()["id"]), send


def test_web_ready_upload_is_playable_before_its_lower_renditions_exist(auth_client, videos):
    # given a web-ready 720p upload, processed by the first task
    video, send = _playable(auth_client, videos["hd720_ready"])

    # then it is completed with the remux only, and says 480p is still to come
    assert video.status == Video.Status.COMPLETED, video.error
    assert video.available_renditions == ["720p"]
    assert video.renditions_pending == ["480p"]
    assert not video.rendition_480p
    send.assert_called_once_with(args=[video.id], task_id=f"video-renditions-{video.id}")
    body = auth_client.get(f"/api/v1/videos/{video.id}").json()
    assert (body["status"], body["renditions"], body["renditions_pending"]) == (
        "completed",
        ["720p"],
        ["480p"],
    )
    stream = auth_client.get(f"/api/v1/videos/{video.id}/stream")
    assert stream.status_code == 200
    assert stream["X-Renditions-Ready"] == "720p"
    assert auth_client.get(f"/api/v1/videos/{video.id}/stream?rendition=480p").status_code == 404

    # when the renditions task runs
    bytes_before = video.storage_bytes
    video = video_renditions_process(video_id=video.id)

    # then 480p has landed, is recorded and counted, and streams
    assert video.available_renditions == ["720p", "480p"]
    assert video.renditions_pending == []
    assert video.stream_info["renditions"]["480p"] == {"copy": False}
    assert video.storage_bytes == bytes_before + video.rendition_480p.size
    stream = auth_client.get(f"/api/v1/videos/{video.id}/stream?rendition=480p")
    assert stream.status_code == 200
    assert stream["X-Renditions-Ready"] == "720p,480p"


def test_a_rendition_task_run_again_does_nothing_twice(auth_client, videos):
    video, _ = _playable(auth_client, videos["hd720_ready"])
    video_renditions_process(video_id=video.id)
    files_before, bytes_before = stored_files(), Video.objects.get(id=video.id).storage_bytes

    # a duplicate message, or the sweeper's re-send, after the renditions landed
    assert video_renditions_process(video_id=video.id) is None
    assert stored_files() == files_before
    assert Video.objects.get(id=video.id).storage_bytes == bytes_before


def test_a_fresh_claim_is_not_taken_twice_but_a_dead_workers_claim_is(auth_client, videos):
    video, _ = _playable(auth_client, videos["hd720_ready"])
    # given another worker claimed the renditions a moment ago
    Video.objects.filter(id=video.id).update(
        renditions_started_at=timezone.now(), renditions_attempts=1
    )
    assert video_renditions_process(video_id=video.id) is None
    assert Video.objects.get(id=video.id).renditions_pending == ["480p"]

    # when that worker died (its claim is past the time limit), the sweeper re-queues it
    Video.objects.filter(id=video.id).update(
        renditions_started_at=_stale(), processing_started_at=_stale()
    )
    with (
        mock.patch.object(tasks.video_process_task, "apply_async"),
        mock.patch.object(tasks.video_renditions_task, "apply_async") as send,
    ):
        assert videos_requeue_stuck() == 1
    send.assert_called_once_with(args=[video.id], task_id=f"video-renditions-{video.id}")

    # and the re-queued run finishes the job once
    video = video_renditions_process(video_id=video.id)
    assert video.available_renditions == ["720p", "480p"]
    assert video.renditions_attempts == 2


def test_renditions_that_keep_failing_are_given_up_and_the_video_stays_playable(
    auth_client, videos
):
    video, _ = _playable(auth_client, videos["hd720_ready"])
    Video.objects.filter(id=video.id).update(
        renditions_started_at=_stale(),
        renditions_attempts=settings.MEDIA_MAX_PROCESSING_ATTEMPTS,
    )
    with mock.patch.object(tasks.video_renditions_task, "apply_async") as send:
        assert renditions_service.renditions_requeue_stuck() == 0
    send.assert_not_called()
    video.refresh_from_db()
    assert video.status == Video.Status.COMPLETED
    assert video.renditions_pending == []
    assert "attempts" in video.stream_info["renditions_error"]
    assert auth_client.get(f"/api/v1/videos/{video.id}/stream").status_code == 200


def test_a_video_deleted_while_its_renditions_encode_leaves_nothing_behind(
    auth_client, videos, django_capture_on_commit_callbacks
):
    video, _ = _playable(auth_client, videos["hd720_ready"])
    real_record = renditions_service._record

    def deleted_first(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            assert auth_client.delete(f"/api/v1/videos/{video.id}").status_code == 204
        return real_record(**kwargs)

    with mock.patch.object(renditions_service, "_record", side_effect=deleted_first):
        assert video_renditions_process(video_id=video.id) is None
    assert not [name for name in stored_files() if str(video.key) in name]


def test_a_non_web_ready_source_gets_every_rendition_in_the_first_task(auth_client, videos):
    video, send = _playable(auth_client, videos["hd720"])
    assert video.available_renditions == ["720p", "480p"]
    assert video.renditions_pending == []
    send.assert_not_called()
