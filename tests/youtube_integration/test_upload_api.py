"""POST /youtube/upload and GET /youtube/uploads/{id}: a youtube_upload job with its Upload,
refusals before any job exists, another user's upload a 404."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import CreditAccount
from jobs.models import Job, JobStatus, JobType
from projects.models import Project
from tests.factories import UserFactory
from youtube_integration.models import Upload

pytestmark = pytest.mark.django_db

UPLOAD = "/api/v1/youtube/upload"


def test_publishing_a_film_starts_a_youtube_upload_job_that_costs_nothing(
    google, connection, auth_client, film_job
):
    balance = CreditAccount.objects.get(user=auth_client.user).balance

    response = auth_client.post(
        UPLOAD,
        {"channel": connection.pk, "job": film_job.pk, "title": "Lighthouse", "tags": ["a"]},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    upload = Upload.objects.get(pk=body["id"])
    assert upload.job.type == JobType.YOUTUBE_UPLOAD
    assert upload.job.status == JobStatus.QUEUED
    assert upload.job.cost == 0
    assert body["job"] == upload.job_id and body["job_status"] == "queued"
    assert body["title"] == "Lighthouse" and body["privacy"] == "private"
    assert body["status"] == "pending" and body["bytes_sent"] == 0
    assert CreditAccount.objects.get(user=auth_client.user).balance == balance


def test_a_library_video_is_published_by_a_job_without_a_project(google, connection, auth_client):
    from django.core.files.base import ContentFile

    from media_library.models import Video

    video = Video.objects.create(
        title="Harbour", uploaded_by=auth_client.user, status=Video.Status.COMPLETED
    )
    video.rendition_720p.save("720p.mp4", ContentFile(b"x" * 1000))

    response = auth_client.post(
        UPLOAD, {"channel": connection.pk, "video": video.pk}, format="json"
    )

    assert response.status_code == 201, response.content
    job = Job.objects.get(pk=response.json()["job"])
    assert job.project is None and job.type == JobType.YOUTUBE_UPLOAD


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"status": JobStatus.COMPOSING}, "film_not_completed"),
        ({"status": JobStatus.FAILED}, "film_not_completed"),
    ],
)
def test_a_film_that_is_not_completed_is_a_409(
    google, connection, auth_client, film_job, change, code
):
    Job.objects.filter(pk=film_job.pk).update(**change)

    response = auth_client.post(
        UPLOAD, {"channel": connection.pk, "job": film_job.pk}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == code
    assert not Upload.objects.exists()


def test_a_project_held_for_moderation_is_a_409(google, connection, auth_client, film_job):
    Project.objects.filter(pk=film_job.project_id).update(
        moderation_status=Project.ModerationStatus.PENDING_REVIEW
    )

    response = auth_client.post(
        UPLOAD, {"channel": connection.pk, "project": film_job.project_id}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "project_held"


def test_another_users_channel_or_film_is_a_404(
    google, connection, auth_client, make_client, film_job
):
    intruder = make_client(UserFactory())

    theirs = intruder.post(UPLOAD, {"channel": connection.pk, "job": film_job.pk}, format="json")

    assert theirs.status_code == 404
    assert not Upload.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"video": 1, "job": 1},
        {"job": 1, "publish_at": "2001-01-01T00:00:00Z"},
        {"job": 1, "publish_at": "2999-01-01T00:00:00Z", "privacy": "public"},
        {"job": 1, "privacy": "secret"},
        {"job": 1, "title": "<script>"},
        {"job": 1, "tags": ["x" * 100] * 6},
    ],
)
def test_bad_input_is_a_400_with_the_error_shape(google, connection, auth_client, body):
    response = auth_client.post(UPLOAD, {"channel": connection.pk, **body}, format="json")

    assert response.status_code == 400, response.content
    assert {"detail", "code"} <= set(response.json())


def test_a_scheduled_video_is_private_until_publish_at(google, connection, auth_client, film_job):
    when = (timezone.now() + timedelta(days=2)).replace(microsecond=0)

    response = auth_client.post(
        UPLOAD,
        {"channel": connection.pk, "job": film_job.pk, "publish_at": when.isoformat()},
        format="json",
    )

    assert response.status_code == 201
    upload = Upload.objects.get()
    assert upload.privacy == "private" and upload.publish_at == when


def test_another_users_upload_is_a_404(google, connection, auth_client, make_client, film_job):
    started = auth_client.post(
        UPLOAD, {"channel": connection.pk, "job": film_job.pk}, format="json"
    ).json()

    assert (
        make_client(UserFactory()).get(f"/api/v1/youtube/uploads/{started['id']}").status_code
        == 404
    )
    assert auth_client.get(f"/api/v1/youtube/uploads/{started['id']}").status_code == 200


def test_the_generic_jobs_api_does_not_start_youtube_uploads(auth_client, film_job):
    response = auth_client.post(
        "/api/v1/jobs", {"project": film_job.project_id, "type": "youtube_upload"}, format="json"
    )

    assert response.status_code == 400


def test_the_youtube_stages_do_youtube_work():
    from jobs.stages import JOB_TYPE_STAGES, stage_callable
    from youtube_integration.stages import STAGE_WORK

    assert JOB_TYPE_STAGES[JobType.YOUTUBE_UPLOAD] == tuple(STAGE_WORK)
    assert all(stage_callable(name) is work for name, work in STAGE_WORK.items())
