"""The stage table (jobs/stages.py) is the one declaration of a stage; everything else about
stages is derived from it."""

import pytest
from django.contrib.admin.sites import site

from film.pipeline import STEPS
from jobs import state
from jobs.models import Job, JobType
from jobs.services import job_cost, stage_limits
from jobs.stages import (
    FILM_TYPES,
    JOB_TYPE_STAGES,
    SCRIPT_TYPES,
    STAGE_LABELS,
    STAGES,
    job_price,
    progress_share,
    stages_for,
)
from tests.factories import ProjectFactory, UserFactory
from tests.migrator import migrated_to


def test_every_job_type_runs_stages_whose_states_never_walk_back():
    for job_type in JobType.values:
        names = stages_for(job_type)
        assert names, job_type
        order = [state.ORDER.index(STAGES[name].status) for name in names]
        assert order == sorted(order), job_type


def test_each_film_stage_runs_a_step_of_the_engine_table():
    for stage in STAGES.values():
        assert stage.step is None or stage.step in STEPS, stage.name
    # without an engine step (and without a screenplay): the music-only bed, and YouTube
    # publishing's stages (their work is registered by youtube_integration)
    assert [s.name for s in STAGES.values() if s.step is None] == [
        "music_generation",
        *JOB_TYPE_STAGES[JobType.YOUTUBE_UPLOAD],
    ]


def test_job_types_are_derived_from_the_stages_that_name_them():
    assert JOB_TYPE_STAGES[JobType.IMAGE_GENERATION] == ("script_analysis", "image_generation")
    assert JOB_TYPE_STAGES[JobType.VOICE_SYNTHESIS] == ("script_analysis", "voice_synthesis")
    assert JOB_TYPE_STAGES[JobType.MUSIC_GENERATION] == ("music_generation",)
    assert set(JobType.values) - {JobType.MUSIC_GENERATION, JobType.YOUTUBE_UPLOAD} == SCRIPT_TYPES
    assert {JobType.FULL_GENERATION, JobType.VIDEO_COMPOSITION} == FILM_TYPES


def test_a_job_costs_the_sum_of_its_stages():
    prices = {t: (job_price(t).base, job_price(t).per_minute) for t in JobType.values}
    assert prices == {
        "script_analysis": (1, 0),
        "image_generation": (4, 4),
        "voice_synthesis": (2, 2),
        "video_composition": (2, 1),
        "subtitle_generation": (1, 1),
        "thumbnail_generation": (1, 0),
        "music_generation": (2, 2),
        "full_generation": (10, 10),
        "youtube_upload": (0, 0),  # publishing is free: the film was paid for
    }
    # a started minute is a minute
    assert job_cost(job_type="full_generation", target_duration=61) == 10 + 10 * 2


def test_progress_is_shared_by_the_stages_weights():
    names = stages_for(JobType.FULL_GENERATION)
    assert progress_share(JobType.FULL_GENERATION, names[0], 0) == 0
    assert progress_share(JobType.FULL_GENERATION, names[-1], 100) == pytest.approx(1.0)
    # the clips are most of a render, so most of the bar
    before = progress_share(JobType.FULL_GENERATION, "video_generation", 0)
    after = progress_share(JobType.FULL_GENERATION, "video_generation", 100)
    assert after - before > 0.5
    # a one-stage job fills the bar with its one stage
    assert progress_share(JobType.MUSIC_GENERATION, "music_generation", 50) == 0.5


def test_limits_come_from_the_settings_and_a_stage_override_wins(settings):
    settings.JOB_STAGE_SOFT_TIME_LIMIT, settings.JOB_STAGE_TIME_LIMIT = 100, 120
    settings.JOB_STAGE_OVERRIDES = {"video_generation": {"soft": 300, "max_retries": 7}}
    assert (stage_limits("audio_mix").soft, stage_limits("audio_mix").hard) == (100, 120)
    limits = stage_limits("video_generation")
    assert (limits.soft, limits.hard, limits.max_retries) == (300, 120, 7)


@pytest.mark.django_db
def test_the_admin_shows_a_jobs_stage_by_its_label(rf):
    job = Job(current_stage="audio_mix")
    assert site._registry[Job].stage(job) == STAGE_LABELS["audio_mix"] == "Soundtrack mix"


@pytest.mark.django_db(transaction=True)
def test_unfinished_jobs_at_a_renamed_stage_resume_under_its_new_name():
    with migrated_to([("jobs", "0001_initial")]) as old:
        OldJob = old.get_model("jobs", "Job")
        user = UserFactory()
        project = ProjectFactory(owner=user)

        def job(**fields):
            base = {"owner_id": user.pk, "project_id": project.pk, "type": "full_generation"}
            return OldJob.objects.create(**{**base, **fields}).pk

        queued_mix = job(status="queued", current_stage="music_generation", celery_task_id="t1")
        failed_mix = job(
            status="failed", current_stage="music_generation", failed_stage="music_generation"
        )
        late_voices = job(status="generating_audio", current_stage="voice_synthesis")
        early_voices = job(status="processing", current_stage="voice_synthesis")
        music_only = job(type="music_generation", status="queued", current_stage="music_generation")
        done = job(status="completed", current_stage="thumbnail_generation")
    # when the migrations run (leaving the block migrates to the latest)

    def row(pk):
        return Job.objects.values("current_stage", "failed_stage", "celery_task_id").get(pk=pk)

    assert row(queued_mix) == {
        "current_stage": "audio_mix",
        "failed_stage": "",
        "celery_task_id": "",  # not started: the sweeper sends it under its new name
    }
    assert row(failed_mix)["current_stage"] == row(failed_mix)["failed_stage"] == "audio_mix"
    assert row(late_voices)["current_stage"] == "audio_mix"  # its voices exist already
    assert row(early_voices)["current_stage"] == "voice_synthesis"
    assert row(music_only)["current_stage"] == "music_generation"
    assert row(done)["current_stage"] == "thumbnail_generation"
