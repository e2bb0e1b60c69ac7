"""The stage task's retry decision, run in-process (`Task.apply`: retries run at once, eagerly).
The same task through a real worker is in tests/jobs/test_worker_engine.py."""

import pytest

from billing.models import CreditTransaction
from film.errors import ScriptError
from jobs import services
from jobs.models import Job, JobStatus
from jobs.stages import register_stage, unregister_stage
from jobs.tasks import STAGE_TASKS

pytestmark = pytest.mark.django_db


class Permanent(Exception):
    code = "provider_rejected"
    retryable = False


@pytest.fixture
def failing_stage():
    """Make script_analysis raise `exc` on every try; returns the list of tries seen."""
    tries: list[int] = []

    def install(exc: Exception):
        def work(job, *, progress):
            tries.append(job.stage_attempt)
            raise exc

        register_stage("script_analysis", work)
        return tries

    yield install
    unregister_stage("script_analysis")


@pytest.fixture
def job(user, project, fund):
    fund(user, 100)
    created, _ = services.job_create(user=user, project=project, job_type="script_analysis")
    return created


def _refunds(job):
    return CreditTransaction.objects.filter(job=job, kind="refund").count()


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (ScriptError("no_scenes", "The screenplay has no scenes."), "script_no_scenes"),
        (Permanent("the provider refused the prompt"), "provider_rejected"),
    ],
)
def test_a_stage_error_that_is_not_retryable_fails_the_job_on_the_first_try(
    job, failing_stage, exc, code
):
    tries = failing_stage(exc)

    outcome = STAGE_TASKS["script_analysis"].apply(args=[job.pk], task_id=job.celery_task_id).get()

    job.refresh_from_db()
    assert outcome == "failed"
    assert tries == [1]
    assert (job.status, job.error_code, job.failed_stage) == (
        JobStatus.FAILED,
        code,
        "script_analysis",
    )
    assert _refunds(job) == 1


def test_a_retryable_stage_error_is_tried_up_to_its_limit_then_fails_once(job, failing_stage):
    tries = failing_stage(RuntimeError("flaky"))
    limit = STAGE_TASKS["script_analysis"].max_retries

    outcome = STAGE_TASKS["script_analysis"].apply(args=[job.pk], task_id=job.celery_task_id).get()

    job.refresh_from_db()
    assert outcome == "failed"
    assert tries == list(range(1, limit + 2))
    assert (job.status, job.error_code) == (JobStatus.FAILED, "stage_failed")
    assert job.events.filter(message__contains="retry in").count() == limit
    assert _refunds(job) == 1


def test_a_stage_task_for_a_cancelled_job_does_nothing(job, failing_stage):
    tries = failing_stage(RuntimeError("must not run"))
    services.job_cancel(job=job)
    events = job.events.count()

    # A redelivery (worker crash) or a late duplicate of the cancelled job's task.
    assert (
        STAGE_TASKS["script_analysis"].apply(args=[job.pk], task_id=job.celery_task_id).get()
        == "skipped"
    )

    assert tries == []
    assert Job.objects.get(pk=job.pk).events.count() == events
    assert _refunds(job) == 1
