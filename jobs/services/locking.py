"""The one way a lifecycle action touches a job: lock its row, check that the job is in a
state the action allows, then act, all in one transaction (Saleor's `with_locked_payment`).

A guard either answers False (the action does not apply any more: a duplicate or late task,
the job moved on; the caller gets None and nothing changes) or raises (a refusal the caller
must hear, e.g. InvalidTransition for a user's request).
"""

from collections.abc import Callable
from typing import TypeVar

from django.db import transaction

from .. import state
from ..models import Job

T = TypeVar("T")
Guard = Callable[[Job], bool]


def with_locked_job(job_id: int, guard: Guard, action: Callable[[Job], T]) -> T | None:
    """Run `action` on the job, row-locked until the transaction ends, if `guard` lets it.
    Returns the action's result, or None (changing nothing) when the job is gone or the
    guard says no."""
    with transaction.atomic():
        try:
            job = state.lock_job(job_id)
        except Job.DoesNotExist:
            return None
        return action(job) if guard(job) else None


def in_stage(stage: str) -> Guard:
    """The job is live and still in `stage`."""
    return lambda job: job.status not in state.TERMINAL and job.current_stage == stage


def owned_by(stage: str, task_id: str) -> Guard:
    """In `stage`, and the stage's current task is `task_id` (a try the sweeper replaced,
    because its worker stopped beating, owns nothing any more). An empty `task_id` (a call
    from outside a task: tests, the shell) skips the ownership check."""
    still_in = in_stage(stage)
    return lambda job: still_in(job) and (not task_id or job.celery_task_id == task_id)


def may_become(status: str, *, detail: str = "") -> Guard:
    """The state machine lets the job move to `status`; otherwise InvalidTransition (409).
    `detail` replaces the standard message; `{status}` in it is the job's status."""

    def guard(job: Job) -> bool:
        state.check_transition(job.status, status, detail=detail.format(status=job.status))
        return True

    return guard
