"""Films through the job engine: the real pipeline behind every stage, moderation while the
job is VALIDATING, and the assets a job leaves in the project."""

import json
import subprocess

import pytest
from django.db.models import Sum

from billing.models import CreditAccount, CreditTransaction
from jobs.models import Job, JobStatus
from projects.models import Asset, Project
from tests.celery_worker import wait_for
from tests.factories import ProjectFactory

SCRIPT = """Title: Two Rooms

INT. KITCHEN - NIGHT

A kettle rattles on the stove.

MARA
Who left the light on?

EXT. GARDEN - DAY

JONAH
I did. I wanted you to find your way home.
"""

PROFANE = """INT. BAR - NIGHT

VICTOR
Fuck you, you fucking piece of shit, you stupid fucking asshole.
"""


def _ffprobe(path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return json.loads(out)


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_full_generation_through_the_api_produces_a_film(
    auth_client, user, celery_worker_factory, tmp_path, settings
):
    """Given a 9:16, 25 fps project with a screenplay and a worker running the real pipeline,
    when the owner starts a full generation, then a vertical film with subtitles comes back
    from the download link, every output is an asset, and the job is charged once."""
    settings.CREDITS_SIGNUP_GRANT = 0
    CreditAccount.objects.filter(user=user).delete()
    from billing.services import credits_grant

    credits_grant(user=user, amount=500, reason="test funds")
    project = ProjectFactory(
        owner=user, script=SCRIPT, aspect_ratio="9:16", frame_rate=25, target_duration=30
    )
    # Film stages take seconds, not the engine tests' tenths: give them real limits.
    celery_worker_factory(
        env={
            "JOB_STAGE_WORK": "pipeline",
            "JOB_STAGE_SOFT_TIME_LIMIT": "240",
            "JOB_STAGE_TIME_LIMIT": "250",
            "CELERY_VISIBILITY_TIMEOUT": "600",
            "FILM_WORK_DIR": str(tmp_path / "work"),
            "FILM_CACHE_DIR": str(tmp_path / "cache"),
        }
    )

    response = auth_client.post(
        "/api/v1/jobs", {"project": project.pk, "type": "full_generation"}, format="json"
    )
    assert response.status_code == 201, response.json()
    job_id = response.json()["id"]

    job = wait_for(
        lambda: Job.objects.filter(
            pk=job_id, status__in=[JobStatus.COMPLETED, JobStatus.FAILED]
        ).first(),
        timeout=300,
        interval=0.5,
    )
    assert job.status == JobStatus.COMPLETED, (job.error_code, job.error_message)

    # Every state of the machine, in order.
    changes = [e.to_status for e in job.events.order_by("id") if e.from_status != e.to_status]
    assert changes == [
        "pending", "validating", "queued", "processing", "generating_images",
        "generating_video", "generating_audio", "composing", "completed",
    ]  # fmt: skip
    # Progress per shot reached the job's event stream.
    assert job.events.filter(message__icontains="shot").count() >= 3

    link = auth_client.get(f"/api/v1/jobs/{job_id}/download-url")
    assert link.status_code == 200, link.json()
    download = auth_client.get(link.json()["url"])
    assert download.status_code == 200
    film = tmp_path / "film.mp4"
    film.write_bytes(b"".join(download.streaming_content))

    probe = _ffprobe(film)
    video = next(s for s in probe["streams"] if s["codec_type"] == "video")
    audio = next(s for s in probe["streams"] if s["codec_type"] == "audio")
    assert (video["codec_name"], video["profile"], video["pix_fmt"]) == ("h264", "High", "yuv420p")
    assert (video["width"], video["height"]) == (1080, 1920)
    assert video["r_frame_rate"] == "25/1"
    assert (audio["codec_name"], audio["sample_rate"], audio["channels"]) == ("aac", "48000", 2)
    assert any(s["codec_type"] == "subtitle" for s in probe["streams"])

    kinds = {}
    for asset in Asset.objects.filter(project=project):
        kinds[asset.kind] = kinds.get(asset.kind, 0) + 1
        assert asset.size > 0 and asset.file.storage.exists(asset.file.name)
    assert kinds["film"] == 1 and kinds["thumbnail"] == 1 and kinds["subtitles"] == 2
    assert kinds["image"] == job.result["stages"]["script_analysis"]["shots"]
    assert kinds["audio"] == job.result["stages"]["script_analysis"]["lines"] == 3
    assert kinds["music"] == 1 and kinds["breakdown"] == 1
    film_asset = Asset.objects.get(pk=job.result["assets"]["film"])
    assert film_asset.metadata["height"] == 1920
    assert abs(film_asset.metadata["duration"] - float(probe["format"]["duration"])) < 0.1

    ledger = list(CreditTransaction.objects.filter(job=job).values_list("kind", flat=True))
    assert sorted(ledger) == ["capture", "reserve"]
    account = CreditAccount.objects.get(user=user)
    assert account.balance == 500 - job.cost
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED


@pytest.mark.django_db
class TestModeration:
    @pytest.fixture(autouse=True)
    def _funds(self, settings, user):
        settings.JOB_STAGE_WORK = "placeholder"
        from billing.services import credits_grant

        credits_grant(user=user, amount=200, reason="test funds")

    def _post(self, client, project):
        return client.post(
            "/api/v1/jobs", {"project": project.pk, "type": "full_generation"}, format="json"
        )

    def test_a_flagged_script_fails_its_job_refunds_it_and_waits_for_review(
        self, auth_client, user
    ):
        project = ProjectFactory(owner=user, script=PROFANE)
        before = CreditAccount.objects.get(user=user).balance

        response = self._post(auth_client, project)

        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "failed"
        assert body["error_code"] == "content_flagged"
        assert "profanity" in body["error_message"]
        job = Job.objects.get(pk=body["id"])
        assert job.failed_stage == "moderation"
        assert CreditAccount.objects.get(user=user).balance == before
        kinds = sorted(CreditTransaction.objects.filter(job=job).values_list("kind", flat=True))
        assert kinds == ["refund", "reserve"]
        assert CreditTransaction.objects.filter(job=job).aggregate(s=Sum("amount"))["s"] == 0
        project.refresh_from_db()
        assert project.moderation_status == Project.ModerationStatus.PENDING_REVIEW

    def test_a_flagged_job_is_retried_only_after_staff_approve(self, auth_client, user):
        project = ProjectFactory(owner=user, script=PROFANE)
        job_id = self._post(auth_client, project).json()["id"]

        refused = auth_client.post(f"/api/v1/jobs/{job_id}/retry")
        assert refused.status_code == 409
        assert refused.json()["code"] == "awaiting_review"

        Project.objects.filter(pk=project.pk).update(
            moderation_status=Project.ModerationStatus.APPROVED
        )
        retried = auth_client.post(f"/api/v1/jobs/{job_id}/retry")
        assert retried.status_code == 200, retried.json()
        job = Job.objects.get(pk=job_id)
        assert job.status == JobStatus.QUEUED
        assert job.current_stage == "script_analysis"

    def test_an_approved_project_is_not_moderated_again(self, auth_client, user):
        project = ProjectFactory(
            owner=user, script=PROFANE, moderation_status=Project.ModerationStatus.APPROVED
        )

        response = self._post(auth_client, project)

        assert response.status_code == 201
        assert response.json()["status"] == "queued"

    def test_a_rejected_project_cannot_start_a_job(self, auth_client, user):
        project = ProjectFactory(
            owner=user, script=SCRIPT, moderation_status=Project.ModerationStatus.REJECTED
        )
        before = CreditAccount.objects.get(user=user).balance

        response = self._post(auth_client, project)

        assert response.status_code == 403
        assert response.json()["code"] == "content_rejected"
        assert not Job.objects.exists()
        assert CreditAccount.objects.get(user=user).balance == before

    def test_a_clean_script_passes_moderation(self, auth_client, user):
        project = ProjectFactory(owner=user, script=SCRIPT)

        response = self._post(auth_client, project)

        assert response.json()["status"] == "queued"
        project.refresh_from_db()
        assert project.moderation_status == Project.ModerationStatus.NOT_REVIEWED


@pytest.mark.django_db
def test_stage_outputs_become_assets_once_even_when_a_stage_runs_twice(user, settings, tmp_path):
    """A stage that runs again (retry, redelivery) finds the assets it made and adds none."""
    from jobs import film_stages

    settings.FILM_WORK_DIR = str(tmp_path / "work")
    settings.FILM_CACHE_DIR = str(tmp_path / "cache")
    settings.FILM_VOICE_PROVIDER = "espeak"  # the fast voice: this test is about assets
    project = ProjectFactory(owner=user, script=SCRIPT, aspect_ratio="1:1")
    job = Job.objects.create(
        owner=user, project=project, type="subtitle_generation", cost=0,
        current_stage="subtitle_generation",
    )  # fmt: skip
    seen = []

    first = film_stages.subtitle_generation(job, progress=lambda p, m="": seen.append(p))
    second = film_stages.subtitle_generation(job, progress=lambda p, m="": None)

    assert first == second
    assert Asset.objects.filter(project=project, kind="subtitles").count() == 2
    vtt = Asset.objects.get(pk=first["assets"]["subtitles_vtt"])
    text = vtt.file.read().decode()
    assert text.startswith("WEBVTT")
    assert "Who left the light on?" in text
    assert seen == sorted(seen)  # progress never goes backwards


@pytest.mark.slow
@pytest.mark.django_db
def test_make_film_renders_a_screenplay_and_says_where_it_is(tmp_path, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.FILM_WORK_DIR = str(tmp_path / "work")
    settings.FILM_CACHE_DIR = str(tmp_path / "cache")
    script = tmp_path / "two_rooms.fountain"
    script.write_text(SCRIPT)
    out = tmp_path / "out" / "two_rooms.mp4"
    stdout = StringIO()

    call_command("make_film", str(script), "--out", str(out), "--aspect", "1:1", stdout=stdout)

    assert str(out.resolve()) in stdout.getvalue()
    probe = _ffprobe(out)
    video = next(s for s in probe["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (1080, 1080)
    assert out.with_suffix(".srt").read_text().startswith("1\n")
    assert out.with_suffix(".vtt").read_text().startswith("WEBVTT")


@pytest.mark.django_db
def test_make_film_refuses_an_unusable_screenplay(tmp_path):
    from django.core.management import CommandError, call_command

    script = tmp_path / "empty.fountain"
    script.write_text("   \n")

    with pytest.raises(CommandError, match="empty"):
        call_command("make_film", str(script), "--out", str(tmp_path / "x.mp4"))
    assert not (tmp_path / "x.mp4").exists()


@pytest.mark.django_db
def test_work_dirs_of_finished_jobs_are_cleaned_and_live_ones_kept(user, settings, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from jobs.film_stages import film_work_dirs_clean, work_dir_for

    settings.FILM_WORK_DIR = str(tmp_path / "work")
    settings.FILM_WORK_KEEP_FAILED_DAYS = 7
    project = ProjectFactory(owner=user)

    def job_in(status: str, age_days: int = 0) -> Job:
        job = Job.objects.create(owner=user, project=project, type="full_generation", cost=0,
                                 status=status)  # fmt: skip
        Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(days=age_days))
        work_dir_for(job).mkdir(parents=True)
        return job

    running = job_in(JobStatus.GENERATING_VIDEO)
    done = job_in(JobStatus.COMPLETED)
    cancelled = job_in(JobStatus.CANCELLED)
    failed_recently = job_in(JobStatus.FAILED, age_days=1)
    failed_long_ago = job_in(JobStatus.FAILED, age_days=30)
    orphan = tmp_path / "work" / "job-999999"
    orphan.mkdir()

    removed = film_work_dirs_clean()

    assert removed == 4
    assert work_dir_for(running).is_dir() and work_dir_for(failed_recently).is_dir()
    for job in (done, cancelled, failed_long_ago):
        assert not work_dir_for(job).exists()
    assert not orphan.exists()
