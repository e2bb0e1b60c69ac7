"""A broker outage while a video is uploaded (issue 9, F7): the upload is accepted, its row,
file and quota stay as committed, and the processing is queued once the broker is back.
Transactional: the processing is queued in an on_commit callback, as in production."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from kombu.exceptions import OperationalError

from media_library import tasks
from media_library.models import Video
from media_library.services import processing, videos_resend_unqueued
from media_library.services.quota import quota_used
from tests.media_library.conftest import upload
from tests.media_library.test_resumable import create, patch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down(monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.video_process_task, "apply_async", refused)


def _back_up(monkeypatch) -> list[int]:
    sent: list[int] = []
    monkeypatch.setattr(
        tasks.video_process_task, "apply_async", lambda args, task_id: sent.append(args[0])
    )
    monkeypatch.setattr(processing, "queued_task_ids", set)  # the restarted broker is empty
    return sent


def _accepted_and_kept(video: Video, size: int, user) -> None:
    assert video.status == Video.Status.PENDING
    assert default_storage.exists(video.original.name)
    assert default_storage.size(video.original.name) == size
    assert quota_used(user=user) == size


def _resend_later(monkeypatch) -> list[int]:
    sent = _back_up(monkeypatch)
    assert videos_resend_unqueued() == 0  # too soon: a message in flight may still land
    later = timezone.now() + dt.timedelta(minutes=2)
    assert videos_resend_unqueued(now=later) == 1
    return sent


def test_a_multipart_upload_during_an_outage_is_kept_and_queued_later(
    auth_client, videos, broker_down, monkeypatch
):
    response = upload(auth_client, videos["mp4"])

    assert response.status_code == 201, response.content
    video = Video.objects.get(pk=response.json()["id"])
    _accepted_and_kept(video, videos["mp4"].stat().st_size, auth_client.user)
    assert _resend_later(monkeypatch) == [video.pk]


def test_the_last_tus_patch_during_an_outage_is_kept_and_queued_later(
    auth_client, videos, broker_down, monkeypatch
):
    data = videos["mp4"].read_bytes()
    location = create(auth_client, len(data))["Location"]

    done = patch(auth_client, location, 0, data)

    assert done.status_code == 204, done.content
    video = Video.objects.get(pk=done["Video-Id"])
    _accepted_and_kept(video, len(data), auth_client.user)
    assert _resend_later(monkeypatch) == [video.pk]


def test_a_pending_video_whose_message_the_broker_holds_is_not_sent_twice(
    auth_client, videos, monkeypatch
):
    sent = _back_up(monkeypatch)
    video = Video.objects.get(pk=upload(auth_client, videos["mp4"]).json()["id"])
    assert sent == [video.pk]
    held = {processing.processing_task_id(video.pk)}
    monkeypatch.setattr(processing, "queued_task_ids", lambda: held)

    assert videos_resend_unqueued(now=timezone.now() + dt.timedelta(hours=1)) == 0
