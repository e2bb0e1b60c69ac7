from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import CreditTransaction
from jobs import services
from jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def stuck(user, project, fund, settings):
    settings.JOB_SWEEPER_MAX_REQUEUES = 1
    fund(user, 100)
    job, _ = services.job_create(user=user, project=project, job_type="image_generation")
    services.job_stage_begin(job_id=job.pk, stage="script_analysis")
    return job


def _age(job, seconds):
    Job.objects.filter(pk=job.pk).update(
        stage_started_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_a_stage_within_its_limit_is_left_alone(stuck, settings):
    _age(stuck, settings.JOB_STAGE_TIME_LIMIT)
    assert services.jobs_sweep_stuck() == {"requeued": 0, "failed": 0, "resent": 0}


def test_a_stuck_stage_is_queued_again_then_the_job_fails_and_is_refunded(stuck, settings):
    limit = settings.JOB_STAGE_TIME_LIMIT + settings.JOB_SWEEPER_GRACE
    _age(stuck, limit + 5)
    old_task = Job.objects.get(pk=stuck.pk).celery_task_id

    assert services.jobs_sweep_stuck() == {"requeued": 1, "failed": 0, "resent": 0}
    job = Job.objects.get(pk=stuck.pk)
    assert job.status == JobStatus.PROCESSING
    assert job.celery_task_id != old_task
    assert job.events.filter(message__contains="stuck past its time limit").exists()

    services.job_stage_begin(job_id=stuck.pk, stage="script_analysis")
    _age(stuck, limit + 5)
    assert services.jobs_sweep_stuck() == {"requeued": 0, "failed": 1, "resent": 0}
    job = Job.objects.get(pk=stuck.pk)
    assert job.status == JobStatus.FAILED
    assert job.error_code == "stage_timeout"
    assert CreditTransaction.objects.filter(job=job, kind="refund").count() == 1
    assert services.jobs_sweep_stuck() == {"requeued": 0, "failed": 0, "resent": 0}


def test_the_sweeper_and_allowance_are_on_the_beat_schedule_with_expiry():
    from celery_app.schedule import BEAT_SCHEDULE

    tasks = {entry["task"]: entry for entry in BEAT_SCHEDULE.values()}
    assert {"jobs.sweep_stuck", "billing.monthly_allowance"} <= set(tasks)
    assert all(entry["options"]["expires"] > 0 for entry in BEAT_SCHEDULE.values())


def test_a_requeued_stage_whose_task_never_arrives_is_found_again_and_failed(stuck, settings):
    limit = settings.JOB_STAGE_TIME_LIMIT + settings.JOB_SWEEPER_GRACE
    _age(stuck, limit + 5)
    assert services.jobs_sweep_stuck() == {"requeued": 1, "failed": 0, "resent": 0}

    # The re-enqueued message is lost as well: no task ever begins the stage again.
    later = timezone.now() + timedelta(seconds=limit + 5)
    assert services.jobs_sweep_stuck(now=later) == {"requeued": 0, "failed": 1, "resent": 0}
    assert Job.objects.get(pk=stuck.pk).status == JobStatus.FAILED
    assert CreditTransaction.objects.filter(job=stuck, kind="refund").count() == 1


def test_a_late_finish_after_the_sweeper_failed_the_job_charges_nothing(stuck, settings):
    settings.JOB_SWEEPER_MAX_REQUEUES = 0
    _age(stuck, settings.JOB_STAGE_TIME_LIMIT + settings.JOB_SWEEPER_GRACE + 5)
    assert services.jobs_sweep_stuck() == {"requeued": 0, "failed": 1, "resent": 0}

    # The "stuck" task was only slow: it finishes after the sweeper gave up on it.
    assert services.job_stage_finish(job_id=stuck.pk, stage="script_analysis", outputs={}) is None

    job = Job.objects.get(pk=stuck.pk)
    assert (job.status, job.current_stage) == (JobStatus.FAILED, "script_analysis")
    kinds = list(CreditTransaction.objects.filter(job=job).values_list("kind", flat=True))
    assert sorted(kinds) == ["refund", "reserve"]


def test_the_sweeper_leaves_a_job_whose_stage_finished_meanwhile(stuck, settings):
    _age(stuck, settings.JOB_STAGE_TIME_LIMIT + settings.JOB_SWEEPER_GRACE + 5)
    services.job_stage_finish(job_id=stuck.pk, stage="script_analysis", outputs={})

    # Its finish cleared the stage clock; the next stage has not begun yet.
    assert services.jobs_sweep_stuck() == {"requeued": 0, "failed": 0, "resent": 0}
    assert Job.objects.get(pk=stuck.pk).current_stage == "image_generation"


class QuotaSpent(Exception):
    """A provider's refusal that lifts at a known time (like YouTube's daily quota)."""

    code = "quota_exceeded"

    def __init__(self, resume_at):
        super().__init__("the provider's daily quota is spent")
        self.resume_at = resume_at


def test_a_stage_waiting_for_a_limit_is_sent_again_only_once_its_time_has_come(stuck, settings):
    until = timezone.now() + timedelta(hours=3)

    services.job_stage_wait(
        job_id=stuck.pk, stage="script_analysis", until=until, reason=QuotaSpent(until)
    )

    job = Job.objects.get(pk=stuck.pk)
    assert job.status == JobStatus.PROCESSING and job.not_before == until
    assert job.celery_task_id == "" and job.stage_started_at is None
    assert job.events.filter(message__contains="waiting until").exists()
    past_resend = timedelta(seconds=settings.JOB_RESEND_AFTER + 1)
    for now in (timezone.now() + past_resend, until - timedelta(seconds=1)):
        assert services.jobs_sweep_stuck(now=now) == {"requeued": 0, "failed": 0, "resent": 0}
    assert services.jobs_sweep_stuck(now=until) == {"requeued": 0, "failed": 0, "resent": 1}
    job = Job.objects.get(pk=stuck.pk)
    assert job.not_before is None and job.celery_task_id
    assert CreditTransaction.objects.filter(job=job, kind="refund").count() == 0


def test_a_stage_error_that_names_its_resume_time_parks_the_job_without_a_retry(stuck):
    from jobs.stages import register_stage, unregister_stage
    from jobs.tasks import STAGE_TASKS

    until = timezone.now() + timedelta(hours=1)

    def refused(job, *, progress):
        raise QuotaSpent(until)

    register_stage("script_analysis", refused)
    try:
        task_id = Job.objects.get(pk=stuck.pk).celery_task_id
        outcome = STAGE_TASKS["script_analysis"].apply(args=[stuck.pk], task_id=task_id).get()
    finally:
        unregister_stage("script_analysis")

    assert outcome == "waiting"
    job = Job.objects.get(pk=stuck.pk)
    assert job.status == JobStatus.PROCESSING and job.not_before == until
    assert not job.events.filter(message__contains="retry in").exists()
