"""Films through the job engine: the real pipeline behind every stage, moderation while the
job is VALIDATING, and the assets a job leaves in the project."""

import json
import subprocess
from pathlib import Path

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
    auth_client, user, film_worker, tmp_path, settings
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
    def _funds(self, user):
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


# --- the stages one by one, in-process (espeak voices: these tests are about the stages) ---


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    """One render cache for the standalone-type tests, as the workers of one site share it."""
    return tmp_path_factory.mktemp("film-cache")


@pytest.fixture
def film_settings(settings, tmp_path, shared_cache):
    settings.FILM_WORK_DIR = str(tmp_path / "work")
    settings.FILM_CACHE_DIR = str(shared_cache)
    settings.FILM_VOICE_PROVIDER = "espeak"
    return settings


def _job(project, job_type: str, **parameters) -> Job:
    from jobs.stages import stages_for

    return Job.objects.create(
        owner=project.owner, project=project, type=job_type, cost=0, parameters=parameters,
        current_stage=stages_for(job_type)[0],
    )  # fmt: skip


def _frame(video, at: float, out):
    """The frame of `video` at `at` seconds as a float array."""
    import numpy as np
    from PIL import Image

    from film.compose import extract_frame

    extract_frame(video, at=at, out_path=out)
    return np.asarray(Image.open(out).convert("L"), dtype=float)


