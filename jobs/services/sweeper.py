"""The sweeper (beat, every minute): stages whose message never reached the broker are sent
again, stages stuck past their time limit are queued again, then failed."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

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


def _unsent(now: datetime) -> Guard:
    def guard(job: Job) -> bool:
        waiting = job.not_before is not None and job.not_before > now
        live = job.status not in state.TERMINAL
        admitted = job.admitted_at is not None  # else it waits for a running slot
        unsent = not job.celery_task_id and not job.stage_started_at
        return live and admitted and unsent and not waiting

    return guard


def _resend(job: Job) -> str:
    if job.not_before is not None:
        job.not_before = None
        job.save(update_fields=["not_before", "updated_at"])
    stage_enqueue(job, job.current_stage)
    return "resent"


def _stuck(now: datetime) -> Guard:
    def guard(job: Job) -> bool:
        if job.status not in state.WORKING or job.stage_started_at is None:
            return False
        limit = stage_limits(job.current_stage).hard + settings.JOB_SWEEPER_GRACE
        return job.stage_started_at < now - timedelta(seconds=limit)

    return guard


def _requeue_or_fail(job: Job, *, now: datetime) -> str:
    if job.sweeps >= settings.JOB_SWEEPER_MAX_REQUEUES:
        fail_locked(
            job,
            stage=job.current_stage,
            code="stage_timeout",
            message=f"{job.current_stage} did not finish within its time limit",
        )
        return "failed"
    job.sweeps += 1
    # The clock restarts now, not when the new task begins: if this message is lost too,
    # the job is found again (a NULL would hide it from every sweep).
    job.stage_started_at = now
    job.save(update_fields=["sweeps", "stage_started_at", "updated_at"])
    state.record_event(
        job,
        from_status=job.status,
        to_status=job.status,
        message=f"{job.current_stage} stuck past its time limit: queued again",
    )
    stage_enqueue(job, job.current_stage)
    return "requeued"


def jobs_sweep_stuck(*, now=None) -> dict:
    """Find jobs whose stage started longer ago than its hard time limit plus
    settings.JOB_SWEEPER_GRACE (its worker died and the message was lost, or it hit the hard
    limit): re-enqueue the stage up to settings.JOB_SWEEPER_MAX_REQUEUES times, then fail
    the job (code `stage_timeout`, refunded).

    Also sends again the stage of every live job whose message never reached the broker
    (an empty task id, see jobs.services.dispatch) and that has waited
    settings.JOB_RESEND_AFTER seconds, and of every job parked by job_stage_wait whose
    `not_before` has come. Returns {"requeued": n, "failed": n, "resent": n}.
    """
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    unsent = (
        Job.objects.filter(
            status__in=state.LIVE,
            celery_task_id="",
            stage_started_at__isnull=True,
            admitted_at__isnull=False,
            updated_at__lt=now - timedelta(seconds=settings.JOB_RESEND_AFTER),
        )
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .exclude(current_stage="")
    )
    shortest = min(stage_limits(s).hard for s in STAGES) + settings.JOB_SWEEPER_GRACE
    stuck = Job.objects.filter(
        status__in=state.WORKING,
        stage_started_at__lt=now - timedelta(seconds=shortest),
    )
    for candidates, guard, action in [
        (unsent, _unsent(now), _resend),
        (stuck, _stuck(now), lambda job: _requeue_or_fail(job, now=now)),
    ]:
        for job_id in list(candidates.values_list("pk", flat=True)[:SWEEP_BATCH]):
            outcome = with_locked_job(job_id, guard, action)
            if outcome:
                counts[outcome] += 1
    return counts
