"""The stage lifecycle the workers drive (through jobs.tasks): begin, progress, work,
finish, a failed try, and the failure of the job.

Every step that changes the job goes through `with_locked_job` with the guard "the job is
still in this stage", so a duplicate or late delivery of a stage task changes nothing.
"""

import random
from datetime import datetime
from functools import partial

from django.conf import settings
from django.utils import timezone

from filmstudio.metrics import STAGE_SECONDS

from .. import state
from ..errors import JobStopped
from ..event_bus import event_publish_on_commit
from ..models import Job, JobEvent
from ..stages import STAGES, StageLimits, next_stage, progress_share, stage_callable
from .dispatch import stage_enqueue
from .locking import Guard, in_stage, owned_by, with_locked_job
from .settlement import complete_locked, fail_locked


def stage_limits(stage: str) -> StageLimits:
    """Time limits and retry budget of a stage (its declaration, then the settings)."""
    return STAGES[stage].limits()


def retry_backoff(retries: int) -> float:
    """Seconds before try `retries + 2`: exponential, capped, plus random jitter."""
    base = min(settings.JOB_RETRY_BACKOFF_BASE * (2**retries), settings.JOB_RETRY_BACKOFF_MAX)
    return base + random.uniform(0, settings.JOB_RETRY_JITTER)


def _claimable(stage: str, task_id: str) -> Guard:
    """In `stage`, not already past the state the stage runs in, and `task_id` is the task
    the job waits for (or none is recorded): a message the sweeper replaced is refused, so
    a stage never runs under two task ids at once."""
    still_in = in_stage(stage)
    target = state.ORDER.index(STAGES[stage].status)

    def guard(job: Job) -> bool:
        mine = not task_id or job.celery_task_id in ("", task_id)
        return still_in(job) and mine and state.ORDER.index(job.status) <= target

    return guard


def job_stage_begin(*, job_id: int, stage: str, task_id: str = "") -> Job | None:
    """Claim `stage` of the job for this task: move the job to the stage's state (passing
    through states this type has no work for), count the try and start its heartbeat
    (`heartbeat_at`, kept fresh by jobs.services.heartbeat while the try runs). Returns
    None, changing nothing, when the job is gone, finished, cancelled, already past this
    stage, or waits for another task id (a duplicate, late or replaced delivery). A
    redelivered stage (worker crash: the same task id) is claimed again."""
    now = timezone.now()

    def begin(job: Job) -> Job:
        state.walk_to(job, STAGES[stage].status, message=f"{stage} started")
        timings = dict(job.stage_timings)
        timings[stage] = {"started_at": now.isoformat(), "finished_at": None, "seconds": None}
        job.stage_attempt += 1
        job.attempts += 1
        job.stage_timings = timings
        job.stage_started_at = job.heartbeat_at = now
        job.started_at = job.started_at or now
        if task_id:
            job.celery_task_id = task_id
        job.save(
            update_fields=[
                "stage_attempt",
                "attempts",
                "stage_timings",
                "stage_started_at",
                "heartbeat_at",
                "started_at",
                "celery_task_id",
                "updated_at",
            ]
        )
        state.record_event(
            job,
            from_status=job.status,
            to_status=job.status,
            message=f"{stage}: try {job.stage_attempt} started",
        )
        return job

    return with_locked_job(job_id, _claimable(stage, task_id), begin)


def _overall_progress(job_type: str, stage: str, percent: int) -> int:
    # 100 is reserved for a completed job.
    return min(99, int(progress_share(job_type, stage, percent) * 100))


def job_progress(
    *, job_id: int, stage: str, status: str, percent: int, message: str = "", task_id: str = ""
):
    """Record progress of a running stage. Raises JobStopped when the job is no longer in
    this stage (cancelled, failed, moved on) or its stage now belongs to another task (the
    sweeper replaced this try): that is how a cancel reaches a running stage."""
    job_type = Job.objects.filter(pk=job_id).values_list("type", flat=True).first()
    if job_type is None:
        raise JobStopped()
    overall = _overall_progress(job_type, stage, percent)
    mine = Job.objects.filter(pk=job_id, status=status, current_stage=stage)
    if task_id:
        mine = mine.filter(celery_task_id=task_id)
    updated = mine.filter(progress__lte=overall).update(progress=overall, updated_at=timezone.now())
    if not updated:
        if not mine.exists():
            raise JobStopped()
        return  # progress never goes backwards (a rerun of the stage)
    event = JobEvent.objects.create(
        job_id=job_id,
        from_status=status,
        to_status=status,
        stage=stage,
        progress=overall,
        message=message[:500],
    )
    event_publish_on_commit(event)


