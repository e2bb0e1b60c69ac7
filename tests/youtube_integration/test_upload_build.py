"""Resolving a publication request: the caller's own channel, film or video only; a film that
is not completed, a project held for moderation and missing permissions are refused."""

import pytest
from django.core.files.base import ContentFile

from filmstudio.errors import NotFound
from jobs.models import Job, JobStatus, JobType
from media_library.models import Video
from projects.models import Asset, Project
from tests.factories import UserFactory
from youtube_integration.errors import ReconnectRequired, ScopeMissing
from youtube_integration.models import ChannelConnection
from youtube_integration.services.uploads import (
    FilmNotCompleted,
    NothingToAttach,
    ProjectHeld,
    upload_build,
)

pytestmark = pytest.mark.django_db


def test_a_completed_film_job_brings_its_film_thumbnail_and_srt(google, connection, film_job):
    upload = upload_build(user=connection.owner, channel=connection.pk, job=film_job.pk)

    assets = film_job.result["assets"]
    assert upload.film_id == assets["film"]
    assert upload.thumbnail_id == assets["thumbnail"]
    assert upload.captions_id == assets["subtitles_srt"]
    assert upload.title == "The Lighthouse"
    assert upload.project == film_job.project
    assert upload.channel_id == connection.channel_id


def test_a_project_brings_its_latest_film(google, connection, film_job):
    upload = upload_build(user=connection.owner, channel=connection.pk, project=film_job.project_id)

    assert upload.film_id == film_job.result["assets"]["film"]
    assert upload.captions.file.name.endswith(".srt")


@pytest.mark.parametrize(
    "status", [JobStatus.COMPOSING, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.QUEUED]
)
def test_a_film_that_is_not_completed_is_refused(google, connection, film_job, status):
    Job.objects.filter(pk=film_job.pk).update(status=status)

    with pytest.raises(FilmNotCompleted) as refused:
        upload_build(user=connection.owner, channel=connection.pk, job=film_job.pk)

    assert refused.value.status_code == 409


def test_a_job_that_makes_no_film_is_refused(google, connection, film_job):
    Job.objects.filter(pk=film_job.pk).update(type=JobType.THUMBNAIL_GENERATION)

    with pytest.raises(FilmNotCompleted):
        upload_build(user=connection.owner, channel=connection.pk, job=film_job.pk)


@pytest.mark.parametrize(
    "moderation", [Project.ModerationStatus.PENDING_REVIEW, Project.ModerationStatus.REJECTED]
)
def test_a_project_held_for_moderation_is_refused(google, connection, film_job, moderation):
    Project.objects.filter(pk=film_job.project_id).update(moderation_status=moderation)

    with pytest.raises(ProjectHeld) as refused:
        upload_build(user=connection.owner, channel=connection.pk, job=film_job.pk)

    assert refused.value.status_code == 409


def test_another_users_film_channel_or_video_is_not_found(google, connection, film_job):
    stranger = UserFactory()
    theirs = ChannelConnection.objects.create(owner=stranger, channel_id="UCtheirs")
    video = Video.objects.create(title="x", uploaded_by=stranger, status=Video.Status.COMPLETED)

    with pytest.raises(NotFound):
        upload_build(user=stranger, channel=theirs.pk, job=film_job.pk)
    with pytest.raises(NotFound):
        upload_build(user=connection.owner, channel=theirs.pk, job=film_job.pk)
    with pytest.raises(NotFound):
        upload_build(user=connection.owner, channel=connection.pk, video=video.pk)


def test_a_channel_that_needs_a_reconnect_is_refused(google, connection, film_job):
    ChannelConnection.objects.filter(pk=connection.pk).update(status="reconnect_required")

    with pytest.raises(ReconnectRequired):
        upload_build(user=connection.owner, channel=connection.pk, job=film_job.pk)


def test_asked_for_captions_without_the_permission_is_refused_by_default_skipped(
    google, connection, film_job
):
    ChannelConnection.objects.filter(pk=connection.pk).update(
        scopes=["https://www.googleapis.com/auth/youtube.upload"]
    )

    with pytest.raises(ScopeMissing):
        upload_build(user=connection.owner, channel=connection.pk, job=film_job.pk, captions=True)
    quiet = upload_build(user=connection.owner, channel=connection.pk, job=film_job.pk)
    assert quiet.captions is None
    assert quiet.thumbnail is not None


def test_asked_for_a_thumbnail_that_does_not_exist_is_refused(google, connection, film_job):
    Asset.objects.filter(kind=Asset.Kind.THUMBNAIL).delete()
    Job.objects.filter(pk=film_job.pk).update(
        result={"assets": {"film": film_job.result["assets"]["film"]}}
    )

    with pytest.raises(NothingToAttach):
        upload_build(user=connection.owner, channel=connection.pk, job=film_job.pk, thumbnail=True)
    assert (
        upload_build(user=connection.owner, channel=connection.pk, job=film_job.pk).thumbnail
        is None
    )


def test_a_playlist_must_be_the_channels(google, connection, film_job):
    google.playlists["PLforeign"] = {
        "id": "PLforeign",
        "snippet": {"title": "Not yours", "channelId": "UCsomeoneelse"},
    }

    with pytest.raises(NotFound):
        upload_build(
            user=connection.owner, channel=connection.pk, job=film_job.pk, playlist="PLforeign"
        )


def test_a_library_video_publishes_its_file_and_thumbnail(google, connection):
    video = Video.objects.create(
        title="Harbour at dawn", uploaded_by=connection.owner, status=Video.Status.COMPLETED
    )
    video.thumbnail.save("thumb.jpg", ContentFile(b"jpeg"))

    upload = upload_build(user=connection.owner, channel=connection.pk, video=video.pk)

    assert upload.video == video and upload.film is None and upload.project is None
    assert upload.title == "Harbour at dawn"
    assert upload.attach_thumbnail is True