@pytest.mark.slow
@pytest.mark.django_db
def test_a_video_composition_job_alone_renders_the_film_and_burns_subtitles_when_asked(
    user, film_settings, tmp_path
):
    """Given a 1:1 project and a video_composition job (no earlier stage ran) asking for
    burned-in subtitles, when its one stage runs, then it builds every input from the
    screenplay with per-shot progress that stays within 0-100 and never goes back, stores
    the square film with its ffprobe info, and the subtitles are drawn into the picture."""
    from film.steps.delivery import compose
    from film.subtitles import parse_srt
    from film.workspace import FilmRun, load_manifest
    from jobs import film_stages

    project = ProjectFactory(owner=user, script=SCRIPT, aspect_ratio="1:1")
    job = _job(project, "video_composition", burn_subtitles=True)
    seen: list[tuple[int, str]] = []

    outputs = film_stages.video_composition(job, progress=lambda p, m="": seen.append((p, m)))

    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[0] >= 0 and percents[-1] <= 100
    assert any(m.startswith("clip for shot") for _, m in seen)
    asset = Asset.objects.get(pk=outputs["assets"]["film"])
    assert (asset.kind, asset.metadata["width"], asset.metadata["height"]) == ("film", 1080, 1080)
    codecs = {s["codec_type"]: s["codec_name"] for s in asset.metadata["streams"]}
    assert codecs == {"video": "h264", "audio": "aac", "subtitle": "mov_text"}
    assert asset.metadata["duration"] == pytest.approx(outputs["duration"])

    # The same film composed without burn-in (stream copy: cheap) differs only where the
    # subtitle is drawn, at the bottom of the frame.
    work = film_stages.work_dir_for(job)
    manifest = load_manifest(work)
    plain = tmp_path / "plain.mp4"
    cache = Path(film_settings.FILM_CACHE_DIR)
    compose(FilmRun(work_dir=work, cache_dir=cache, out_path=plain, burn_subtitles=False))
    cue = parse_srt((work / "subtitles.srt").read_text())[0]
    at = (cue.start + cue.end) / 2
    burned_frame = _frame(Path(manifest["output"]["path"]), at, tmp_path / "burned.jpg")
    plain_frame = _frame(plain, at, tmp_path / "plain.jpg")
    changed = abs(burned_frame - plain_frame) > 60
    height = changed.shape[0]
    assert changed[: height // 2].mean() < 0.001  # the picture itself is the same
    assert changed[height * 3 // 4 :].mean() > 0.005  # the caption's letters


@pytest.mark.slow
@pytest.mark.django_db
def test_a_thumbnail_job_alone_renders_the_film_it_needs_and_takes_the_asked_frame(
    user, film_settings, tmp_path
):
    """Given a thumbnail_generation job whose at_seconds lies past the film's end, when its
    one stage runs, then the thumbnail is the film's last frame (the night kitchen of the
    first scene looks nothing like it) and the work dir is kept (not a full generation)."""
    import numpy as np
    from PIL import Image

    from film.workspace import load_manifest
    from jobs import film_stages

    project = ProjectFactory(owner=user, script=SCRIPT, aspect_ratio="1:1")
    job = _job(project, "thumbnail_generation", at_seconds=999.0)

    outputs = film_stages.thumbnail_generation(job, progress=lambda p, m="": None)

    asset = Asset.objects.get(pk=outputs["assets"]["thumbnail"])
    assert (asset.kind, asset.content_type) == ("thumbnail", "image/jpeg")
    with asset.file.open("rb") as handle:
        thumb = np.asarray(Image.open(handle).convert("L"), dtype=float)
    assert thumb.shape == (1080, 1080)
    manifest = load_manifest(film_stages.work_dir_for(job))
    video = Path(manifest["output"]["path"])
    fps = manifest["config"]["fps"]
    timeline = manifest["timeline"]
    frames = timeline["lead_in"] + sum(s["frames"] for s in timeline["shots"]) + timeline["tail"]
    last = _frame(video, (frames - 1) / fps, tmp_path / "last.jpg")
    first = _frame(video, 0.5, tmp_path / "first.jpg")
    assert abs(thumb - last).mean() < 3
    assert abs(thumb - first).mean() > 10


@pytest.mark.django_db
def test_a_music_job_alone_is_a_bed_as_long_as_asked_without_a_screenplay(user, film_settings):
    from film.audio import wav_duration
    from jobs import film_stages

    project = ProjectFactory(owner=user, script="", target_duration=60)
    job = _job(project, "music_generation", target_duration=6, mood="bright")

    outputs = film_stages.music_generation(job, progress=lambda p, m="": None)

    asset = Asset.objects.get(pk=outputs["assets"]["music"])
    assert (asset.kind, asset.metadata["mood"]) == ("music", "bright")
    assert wav_duration(Path(asset.file.path)) == pytest.approx(6.0, abs=0.01)


@pytest.mark.slow
@pytest.mark.django_db
def test_a_regenerate_after_editing_one_scene_rerenders_only_its_shots(user, settings, tmp_path):
    """Given a full generation rendered through every stage, when the owner edits a line of
    the second scene and a second full generation runs on the same cache, then only that
    line is synthesised again, only its shot is re-encoded, and a new film is composed."""
    from film.workspace import load_manifest
    from jobs.film_stages import PIPELINE_STAGES, work_dir_for
    from jobs.stages import stages_for

    settings.FILM_WORK_DIR = str(tmp_path / "work")
    settings.FILM_CACHE_DIR = str(tmp_path / "cache")  # its own, so the first run is cold
    settings.FILM_VOICE_PROVIDER = "espeak"
    project = ProjectFactory(owner=user, script=SCRIPT, aspect_ratio="1:1")

    def generate() -> tuple[dict, dict]:
        job = _job(Project.objects.get(pk=project.pk), "full_generation")
        outputs = {}
        for stage in stages_for("full_generation"):
            if stage == "thumbnail_generation":  # it removes the work dir when done
                manifest = load_manifest(work_dir_for(job))
            outputs[stage] = PIPELINE_STAGES[stage](job, progress=lambda p, m="": None)
        return manifest, outputs

    first, first_outputs = generate()
    Project.objects.filter(pk=project.pk).update(
        script=SCRIPT.replace("find your way home.", "find your way home tonight.")
    )
    second, second_outputs = generate()

    shots = [shot for scene in second["breakdown"]["scenes"] for shot in scene["shots"]]
    (edited,) = [
        n for n, shot in enumerate(shots) if any("tonight" in ln["text"] for ln in shot["lines"])
    ]
    assert first["cache"]["clips"]["misses"] == len(first["segments"])  # the first run was cold
    assert second["cache"]["voices"]["missed"] == [f"{edited}.0"]
    assert second["cache"]["images"]["missed"] == []  # the picture shows the same scene
    # only the setups of the edited (longer) shot are encoded again
    setups = [n for n, seg in enumerate(second["segments"]) if seg["shot"] == edited]
    assert setups and second["cache"]["clips"]["missed"] == setups
    assert second["cache"]["clips"]["hits"] == len(second["segments"]) - len(setups)
    # The job says so too: which shots its stages drew and encoded anew.
    assert first_outputs["video_generation"]["rendered_shots"] == list(range(len(shots)))
    assert second_outputs["image_generation"]["rendered_shots"] == []
    assert second_outputs["video_generation"]["rendered_shots"] == [edited]
    first_film = first_outputs["video_composition"]["assets"]["film"]
    second_film = second_outputs["video_composition"]["assets"]["film"]
    assert first_film != second_film
    assert (
        second_outputs["video_composition"]["duration"]
        > first_outputs["video_composition"]["duration"]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("stage", ["script_analysis", "video_composition", "thumbnail_generation"])
def test_a_script_edited_after_the_job_was_created_is_moderated_before_it_is_rendered(
    user, film_settings, stage
):
    """Given a job created on a clean screenplay (or a type not moderated at creation), when
    the owner rewrites it into a flagged one before the stage runs, then the stage refuses
    it for good, renders and stores nothing, and the project waits for staff review."""
    from jobs import film_stages
    from jobs.tasks import error_code, is_retryable

    project = ProjectFactory(owner=user, script=SCRIPT)
    job = _job(project, "full_generation" if stage == "script_analysis" else stage)
    Project.objects.filter(pk=project.pk).update(script=PROFANE)
    job = Job.objects.get(pk=job.pk)  # as the stage task reads it

    with pytest.raises(film_stages.ContentRefused) as refused:
        film_stages.PIPELINE_STAGES[stage](job, progress=lambda p, m="": None)

    assert error_code(refused.value) == "content_flagged"
    assert not is_retryable(refused.value)
    assert "profanity" in str(refused.value)
    project.refresh_from_db()
    assert project.moderation_status == Project.ModerationStatus.PENDING_REVIEW
    assert not Asset.objects.filter(project=project).exists()
    assert not (film_stages.work_dir_for(job) / "manifest.json").exists()


@pytest.mark.django_db
def test_an_asset_whose_row_cannot_be_written_leaves_no_stored_file(user, tmp_path, settings):
    """Given a file to keep, when its Asset row is refused by the database (here a kind too
    long for its column), then the file already stored is deleted again and no row exists."""
    from django.db import DataError, transaction

    from projects.services import asset_create_from_file

    project = ProjectFactory(owner=user)
    source = tmp_path / "film.mp4"
    source.write_bytes(b"\0" * 4096)
    media = Path(settings.MEDIA_ROOT)

    with pytest.raises(DataError), transaction.atomic():
        asset_create_from_file(
            project=project, kind="k" * 40, path=source, content_type="video/mp4"
        )

    assert [p for p in media.rglob("*") if p.is_file()] == []
    assert not Asset.objects.filter(project=project).exists()
