"""Fair share: one creator's jobs past their plan's limit wait (queued, paid for, no task
sent) and start as their running jobs end; another creator's first job never waits."""

import pytest

from billing.models import CreditAccount
from jobs.models import Job, JobPriority, JobStatus
from jobs.services import (
    job_cancel,
    job_create,
    job_set_status,
    job_stage_begin,
    job_stage_finish,
    jobs_admit_waiting,
)
from jobs.services.sweeper import jobs_sweep_stuck
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.JOB_RUNNING_LIMITS = {"free": 1, "pro": 2}
    settings.JOB_RUNNING_LIMIT_DEFAULT = 1


def _create(user, priority=JobPriority.NORMAL) -> Job:
    project = ProjectFactory(owner=user)
    job, _ = job_create(user=user, project=project, job_type="script_analysis", priority=priority)
    return job


def _running(job: Job) -> bool:
    job.refresh_from_db()
    return job.admitted_at is not None and bool(job.celery_task_id)


def _waiting(job: Job) -> bool:
    job.refresh_from_db()
    return (job.status, job.admitted_at, job.celery_task_id) == (JobStatus.QUEUED, None, "")


def test_jobs_past_the_limit_are_accepted_paid_and_wait_their_turn(user, fund):
    fund(user, 100)
    first, second, third = (_create(user) for _ in range(3))

    assert _running(first)
    assert _waiting(second) and _waiting(third)
    assert CreditAccount.objects.get(user=user).balance == 100 - 3 * first.cost
    assert "waits for one of your running jobs" in second.events.last().message

    job_cancel(job=first)  # a slot frees: the oldest waiting job starts, the next still waits
    assert _running(second) and _waiting(third)
    job_stage_begin(job_id=second.pk, stage="script_analysis")  # it runs and completes
    job_stage_finish(job_id=second.pk, stage="script_analysis", outputs={})
    assert _running(third)


def test_another_creators_first_job_starts_while_fifty_wait(user, fund):
    fund(user, 10_000)
    mine = [_create(user) for _ in range(50)]
    other = fund(UserFactory(), 100)

    theirs = _create(other)

    assert _running(theirs)
    assert sum(_running(job) for job in mine) == 1


def test_a_waiting_high_priority_job_starts_before_older_normal_ones(user, fund):
    fund(user, 100)
    running, older = _create(user), _create(user)
    urgent = _create(user, priority=JobPriority.HIGH)

    job_cancel(job=running)

    assert _running(urgent) and _waiting(older)


def test_the_limit_follows_the_plan(user, fund):
    fund(user, 100)
    CreditAccount.objects.filter(user=user).update(plan_id="pro")
    jobs = [_create(user) for _ in range(3)]
    assert [_running(job) for job in jobs] == [True, True, False]


def test_a_failed_job_frees_its_slot_and_its_retry_waits_for_one(user, fund):
    fund(user, 100)
    first, second = _create(user), _create(user)
    job_set_status(job=first, status=JobStatus.FAILED, actor="staff")
    assert _running(second)

    first.refresh_from_db()
    retried = job_set_status(job=first, status=JobStatus.QUEUED, actor="staff")  # retry

    retried.refresh_from_db()
    assert _waiting(retried), (retried.status, retried.admitted_at, retried.celery_task_id)


def test_the_sweeper_leaves_waiting_jobs_alone_and_beat_starts_them_when_the_limit_rises(
    user, fund, settings, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from jobs.services import sweeper

    fund(user, 100)
    running = _create(user)
    waiting = _create(user)
    later = timezone.now() + timedelta(hours=1)
    # The broker holds the running job's message: neither the unsent nor the lost-message
    # check may pick the waiting job (no task id, no try, long unchanged).
    monkeypatch.setattr(sweeper, "queued_task_ids", lambda: {running.celery_task_id})

    assert jobs_sweep_stuck(now=later)["resent"] == 0
    assert _waiting(waiting)

    settings.JOB_RUNNING_LIMITS = {"free": 2}
    assert jobs_admit_waiting() == 1
    assert _running(waiting)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_on_redis_high_priority_stages_run_before_normal_before_low(celery_worker_factory, fund):
    """Given stages of low, normal and high jobs queued (in that order) while no worker
    runs, when one worker with one process starts, then it runs them high, normal, low."""
    jobs = {}
    for priority in (JobPriority.LOW, JobPriority.NORMAL, JobPriority.HIGH):
        owner = fund(UserFactory(), 100)  # three creators: no one's limit is in the way
        jobs[priority] = _create(owner, priority=priority)

    celery_worker_factory(pool="solo", concurrency=1, queues="default")

    from tests.celery_worker import wait_for

    def started():
        rows = Job.objects.filter(pk__in=[j.pk for j in jobs.values()], started_at__isnull=False)
        return rows.count() == 3 and rows

    order = [job.priority for job in wait_for(started, timeout=60).order_by("started_at")]
    assert order == [JobPriority.HIGH, JobPriority.NORMAL, JobPriority.LOW]
