"""Publishing through the API and real Celery workers against the fake Google server: a
rendered film with its captions, thumbnail and playlist; a worker SIGKILLed halfway through
the upload; faults retried; the quota waiting for its reset; a revoked grant."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files import File
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from billing.models import CreditAccount, CreditTransaction
from jobs.models import Job, JobEvent, JobStatus, JobType
from jobs.services import jobs_sweep_stuck
from projects.models import Asset, Project
from tests.celery_worker import wait_for
from tests.factories import ProjectFactory, UserFactory
from tests.youtube_integration.conftest import CHUNK
from youtube_integration.models import ChannelConnection, Upload
from youtube_integration.quota import quota_next_reset

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SCRIPT = """Title: The Lighthouse

INT. LIGHTHOUSE - NIGHT

The lamp turns slowly over a black sea.

MARA
Is anyone out there? The boats stopped coming three winters ago.

JONAH
I am here. I rowed all night to see the light again.

MARA
Then come up the stairs and tell me what the harbour looks like now.
"""


@pytest.fixture(scope="session")
def rendered_film(tmp_path_factory) -> dict[str, Path]:
    """A film rendered once by the real pipeline (espeak voices: fast), with its SRT and
    thumbnail, as `make_film` leaves them."""
    folder = tmp_path_factory.mktemp("film")
    script = folder / "lighthouse.fountain"
    script.write_text(SCRIPT)
    out = folder / "lighthouse.mp4"
    report = io.StringIO()
    with override_settings(
        FILM_VOICE_PROVIDER="espeak",
        FILM_WORK_DIR=str(folder / "work"),
        FILM_CACHE_DIR=str(folder / "cache"),
    ):
        call_command("make_film", str(script), "--out", str(out), stdout=report)
    thumbnail = re.search(r"thumbnail: (\S+)", report.getvalue()).group(1)
    files = {"film": out, "srt": out.with_suffix(".srt"), "thumbnail": Path(thumbnail)}
    assert all(path.stat().st_size for path in files.values())
    assert files["film"].stat().st_size > 2 * CHUNK  # several chunks, so "halfway" exists
    return files


@pytest.fixture
def rendered_job(user, rendered_film) -> Job:
    """A completed full generation whose film, SRT and thumbnail are the rendered ones."""
    project = ProjectFactory(owner=user, title="The Lighthouse", status=Project.Status.COMPLETED)
    ids = {}
    for name, kind, content_type in [
        ("film", Asset.Kind.FILM, "video/mp4"),
        ("subtitles_srt", Asset.Kind.SUBTITLES, "application/x-subrip"),
        ("thumbnail", Asset.Kind.THUMBNAIL, "image/jpeg"),
    ]:
        path = rendered_film["srt" if name == "subtitles_srt" else name]
        asset = Asset(project=project, kind=kind, content_type=content_type)
        with path.open("rb") as stream:
            asset.file.save(path.name, File(stream))
        ids[name] = asset.pk
    return Job.objects.create(
        owner=user,
        project=project,
        type=JobType.FULL_GENERATION,
        status=JobStatus.COMPLETED,
        progress=100,
        result={"assets": ids},
    )


@pytest.fixture
def youtube_worker(celery_worker_factory, google, settings):
    """Start workers that run the real YouTube stages against the fake Google."""
    settings.YOUTUBE_TOKEN_KEYS = [Fernet.generate_key().decode()]
    env = {
        **google.oauth_urls(),
        "YOUTUBE_CLIENT_ID": google.client_id,
        "YOUTUBE_CLIENT_SECRET": google.client_secret,
        "YOUTUBE_TOKEN_KEYS": settings.YOUTUBE_TOKEN_KEYS[0],
        "YOUTUBE_UPLOAD_CHUNK_SIZE": str(CHUNK),
        "YOUTUBE_RETRY_BACKOFF_BASE": "0.05",
        "YOUTUBE_HTTP_TIMEOUT": "10",
    }

    def start(name: str = "worker"):
        return celery_worker_factory(name=name, env=env, stage_doubles=False)

    return start


def publish(client, **body) -> dict:
    response = client.post("/api/v1/youtube/upload", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def finished(upload_id: int, status: str = JobStatus.COMPLETED):
    def check():
        job = Upload.objects.select_related("job").get(pk=upload_id).job
        if job.status in (JobStatus.FAILED, JobStatus.CANCELLED) and job.status != status:
            raise AssertionError(f"job {job.pk} {job.status}: {job.error_code} {job.error_message}")
        return job.status == status and job

    return check


def test_a_rendered_film_is_published_with_captions_thumbnail_and_playlist(
    google, connect, auth_client, youtube_worker, rendered_job, rendered_film, user, client
):
    worker = youtube_worker()
    channel = connect(auth_client)
    playlist = auth_client.post(
        "/api/v1/youtube/playlists", {"channel": channel["id"], "title": "Films"}, format="json"
    ).json()
    balance_before = CreditAccount.objects.get(user=user).balance

    started = publish(
        auth_client,
        channel=channel["id"],
        job=rendered_job.pk,
        description="A keeper and a stranger.",
        tags=["short film"],
        privacy="unlisted",
        playlist=playlist["id"],
    )
    job = wait_for(finished(started["id"]), timeout=120)

    detail = auth_client.get(f"/api/v1/youtube/uploads/{started['id']}").json()
    assert detail["status"] == "published" and detail["job_status"] == "completed"
    assert detail["bytes_sent"] == detail["total_bytes"] == rendered_film["film"].stat().st_size
    video_id = detail["youtube_video_id"]
    assert google.video_bytes[video_id] == rendered_film["film"].read_bytes()
    assert len(google.videos) == 1
    assert google.videos[video_id]["status"]["privacyStatus"] == "unlisted"
    assert google.thumbnails[video_id] == rendered_film["thumbnail"].read_bytes()
    (caption,) = google.captions.values()
    assert caption["snippet"]["videoId"] == video_id
    assert caption["body"] == rendered_film["srt"].read_bytes()
    (item,) = google.playlist_items.values()
    assert item["snippet"]["playlistId"] == playlist["id"]
    assert item["snippet"]["resourceId"]["videoId"] == video_id
    stages = [e.stage for e in JobEvent.objects.filter(job=job).exclude(stage="")]
    assert {"youtube_upload", "youtube_thumbnail", "youtube_captions", "youtube_playlist"} <= set(
        stages
    )
    bytes_events = JobEvent.objects.filter(job=job, message__contains=" bytes")
    assert bytes_events.count() >= 2
    # Publishing needs no credits: its reservation and capture are of zero.
    moved = CreditTransaction.objects.filter(account__user=user, job=job)
    assert moved.count() == 2 and not moved.exclude(amount=0).exists()
    assert CreditAccount.objects.get(user=user).balance == balance_before
    listed = auth_client.get("/api/v1/youtube/videos").json()["results"]
    assert [v["youtube_video_id"] for v in listed] == [video_id]
    # The worker logged the publication's tasks, and no token; nor do the job's own pages.
    assert "jobs.stage.youtube_playlist" in worker.logs()
    assert [t for t in google.issued_tokens() if t in worker.logs()] == []
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    pages = [
        auth_client.get(f"/api/v1/jobs/{job.pk}"),
        auth_client.get("/api/v1/jobs"),
        client.get(f"/admin/jobs/job/{job.pk}/change/"),
    ]
    assert [page.status_code for page in pages] == [200, 200, 200]
    text = b"\n".join(page.content for page in pages).decode()
    assert text.count("youtube_playlist") >= 2  # the pages show the publication's stages
    assert [t for t in google.issued_tokens() if t in text] == []


def test_a_worker_killed_halfway_is_replaced_and_the_upload_resumes_from_googles_offset(
    google, connect, auth_client, youtube_worker, rendered_job, rendered_film
):
    first = youtube_worker("doomed")
    channel = connect(auth_client)
    google.hold_chunk(CHUNK)  # the second chunk waits: the worker dies while sending it

    started = publish(auth_client, channel=channel["id"], job=rendered_job.pk)
    assert google.held.wait(60)
    upload = Upload.objects.get(pk=started["id"])
    assert upload.bytes_sent == CHUNK and upload.session_uri
    first.kill()
    google.release()
    requests_before = len(google.requests_of("chunk"))

    youtube_worker("replacement")
    wait_for(finished(started["id"]), timeout=120)

    resumed = google.requests_of("chunk")[requests_before:]
    total = rendered_film["film"].stat().st_size
    assert resumed[0].headers["content-range"] == f"bytes */{total}"  # asked Google first
    assert resumed[1].headers["content-range"].startswith(f"bytes {CHUNK}-")  # never from zero
    assert len(google.sessions) == 1
    assert len(google.videos) == 1
    (video_id,) = google.videos
    assert google.video_bytes[video_id] == rendered_film["film"].read_bytes()
    assert google.violations == []


def test_a_503_on_a_chunk_and_a_dropped_connection_are_retried(
    google, connect, auth_client, youtube_worker, rendered_job, rendered_film
):
    youtube_worker()
    channel = connect(auth_client)
    google.fault("chunk", 503, skip=1)
    google.fault("chunk", "drop", skip=2)

    started = publish(auth_client, channel=channel["id"], job=rendered_job.pk)
    wait_for(finished(started["id"]), timeout=120)

    (video_id,) = google.videos
    assert google.video_bytes[video_id] == rendered_film["film"].read_bytes()
    assert len(google.sessions) == 1
    assert google.violations == []


def test_quota_exceeded_waits_for_the_daily_reset_instead_of_failing(
    google, connect, auth_client, youtube_worker, rendered_job, settings
):
    youtube_worker()
    channel = connect(auth_client)
    google.fault("videos.insert", "quotaExceeded")

    started = publish(auth_client, channel=channel["id"], job=rendered_job.pk)
    job = wait_for(
        lambda: Job.objects.filter(pk=started["job"], not_before__isnull=False).first(),
        timeout=60,
    )

    assert job.status not in (JobStatus.FAILED, JobStatus.COMPLETED)
    assert job.not_before == quota_next_reset()  # the next midnight, Pacific time
    assert JobEvent.objects.filter(job=job, message__contains="quota").exists()
    # The sweeper leaves it alone until then (however long it has waited)...
    later = timezone.now() + timedelta(seconds=settings.JOB_RESEND_AFTER + 1)
    assert jobs_sweep_stuck(now=later)["resent"] == 0
    assert Job.objects.get(pk=job.pk).not_before == job.not_before
    assert not google.sessions
    # ...and sends it again once the quota day has turned.
    Job.objects.filter(pk=job.pk).update(not_before=timezone.now() - timedelta(seconds=1))
    assert jobs_sweep_stuck(now=later)["resent"] == 1
    wait_for(finished(started["id"]), timeout=120)
    assert len(google.videos) == 1


def test_a_revoked_grant_ends_in_reconnect_required_and_a_retry_after_reconnecting_publishes(
    google, connect, auth_client, youtube_worker, rendered_job, rendered_film
):
    youtube_worker()
    channel = connect(auth_client)
    google.revoke_channel(channel["channel_id"])

    started = publish(auth_client, channel=channel["id"], job=rendered_job.pk)
    job = wait_for(finished(started["id"], JobStatus.FAILED), timeout=60)

    assert job.error_code == "reconnect_required"
    assert job.attempts == 1  # a dead grant is not retried
    listed = auth_client.get("/api/v1/youtube/channels").json()["results"]
    assert listed[0]["status"] == ChannelConnection.Status.RECONNECT_REQUIRED
    assert not google.videos

    assert connect(auth_client)["status"] == "active"  # the same channel, consented again
    assert auth_client.post(f"/api/v1/jobs/{job.pk}/retry").status_code == 200
    wait_for(finished(started["id"]), timeout=120)
    (video_id,) = google.videos
    assert google.video_bytes[video_id] == rendered_film["film"].read_bytes()