def job_stage_work(*, job: Job) -> dict:
    """Run the registered callable of the job's current stage (see jobs.stages)."""
    stage, status = job.current_stage, job.status
    progress = partial(
        job_progress, job_id=job.pk, stage=stage, status=status, task_id=job.celery_task_id
    )

    def report(percent: int, message: str = "") -> None:
        progress(percent=percent, message=message)

    outputs = stage_callable(stage)(job, progress=report)
    return outputs or {}


def _store_outputs(job: Job, stage: str, outputs: dict, now: datetime) -> None:
    """Keep the stage's outputs (its assets merged into the job's) and close its timing."""
    result = dict(job.result)
    result.setdefault("stages", {})[stage] = outputs
    if isinstance(outputs.get("assets"), dict):
        result["assets"] = {**result.get("assets", {}), **outputs["assets"]}
    timings = dict(job.stage_timings)
    started = timings.get(stage, {}).get("started_at")
    seconds = None
    if started:
        seconds = round((now - datetime.fromisoformat(started)).total_seconds(), 3)
    timings[stage] = {"started_at": started, "finished_at": now.isoformat(), "seconds": seconds}
    job.result, job.stage_timings, job.stage_started_at = result, timings, None
    if seconds is not None:
        STAGE_SECONDS.labels(stage).observe(seconds)
    job.heartbeat_at = None


def job_stage_finish(*, job_id: int, stage: str, outputs: dict, task_id: str = "") -> Job | None:
    """Store the stage's outputs and advance: queue the next stage, or complete the job and
    capture its credits (once). Does nothing if the job left this stage meanwhile, or the
    stage belongs to another task than `task_id` now (see `owned_by`)."""
    now = timezone.now()

    def finish(job: Job) -> Job:
        _store_outputs(job, stage, outputs, now)
        following = next_stage(job.type, stage)
        if not following:
            job.save(
                update_fields=[
                    "result",
                    "stage_timings",
                    "stage_started_at",
                    "heartbeat_at",
                    "updated_at",
                ]
            )
            return complete_locked(job, message=f"{stage} finished")
        job.current_stage, job.stage_attempt, job.sweeps = following, 0, 0
        job.progress = max(job.progress, _overall_progress(job.type, following, 0))
        job.save(
            update_fields=[
                "result",
                "stage_timings",
                "stage_started_at",
                "heartbeat_at",
                "current_stage",
                "stage_attempt",
                "sweeps",
                "progress",
                "updated_at",
            ]
        )
        state.record_event(
            job,
            from_status=job.status,
            to_status=job.status,
            stage=stage,
            message=f"{stage} finished; next {following}",
        )
        stage_enqueue(job, following)
        return job

    return with_locked_job(job_id, owned_by(stage, task_id), finish)


def job_stage_attempt_failed(
    *, job_id: int, stage: str, error: Exception, retry_in: float, task_id: str = ""
):
    """Record a failed try that will be retried (the job stays in its stage, its heartbeat
    stops: no try runs while the retry waits its countdown)."""

    def record(job: Job) -> None:
        job.heartbeat_at = None
        job.save(update_fields=["heartbeat_at", "updated_at"])
        state.record_event(
            job,
            from_status=job.status,
            to_status=job.status,
            message=f"{stage}: try {job.stage_attempt} failed ({error}); retry in {retry_in:.1f}s",
        )

    with_locked_job(job_id, owned_by(stage, task_id), record)


def job_stage_wait(*, job_id: int, stage: str, until: datetime, reason: Exception) -> Job | None:
    """Park the job in `stage` until `until`, when an outside limit lifts (a provider's daily
    quota): no task holds it, no retry is spent, and the sweeper sends the stage again once
    the time has come. Does nothing if the job left the stage (a cancel, meanwhile)."""

    def park(job: Job) -> Job:
        job.not_before, job.stage_started_at, job.celery_task_id = until, None, ""
        job.heartbeat_at = None
        job.save(
            update_fields=[
                "not_before",
                "stage_started_at",
                "celery_task_id",
                "heartbeat_at",
                "updated_at",
            ]
        )
        code = getattr(reason, "code", "") or reason.__class__.__name__
        state.record_event(
            job,
            from_status=job.status,
            to_status=job.status,
            message=f"{stage}: waiting until {until.isoformat()} ({code}: {reason})",
        )
        return job

    return with_locked_job(job_id, in_stage(stage), park)


def job_fail(*, job_id: int, stage: str, code: str, message: str, task_id: str = "") -> Job | None:
    """Fail the job in `stage` (its last try failed) and refund its reservation, once.
    Does nothing if the job already left that stage or it belongs to another task now."""
    fail = partial(fail_locked, stage=stage, code=code, message=message)
    return with_locked_job(job_id, owned_by(stage, task_id), fail)
