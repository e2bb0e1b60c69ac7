"""The upload → processing path through a real Celery worker on the media queue."""

import pytest

from media_library.models import Video
from tests.celery_worker import wait_for
from tests.media_library.conftest import upload

pytest_plugins = ["tests.celery_worker"]
pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_uploaded_video_is_processed_by_a_media_worker(celery_worker_factory, make_client, videos):
    # given a worker that only consumes the media queue
    from tests.factories import UserFactory

    celery_worker_factory(
        name="media", queues="media", concurrency=1, env={"MEDIA_X264_PRESET": "ultrafast"}
    )
    client = make_client(UserFactory())

    # when a video is uploaded (the task is queued once the row is committed)
    response = upload(client, videos["hd720"])
    assert response.status_code == 201

    # then the worker takes it from pending to completed with its renditions
    def finished():
        video = Video.objects.get(id=response.json()["id"])
        return video if video.status in (Video.Status.COMPLETED, Video.Status.FAILED) else None

    video = wait_for(finished, timeout=90, interval=0.3)
    assert video.status == Video.Status.COMPLETED, video.error
    assert video.available_renditions == ["720p", "480p"]
    assert video.thumbnail


def test_web_ready_upload_plays_first_and_its_lower_renditions_land_through_the_worker(
    celery_worker_factory, make_client, videos
):
    # given a media worker and a web-ready 720p upload
    from tests.factories import UserFactory

    celery_worker_factory(
        name="media", queues="media", concurrency=1, env={"MEDIA_X264_PRESET": "ultrafast"}
    )
    response = upload(make_client(UserFactory()), videos["hd720_ready"])
    assert response.status_code == 201

    # then the worker completes it, and the second task it queued adds 480p afterwards
    def with_480p():
        video = Video.objects.get(id=response.json()["id"])
        if video.status == Video.Status.FAILED or video.rendition_480p:
            return video
        return None

    video = wait_for(with_480p, timeout=90, interval=0.3)
    assert video.status == Video.Status.COMPLETED, video.error
    assert video.available_renditions == ["720p", "480p"]
    assert video.renditions_pending == []
    assert video.renditions_attempts == 1
