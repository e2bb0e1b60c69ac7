"""The sweeper (beat, every minute): every live job whose work is not going to happen on its
own is queued again. It recovers, each within a minute of its bound:

- a stage whose message never reached the broker (it was down: empty task id), after
  JOB_RESEND_AFTER, and a stage parked by job_stage_wait once its `not_before` has come;
- a stage whose message the broker lost (queued, or between two stages, when Redis restarted
  without persistence), after JOB_LOST_AFTER, once the broker is read and does not hold it;
- a stage whose worker is gone (no heartbeat for JOB_HEARTBEAT_TIMEOUT);
- a stage stuck past its hard time limit + JOB_SWEEPER_GRACE.

A re-sent stage gets a new task id; a delivery of the old one is refused when it begins
(jobs.services.lifecycle), so a stage never runs under two tasks at once.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from celery_app.broker import queued_task_ids

from .. import state
from ..models import Job
from ..stages import STAGES
from .dispatch import stage_enqueue
from .lifecycle import stage_limits
from .locking import Guard, with_locked_job
from .settlement import fail_locked

# Jobs looked at per sweep and kind: a backlog is worked off over the next sweeps, and one
# sweep stays well inside its minute.
SWEEP_BATCH = 500


def _idle(now: datetime) -> Q:
    """Live, admitted (else it waits for a running slot, jobs.services.admission), with a
    stage to run, no try running and not waiting for a later time."""
    return (
        Q(
            status__in=state.LIVE,
            admitted_at__isnull=False,
            stage_started_at__isnull=True,
            heartbeat_at__isnull=True,
        )
        & ~Q(current_stage="")
        & (Q(not_before__isnull=True) | Q(not_before__lte=now))
    )


def _idle_guard(now: datetime, *, task_id: str | None) -> Guard:
    """Still idle (see `_idle`) and, when `task_id` is given, still waiting for that task."""

    def guard(job: Job) -> bool:
        waiting = job.not_before is not None and job.not_before > now
        idle = job.stage_started_at is None and job.heartbeat_at is None and job.current_stage
        admitted = job.admitted_at is not None  # else it waits for a running slot
        same = job.celery_task_id == task_id if task_id is not None else True
        live = job.status not in state.TERMINAL
        return live and admitted and bool(idle) and not waiting and same

    return guard


def _resend(job: Job) -> str:
    if job.not_before is not None:
        job.not_before = None
        job.save(update_fields=["not_before", "updated_at"])
    if job.celery_task_id:
        state.record_event(
            job,
            from_status=job.status,
            to_status=job.status,
            message=f"{job.current_stage}: the broker lost its message; sent again",
        )
    stage_enqueue(job, job.current_stage)
    return "resent"


def _stuck(now: datetime) -> Guard:
    def guard(job: Job) -> bool:
        if job.status not in state.WORKING or job.stage_started_at is None:
            return False
        limit = stage_limits(job.current_stage).hard + settings.JOB_SWEEPER_GRACE
        return job.stage_started_at < now - timedelta(seconds=limit)

    return guard


def _silent(now: datetime) -> Guard:
    def guard(job: Job) -> bool:
        timeout = timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)
        beat = job.heartbeat_at
        return job.status in state.WORKING and beat is not None and beat < now - timeout

    return guard


def _requeue_or_fail(job: Job, *, now: datetime, why: str) -> str:
    if job.sweeps >= settings.JOB_SWEEPER_MAX_REQUEUES:
        fail_locked(
            job,
            stage=job.current_stage,
            code="stage_timeout",
            message=f"{job.current_stage} did not finish ({why})",
        )
        return "failed"
    job.sweeps += 1
    # The clock restarts now, not when the new task begins: if this message is lost too,
    # the job is found again (a NULL would hide it from every sweep).
    job.stage_started_at, job.heartbeat_at = now, None
    job.save(update_fields=["sweeps", "stage_started_at", "heartbeat_at", "updated_at"])
    state.record_event(
        job,
        from_status=job.status,
        to_status=job.status,
        message=f"{job.current_stage} {why}: queued again",
    )
    stage_enqueue(job, job.current_stage)
    return "requeued"


def _lost_messages(now: datetime) -> list[tuple[int, str]]:
    """(job id, task id) of idle jobs sent longer than JOB_LOST_AFTER ago whose message the
    broker does not hold; empty when the broker cannot be read (nothing can be decided)."""
    candidates = list(
        Job.objects.filter(
            _idle(now), updated_at__lt=now - timedelta(seconds=settings.JOB_LOST_AFTER)
        )
        .exclude(celery_task_id="")
        .values_list("pk", "celery_task_id")[:SWEEP_BATCH]
    )
    if not candidates:
        return []
    held = queued_task_ids()
    if held is None:
        return []
    return [(pk, task_id) for pk, task_id in candidates if task_id not in held]


def jobs_sweep_stuck(*, now=None) -> dict:
    """Queue again every live job whose work would not happen on its own (see the module's
    docstring for the cases and their settings). A stage requeued because it was stuck or
    its worker went silent counts against settings.JOB_SWEEPER_MAX_REQUEUES; past it the
    job fails (code `stage_timeout`, refunded). Each job is changed under its row lock,
    after its guard is checked again. Returns {"requeued": n, "failed": n, "resent": n}."""
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    unsent = Job.objects.filter(
        _idle(now),
        celery_task_id="",
        updated_at__lt=now - timedelta(seconds=settings.JOB_RESEND_AFTER),
    )
    shortest = min(stage_limits(s).hard for s in STAGES) + settings.JOB_SWEEPER_GRACE
    stuck = Job.objects.filter(
        status__in=state.WORKING, stage_started_at__lt=now - timedelta(seconds=shortest)
    )
    silent = Job.objects.filter(
        status__in=state.WORKING,
        heartbeat_at__lt=now - timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT),
    )
    work = [
        (pk, _idle_guard(now, task_id=""), _resend)
        for pk in unsent.values_list("pk", flat=True)[:SWEEP_BATCH]
    ]
    work += [(pk, _idle_guard(now, task_id=task), _resend) for pk, task in _lost_messages(now)]
    for pk in silent.values_list("pk", flat=True)[:SWEEP_BATCH]:
        why = "stopped sending heartbeats (its worker is gone)"
        work.append(
            (pk, _silent(now), lambda job, why=why: _requeue_or_fail(job, now=now, why=why))
        )
    for pk in stuck.values_list("pk", flat=True)[:SWEEP_BATCH]:
        why = "stuck past its time limit"
        work.append((pk, _stuck(now), lambda job, why=why: _requeue_or_fail(job, now=now, why=why)))
    for job_id, guard, action in work:
        outcome = with_locked_job(job_id, guard, action)
        if outcome:
            counts[outcome] += 1
    return counts
