import pytest
from django.db import transaction

from jobs import services, state
from jobs.models import Job, JobStatus
from jobs.stages import JOB_TYPE_STAGES, STAGES, register_stage, unregister_stage

pytestmark = pytest.mark.django_db


def test_the_forward_path_is_the_documented_order():
    assert state.ORDER == [
        "pending", "validating", "queued", "processing", "generating_images",
        "generating_video", "generating_audio", "composing", "completed",
    ]  # fmt: skip


@pytest.mark.parametrize("live", sorted(state.LIVE))
def test_every_live_state_can_fail_or_be_cancelled(live):
    assert state.can_transition(live, "failed")
    assert state.can_transition(live, "cancelled")


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        ("queued", "composing"),
        ("processing", "queued"),
        ("completed", "failed"),
        ("cancelled", "queued"),
        ("failed", "completed"),
        ("pending", "completed"),
    ],
)
def test_edges_outside_the_table_raise_invalid_transition(src, dst, user, project, fund):
    fund(user, 100)
    job, _ = services.job_create(user=user, project=project, job_type="script_analysis")
    Job.objects.filter(pk=job.pk).update(status=src)
    with transaction.atomic(), pytest.raises(state.InvalidTransition) as raised:
        state.transition(state.lock_job(job.pk), dst)
    assert raised.value.status_code == 409
    assert Job.objects.get(pk=job.pk).status == src


def test_a_type_without_work_in_a_state_passes_through_it_in_order(user, project, fund):
    fund(user, 100)
    job, _ = services.job_create(user=user, project=project, job_type="music_generation")
    services.job_stage_begin(job_id=job.pk, stage="music_generation")
    services.job_stage_finish(job_id=job.pk, stage="music_generation", outputs={"x": 1})
    job.refresh_from_db()
    changes = [e.to_status for e in job.events.order_by("id") if e.from_status != e.to_status]
    assert changes == state.ORDER
    assert job.result["stages"]["music_generation"] == {"x": 1}
    passed = job.events.filter(to_status="generating_images").get()
    assert "passed through" in passed.message


def test_a_late_duplicate_of_a_finished_stage_does_nothing(user, project, fund):
    fund(user, 100)
    job, _ = services.job_create(user=user, project=project, job_type="image_generation")
    services.job_stage_begin(job_id=job.pk, stage="script_analysis")
    services.job_stage_finish(job_id=job.pk, stage="script_analysis", outputs={})
    events = Job.objects.get(pk=job.pk).events.count()

    assert services.job_stage_begin(job_id=job.pk, stage="script_analysis") is None
    assert services.job_stage_finish(job_id=job.pk, stage="script_analysis", outputs={}) is None
    assert Job.objects.get(pk=job.pk).events.count() == events


def test_the_full_generation_runs_every_film_stage_in_order():
    # Which queue each stage's task goes to: tests/filmstudio/test_celery_queues.py.
    assert JOB_TYPE_STAGES["full_generation"] == (
        "script_analysis",
        "voice_synthesis",
        "image_generation",
        "video_generation",
        "audio_mix",
        "subtitle_generation",
        "video_composition",
        "thumbnail_generation",
    )
    # every stage but the music-only type's bed and the YouTube publication's
    assert set(STAGES) - set(JOB_TYPE_STAGES["full_generation"]) == {
        "music_generation",
        *JOB_TYPE_STAGES["youtube_upload"],
    }


def test_a_registered_stage_callable_does_the_stage(user, project, fund):
    fund(user, 100)
    seen = {}

    def real(job, *, progress):
        progress(50, "halfway")
        seen["job"] = job.pk
        return {"assets": {"breakdown": 7}}

    register_stage("script_analysis", real)
    try:
        job, _ = services.job_create(user=user, project=project, job_type="script_analysis")
        started = services.job_stage_begin(job_id=job.pk, stage="script_analysis")
        outputs = services.job_stage_work(job=started)
        services.job_stage_finish(job_id=job.pk, stage="script_analysis", outputs=outputs)
    finally:
        unregister_stage("script_analysis")
    job.refresh_from_db()
    assert seen["job"] == job.pk
    assert job.status == JobStatus.COMPLETED
    assert job.result["assets"] == {"breakdown": 7}
    assert job.events.filter(message="halfway", progress=50).exists()
    with pytest.raises(KeyError):
        register_stage("nonsense", real)


def test_progress_after_a_cancel_stops_the_stage(user, project, fund):
    from jobs.stages import JobStopped

    fund(user, 100)
    job, _ = services.job_create(user=user, project=project, job_type="script_analysis")
    started = services.job_stage_begin(job_id=job.pk, stage="script_analysis")
    services.job_cancel(job=job)
    with pytest.raises(JobStopped):
        services.job_stage_work(job=started)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_retry_backoff_grows_exponentially_with_bounded_jitter(settings):
    settings.JOB_RETRY_BACKOFF_BASE, settings.JOB_RETRY_JITTER = 2.0, 1.0
    settings.JOB_RETRY_BACKOFF_MAX = 10.0
    for retries, base in [(0, 2), (1, 4), (2, 8), (3, 10), (8, 10)]:
        delay = services.retry_backoff(retries)
        assert base <= delay <= base + 1
