"""The hourly maintenance task: stuck videos re-queued (or failed), abandoned uploads freed."""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from media_library import tasks
from media_library.models import UploadSession, Video
from media_library.services import video_process
from media_library.services.quota import quota_used
from tests.media_library.conftest import temp_files, upload
from tests.media_library.test_resumable import TUS, create, patch


def _hours_ago(hours: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)


def _stale() -> dt.datetime:
    """Just past the media task's hard time limit."""
    return timezone.now() - dt.timedelta(seconds=settings.MEDIA_TASK_TIME_LIMIT + 60)


def _run_maintenance() -> tuple[dict, list[int]]:
    """Run the task body in-process; return its result and the video ids it queued."""
    with mock.patch.object(tasks.video_process_task, "apply_async") as send:
        result = tasks.media_maintenance_task()
    return result, sorted(call.kwargs["args"][0] for call in send.call_args_list)


def _uploaded(client, path) -> Video:
    response = upload(client, path)
    assert response.status_code == 201, response.json()
    return Video.objects.get(id=response.json()["id"])


def test_video_left_processing_by_a_dead_worker_is_requeued_and_then_completes(auth_client, videos):
    # given a video a worker claimed past the task time limit ago (the worker died), a
    # pending video nobody picked up for as long, and a claim that is still fresh
    stuck = _uploaded(auth_client, videos["mp4"])
    Video.objects.filter(id=stuck.id).update(
        status=Video.Status.PROCESSING,
        processing_started_at=_stale(),
        processing_attempts=1,
        created_at=_stale(),
    )
    forgotten = _uploaded(auth_client, videos["mp4"])
    Video.objects.filter(id=forgotten.id).update(created_at=_stale())
    busy = _uploaded(auth_client, videos["mp4"])
    Video.objects.filter(id=busy.id).update(
        status=Video.Status.PROCESSING,
        processing_started_at=timezone.now(),
        processing_attempts=1,
        created_at=_stale(),
    )

    # when the hourly maintenance runs
    result, queued = _run_maintenance()

    # then the stuck and the forgotten video are queued again, the busy one is left alone
    assert queued == sorted([stuck.id, forgotten.id])
    assert result["requeued"] == 2
    assert video_process(video_id=busy.id) is None  # a live claim is never taken over
    # and the re-queued task really takes the stale claim over and finishes the video
    done = video_process(video_id=stuck.id)
    assert done.status == Video.Status.COMPLETED, done.error
    assert done.processing_attempts == 2


def test_video_that_used_every_attempt_is_failed_instead_of_requeued(user, settings):
    # given a stale claim on its last allowed attempt
    settings.MEDIA_MAX_PROCESSING_ATTEMPTS = 3
    video = Video.objects.create(title="crashes the worker", uploaded_by=user)
    Video.objects.filter(id=video.id).update(
        status=Video.Status.PROCESSING,
        processing_started_at=_stale(),
        processing_attempts=3,
        created_at=_stale(),
    )

    # when the maintenance runs (twice: it is idempotent)
    _, queued = _run_maintenance()
    _, queued_again = _run_maintenance()

    # then the video is failed with a reason, never queued, and no worker may claim it
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED
    assert "3 attempts" in video.error
    assert queued == queued_again == []
    assert video_process(video_id=video.id) is None


def test_abandoned_upload_session_frees_its_temp_file_and_quota(auth_client, videos):
    # given two resumable uploads half sent: one untouched for longer than the TTL
    data = videos["mp4"].read_bytes()
    abandoned = create(auth_client, len(data))["Location"]
    live = create(auth_client, len(data))["Location"]
    for location in (abandoned, live):
        assert patch(auth_client, location, 0, data[:1000]).status_code == 204
    assert len(temp_files()) == 2
    assert quota_used(user=auth_client.user) == 2 * len(data)
    old_id = abandoned.rstrip("/").rsplit("/", 1)[1]
    UploadSession.objects.filter(id=old_id).update(
        updated_at=_hours_ago(settings.MEDIA_UPLOAD_SESSION_TTL_HOURS + 1)
    )

    # when the maintenance runs
    result, _ = _run_maintenance()

    # then the abandoned upload's bytes, row and reservation are gone; the live one is intact
    assert result["expired_uploads"] == 1
    assert not UploadSession.objects.filter(id=old_id).exists()
    assert len(temp_files()) == 1
    assert quota_used(user=auth_client.user) == len(data)
    assert auth_client.head(abandoned, **TUS).status_code == 404
    assert auth_client.head(live, **TUS)["Upload-Offset"] == "1000"


def test_expiring_a_finished_upload_keeps_the_video_and_its_quota(auth_client, videos):
    # given a completed resumable upload, long untouched
    data = videos["mp4"].read_bytes()
    location = create(auth_client, len(data))["Location"]
    done = patch(auth_client, location, 0, data)
    assert done.status_code == 204
    UploadSession.objects.update(updated_at=_hours_ago(1000))

    # when the maintenance runs
    result, _ = _run_maintenance()

    # then the session is forgotten, but the video and the bytes it counts stay
    assert result["expired_uploads"] == 1
    assert not UploadSession.objects.exists()
    assert Video.objects.filter(id=done["Video-Id"]).exists()
    assert quota_used(user=auth_client.user) == len(data)


@pytest.mark.parametrize("status", [Video.Status.COMPLETED, Video.Status.FAILED])
def test_finished_videos_are_never_requeued(user, status):
    video = Video.objects.create(title="done", uploaded_by=user, status=status)
    Video.objects.filter(id=video.id).update(
        created_at=_stale(), processing_started_at=_stale(), processing_attempts=1
    )
    _, queued = _run_maintenance()
    assert queued == []
    video.refresh_from_db()
    assert video.status == status
