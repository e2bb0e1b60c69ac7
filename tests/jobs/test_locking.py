"""The lock-and-check helper every lifecycle action goes through."""

import pytest

from jobs import services, state
from jobs.models import Job, JobStatus
from jobs.services.locking import in_stage, may_become, with_locked_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(user, project, fund):
    fund(user, 100)
    created, _ = services.job_create(user=user, project=project, job_type="script_analysis")
    return created


def test_the_action_runs_on_the_locked_row_when_the_guard_allows_it(job):
    seen = []

    def act(locked: Job) -> str:
        seen.append((locked.pk, locked.status))
        return "acted"

    assert with_locked_job(job.pk, in_stage("script_analysis"), act) == "acted"
    assert seen == [(job.pk, JobStatus.QUEUED)]


def test_a_guard_that_says_no_or_a_missing_job_changes_nothing(job):
    def act(locked: Job):
        raise AssertionError("must not run")

    assert with_locked_job(job.pk, in_stage("image_generation"), act) is None
    assert with_locked_job(job.pk + 1000, in_stage("script_analysis"), act) is None
    services.job_cancel(job=job)
    assert with_locked_job(job.pk, in_stage("script_analysis"), act) is None


def test_a_refusing_guard_raises_before_the_action_runs(job):
    Job.objects.filter(pk=job.pk).update(status=JobStatus.COMPLETED)

    with pytest.raises(state.InvalidTransition) as refused:
        with_locked_job(job.pk, may_become(JobStatus.QUEUED, detail="no ({status})"), print)

    assert refused.value.detail == "no (completed)"
    with pytest.raises(state.InvalidTransition) as standard:
        with_locked_job(job.pk, may_become(JobStatus.CANCELLED), print)
    assert standard.value.errors == {"status": ["Allowed from completed: []"]}
