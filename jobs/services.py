"""Every write to a job: creation (with its credit reservation), the stage lifecycle the
workers drive, cancel, retry, the staff override and the sweeper.

Status changes go through `jobs.state` (row lock + transition table). Credits move through
`billing.services` with one idempotency key per job reservation, so a capture or refund
happens exactly once however often a task or a request is repeated.
"""

import hashlib
import json
import logging
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.services import credits_capture, credits_refund, credits_reserve
from film.errors import ScriptError
from filmstudio.errors import Conflict, DomainError
from projects.models import Project
from projects.services import project_flag_for_review

from . import state
from .film_config import validate_script
from .models import Job, JobEvent, JobPriority, JobStatus, JobType
from .moderation import MODERATION_STAGE, moderation_message, script_moderate
from .parameters import parameters_validate
from .stages import (
    FILM_TYPES,
    SCRIPT_TYPES,
    STAGES,
    JobStopped,
    next_stage,
    stage_callable,
    stages_for,
)

logger = logging.getLogger(__name__)

# Redis serves lower priority numbers first (kombu priority_steps 0..9).
BROKER_PRIORITY = {JobPriority.HIGH: 0, JobPriority.NORMAL: 3, JobPriority.LOW: 6}


class IdempotencyKeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used for a different request."


class InvalidScript(DomainError):
    code = "invalid_script"


@dataclass(frozen=True)
class StageLimits:
    soft: int
    hard: int
    max_retries: int


def stage_limits(stage: str) -> StageLimits:
    """Time limits and retry budget of a stage: the global settings, then per-stage overrides."""
    override = settings.JOB_STAGE_OVERRIDES.get(stage, {})
    return StageLimits(
        soft=int(override.get("soft", settings.JOB_STAGE_SOFT_TIME_LIMIT)),
        hard=int(override.get("hard", settings.JOB_STAGE_TIME_LIMIT)),
        max_retries=int(override.get("max_retries", settings.JOB_STAGE_MAX_RETRIES)),
    )


def retry_backoff(retries: int) -> float:
    """Seconds before try `retries + 2`: exponential, capped, plus random jitter."""
    base = min(settings.JOB_RETRY_BACKOFF_BASE * (2**retries), settings.JOB_RETRY_BACKOFF_MAX)
    return base + random.uniform(0, settings.JOB_RETRY_JITTER)


def job_cost(*, job_type: str, target_duration: int) -> int:
    """Credits a job costs: the type's base plus its per-minute price per started minute."""
    price = settings.JOB_COSTS[job_type]
    minutes = -(-int(target_duration) // 60)  # ceil: a started minute is a minute
    return int(price["base"]) + int(price["per_minute"]) * minutes


# Narration pace used to price a screenplay before it is voiced: 150 words a minute, plus the
# pauses around every shot (settings FILM_SHOT_PAUSE_SECONDS, twice).
WORDS_PER_SECOND = 2.5
SHOT_PAUSES_SECONDS = 0.8


def script_seconds_estimate(breakdown) -> int:
    """About how long the film of `breakdown` runs, in seconds (before any voice exists)."""
    words = sum(len(line.text.split()) for line in breakdown.lines)
    return int(words / WORDS_PER_SECOND + SHOT_PAUSES_SECONDS * len(breakdown.shots)) + 1


def script_validate(*, text: str):
    """The breakdown of a screenplay the pipeline can turn into a film; otherwise
    InvalidScript (400) with code `script_<reason>` (empty, too_large, binary, no_scenes,
    no_lines, too_long)."""
    try:
        return validate_script(text or "")
    except ScriptError as exc:
        raise InvalidScript(
            exc.message, code=f"script_{exc.code}", errors={"script": [exc.message]}
        ) from None


def _fingerprint(*, project_id, job_type, parameters, priority) -> str:
    body = json.dumps(
        {"project": project_id, "type": job_type, "parameters": parameters, "priority": priority},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _replay(*, user, key: str, fingerprint: str) -> Job | None:
    existing = Job.objects.filter(owner=user, idempotency_key=key).first()
    if existing is not None and existing.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return existing


def _project_follow(job: Job, status: str) -> None:
    # The project's status follows the jobs that make its film (not e.g. a thumbnail job).
    if job.type in FILM_TYPES:
        Project.objects.filter(pk=job.project_id).update(status=status, updated_at=timezone.now())


def _send_stage(stage: str, job_id: int, task_id: str, priority: int) -> None:
    """Publish the stage's task. If the broker cannot be reached, the job keeps its state and
    reservation, its task id is cleared (nothing was sent) and the sweeper sends it again:
    the request that created the job still succeeds."""
    from .tasks import STAGE_TASKS

    try:
        STAGE_TASKS[stage].apply_async(args=[job_id], task_id=task_id, priority=priority)
    except Exception as exc:  # kombu raises several families of errors for an absent broker
        logger.error("Could not queue %s of job %s: %s", stage, job_id, exc)
        if Job.objects.filter(pk=job_id, celery_task_id=task_id).update(celery_task_id=""):
            JobEvent.objects.create(
                job_id=job_id,
                from_status="",
                to_status="",
                stage=stage,
                message=f"{stage}: the broker could not be reached; the sweeper sends it again",
            )


def _enqueue_stage(job: Job, stage: str, *, save: bool = True) -> None:
    """Queue `stage` for a LOCKED job once the transaction commits (a task never starts
    before the row it reads exists). The task id is stored first so cancel can revoke it
    (`save=False`: the caller writes `job.celery_task_id` itself)."""
    task_id = str(uuid.uuid4())
    job.celery_task_id = task_id
    if save:
        job.save(update_fields=["celery_task_id", "updated_at"])
    transaction.on_commit(
        partial(_send_stage, stage, job.pk, task_id, BROKER_PRIORITY[job.priority])
    )


def _reservation_key(job: Job, what: str) -> str:
    return f"job:{job.pk}:{what}:{job.reservation_no}"


def _refund(job: Job) -> None:
    credits_refund(user=job.owner, amount=job.cost, job=job, key=_reservation_key(job, "refund"))


def _capture(job: Job) -> None:
    credits_capture(user=job.owner, amount=job.cost, job=job, key=_reservation_key(job, "capture"))


def _revoke(task_id: str) -> None:
    from celery_app import app

    try:
        app.control.revoke(task_id, terminate=settings.JOB_CANCEL_TERMINATE)
    except Exception:  # the broker being down must not undo a committed cancel
        logger.warning("Could not revoke task %s", task_id, exc_info=True)


# --- creation -------------------------------------------------------------------------------


def job_create(
    *,
    user,
    project: Project,
    job_type: str,
    parameters: dict | None = None,
    priority: str = JobPriority.NORMAL,
    idempotency_key: str | None = None,
) -> tuple[Job, bool]:
    """Create a job, reserve its cost and queue its first stage; returns (job, created).

    The job row and the credit reservation commit together or not at all: short of credits
    raises PaymentRequired (402) and leaves no job. With `idempotency_key`, a replay of the
    same request returns the first job (created=False) and charges nothing more; the same
    key with a different body raises IdempotencyKeyReused (422). Invalid parameters raise a
    ValidationError, an unusable script InvalidScript (400), both before any credit moves.
    """
    parameters = {} if parameters is None else parameters
    if job_type not in JobType.values:
        raise DomainError(f"Unknown job type {job_type!r}.", code="invalid_job_type")
    fingerprint = _fingerprint(
        project_id=project.pk, job_type=job_type, parameters=parameters, priority=priority
    )
    if idempotency_key:
        existing = _replay(user=user, key=idempotency_key, fingerprint=fingerprint)
        if existing is not None:
            return existing, False

    cleaned = parameters_validate(job_type=job_type, parameters=parameters)
    verdict = None
    seconds = cleaned.get("target_duration") or project.target_duration
    if job_type in SCRIPT_TYPES:
        breakdown = script_validate(text=project.script)
        # The film runs as long as its narration, whatever the target says: a long script
        # is priced at its own length (a short target cannot make it cheaper).
        seconds = max(seconds, script_seconds_estimate(breakdown))
        # Before the transaction: a remote moderation provider must not hold row locks.
        verdict = script_moderate(project=project)
    cost = job_cost(job_type=job_type, target_duration=seconds)
    first = stages_for(job_type)[0]
    try:
        with transaction.atomic():
            job = Job.objects.create(
                owner=user,
                project=project,
                type=job_type,
                priority=priority,
                parameters=cleaned,
                cost=cost,
                reservation_no=1,
                current_stage=first,
                idempotency_key=idempotency_key or None,
                request_fingerprint=fingerprint,
            )
            state.record_event(job, from_status="", to_status=JobStatus.PENDING, message="created")
            credits_reserve(user=user, amount=cost, job=job, key=_reservation_key(job, "reserve"))
            # No lock needed: nobody else can see this row before the commit.
            # Validation (parameters, script) ran above, inside this request: it is cheap and
            # its errors belong in the response. The states are recorded for the history.
            state.transition(job, JobStatus.VALIDATING, message="parameters and script checked")
            if verdict is not None and verdict.flagged:
                # The job exists, failed, and gives its credits back; staff review the project.
                _fail(
                    job,
                    stage=MODERATION_STAGE,
                    code="content_flagged",
                    message=moderation_message(verdict),
                )
                project_flag_for_review(project=project)
                return job, True
            _enqueue_stage(job, first, save=False)
            state.transition(
                job,
                JobStatus.QUEUED,
                message=f"{cost} credits reserved",
                celery_task_id=job.celery_task_id,
            )
            _project_follow(job, Project.Status.GENERATING)
    except IntegrityError:
        # A concurrent replay of the same Idempotency-Key won the insert.
        if idempotency_key:
            existing = _replay(user=user, key=idempotency_key, fingerprint=fingerprint)
            if existing is not None:
                return existing, False
        raise
    return job, True


def project_regenerate(*, user, project: Project, idempotency_key: str | None = None):
    """Start a full_generation job for the project (see job_create)."""
    return job_create(
        user=user,
        project=project,
        job_type=JobType.FULL_GENERATION,
        idempotency_key=idempotency_key,
    )


# --- the stage lifecycle (called by jobs.tasks) --------------------------------------------


def job_stage_begin(*, job_id: int, stage: str, task_id: str = "") -> Job | None:
    """Claim `stage` of the job for this task: move the job to the stage's state (passing
    through states this type has no work for) and count the try. Returns None, changing
    nothing, when the job is gone, finished, cancelled or already past this stage (a
    duplicate or late delivery). A redelivered stage (worker crash) is claimed again."""
    now = timezone.now()
    with transaction.atomic():
        try:
            job = state.lock_job(job_id)
        except Job.DoesNotExist:
            return None
        if job.status in state.TERMINAL or job.current_stage != stage:
            return None
        target = STAGES[stage].status
        if job.status != target:
            if state.ORDER.index(job.status) > state.ORDER.index(target):
                return None
            state.walk_to(job, target, message=f"{stage} started")
        timings = dict(job.stage_timings)
        timings[stage] = {"started_at": now.isoformat(), "finished_at": None, "seconds": None}
        job.stage_attempt += 1
        job.attempts += 1
        job.stage_timings = timings
        job.stage_started_at = now
        job.started_at = job.started_at or now
        if task_id:
            job.celery_task_id = task_id
        job.save(
            update_fields=[
                "stage_attempt",
                "attempts",
                "stage_timings",
                "stage_started_at",
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


def _overall_progress(job_type: str, stage: str, percent: int) -> int:
    stages = stages_for(job_type)
    done = stages.index(stage) + max(0, min(percent, 100)) / 100
    # 100 is reserved for a completed job.
    return min(99, int(done * 100 / len(stages)))


def job_progress(*, job_id: int, stage: str, status: str, percent: int, message: str = ""):
    """Record progress of a running stage. Raises JobStopped when the job is no longer in
    this stage (cancelled, failed, moved on): that is how a cancel reaches a running stage."""
    job_type = Job.objects.filter(pk=job_id).values_list("type", flat=True).first()
    if job_type is None:
        raise JobStopped()
    overall = _overall_progress(job_type, stage, percent)
    updated = Job.objects.filter(
        pk=job_id, status=status, current_stage=stage, progress__lte=overall
    ).update(progress=overall, updated_at=timezone.now())
    if not updated:
        if not Job.objects.filter(pk=job_id, status=status, current_stage=stage).exists():
            raise JobStopped()
        return  # progress never goes backwards (a rerun of the stage)
    JobEvent.objects.create(
        job_id=job_id,
        from_status=status,
        to_status=status,
        stage=stage,
        progress=overall,
        message=message[:500],
    )


def job_stage_work(*, job: Job) -> dict:
    """Run the registered callable of the job's current stage (see jobs.stages)."""
    stage, status = job.current_stage, job.status
    progress = partial(job_progress, job_id=job.pk, stage=stage, status=status)

    def report(percent: int, message: str = "") -> None:
        progress(percent=percent, message=message)

    outputs = stage_callable(stage)(job, progress=report)
    return outputs or {}


def job_stage_finish(*, job_id: int, stage: str, outputs: dict) -> Job | None:
    """Store the stage's outputs and advance: queue the next stage, or complete the job and
    capture its credits (once). Does nothing if the job left this stage meanwhile."""
    now = timezone.now()
    with transaction.atomic():
        job = state.lock_job(job_id)
        if job.status in state.TERMINAL or job.current_stage != stage:
            return None
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
        following = next_stage(job.type, stage)
        if following:
            job.current_stage, job.stage_attempt, job.sweeps = following, 0, 0
            job.progress = max(job.progress, _overall_progress(job.type, following, 0))
            job.save(
                update_fields=[
                    "result",
                    "stage_timings",
                    "stage_started_at",
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
            _enqueue_stage(job, following)
            return job
        job.save(update_fields=["result", "stage_timings", "stage_started_at", "updated_at"])
        state.walk_to(job, JobStatus.COMPOSING)
        job.progress = 100
        state.transition(job, JobStatus.COMPLETED, message=f"{stage} finished", progress=100)
        _capture(job)
        _project_follow(job, Project.Status.COMPLETED)
    return job


def job_stage_attempt_failed(*, job_id: int, stage: str, error: Exception, retry_in: float):
    """Record a failed try that will be retried (the job stays in its stage)."""
    with transaction.atomic():
        job = state.lock_job(job_id)
        if job.status in state.TERMINAL or job.current_stage != stage:
            return
        state.record_event(
            job,
            from_status=job.status,
            to_status=job.status,
            message=f"{stage}: try {job.stage_attempt} failed ({error}); retry in {retry_in:.1f}s",
        )


def _fail(job: Job, *, stage: str, code: str, message: str) -> Job:
    state.transition(
        job,
        JobStatus.FAILED,
        message=f"{stage}: {message}",
        failed_stage=stage,
        error_code=code[:64],
        error_message=message,
        stage_started_at=None,
    )
    _refund(job)
    _project_follow(job, Project.Status.FAILED)
    return job


def job_fail(*, job_id: int, stage: str, code: str, message: str) -> Job | None:
    """Fail the job in `stage` (its last try failed) and refund its reservation, once.
    Does nothing if the job already left that stage."""
    with transaction.atomic():
        job = state.lock_job(job_id)
        if job.status in state.TERMINAL or job.current_stage != stage:
            return None
        return _fail(job, stage=stage, code=code, message=message)


# --- user and staff actions -----------------------------------------------------------------


def job_cancel(*, job: Job, message: str = "cancelled by the owner") -> Job:
    """Cancel a live job: refund its reservation (once) and revoke its running task. The
    stage also stops at its next progress check. Raises InvalidTransition (409) on a job
    that already finished."""
    with transaction.atomic():
        job = state.lock_job(job.pk)
        state.transition(job, JobStatus.CANCELLED, message=message, stage_started_at=None)
        _refund(job)
        _project_follow(job, Project.Status.DRAFT)
        if job.celery_task_id:
            transaction.on_commit(partial(_revoke, job.celery_task_id))
    return job


def job_retry(*, job: Job) -> Job:
    """Resume a failed job at the stage that failed (earlier stages' outputs are kept).
    Reserves its cost again (402 if the credits are short). Raises InvalidTransition (409)
    unless the job failed."""
    with transaction.atomic():
        job = state.lock_job(job.pk)
        if not state.can_transition(job.status, JobStatus.QUEUED):
            raise state.InvalidTransition(f"Only a failed job can be retried (it is {job.status}).")
        job.reservation_no += 1
        job.save(update_fields=["reservation_no", "updated_at"])
        credits_reserve(
            user=job.owner, amount=job.cost, job=job, key=_reservation_key(job, "reserve")
        )
        resume_at = job.failed_stage or job.current_stage or stages_for(job.type)[0]
        if resume_at == MODERATION_STAGE:
            # Flagged content runs again only once staff approved the project.
            if job.project.moderation_status != Project.ModerationStatus.APPROVED:
                raise Conflict(
                    "The screenplay is waiting for staff review.", code="awaiting_review"
                )
            resume_at = stages_for(job.type)[0]
        state.transition(
            job,
            JobStatus.QUEUED,
            message=f"retry: resuming at {resume_at}",
            current_stage=resume_at,
            error_code="",
            error_message="",
            sweeps=0,
            finished_at=None,
        )
        _enqueue_stage(job, resume_at)
        _project_follow(job, Project.Status.GENERATING)
    return job


def job_set_status(*, job: Job, status: str, actor, message: str = "") -> Job:
    """Staff override: move the job one edge of the state machine (409 otherwise). Terminal
    states settle the credits as the engine would: completed captures, failed and cancelled
    refund; retry (failed → queued) goes through job_retry."""
    note = message or f"set by staff {actor}"
    if status == JobStatus.CANCELLED:
        return job_cancel(job=job, message=note)
    if status == JobStatus.QUEUED and job.status == JobStatus.FAILED:
        return job_retry(job=job)
    with transaction.atomic():
        job = state.lock_job(job.pk)
        if status == JobStatus.FAILED:
            if not state.can_transition(job.status, status):
                raise state.InvalidTransition(f"A {job.status} job cannot become failed.")
            return _fail(job, stage=job.current_stage, code="failed_by_staff", message=note)
        if status == JobStatus.COMPLETED:
            state.transition(job, status, message=note, progress=100)
            _capture(job)
            _project_follow(job, Project.Status.COMPLETED)
            return job
        state.transition(job, status, message=note)
    return job


# --- the sweeper ----------------------------------------------------------------------------


def jobs_sweep_stuck(*, now=None) -> dict:
    """Find jobs whose stage started longer ago than its hard time limit plus
    settings.JOB_SWEEPER_GRACE (its worker died and the message was lost, or it hit the hard
    limit): re-enqueue the stage up to settings.JOB_SWEEPER_MAX_REQUEUES times, then fail
    the job (code `stage_timeout`, refunded).

    Also sends again the stage of every live job whose message never reached the broker
    (an empty task id, see _send_stage) and that has waited settings.JOB_RESEND_AFTER seconds.
    Returns {"requeued": n, "failed": n, "resent": n}.
    """
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    unsent = Job.objects.filter(
        status__in=state.LIVE,
        celery_task_id="",
        stage_started_at__isnull=True,
        updated_at__lt=now - timedelta(seconds=settings.JOB_RESEND_AFTER),
    ).exclude(current_stage="")
    for job_id in list(unsent.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            job = state.lock_job(job_id)
            if job.status in state.TERMINAL or job.celery_task_id or job.stage_started_at:
                continue
            _enqueue_stage(job, job.current_stage)
            counts["resent"] += 1
    shortest = min(stage_limits(s).hard for s in STAGES) + settings.JOB_SWEEPER_GRACE
    candidates = Job.objects.filter(
        status__in=state.WORKING,
        stage_started_at__lt=now - timedelta(seconds=shortest),
    ).values_list("pk", flat=True)
    for job_id in list(candidates[:500]):
        with transaction.atomic():
            job = state.lock_job(job_id)
            if job.status not in state.WORKING or job.stage_started_at is None:
                continue
            limit = stage_limits(job.current_stage).hard + settings.JOB_SWEEPER_GRACE
            if job.stage_started_at >= now - timedelta(seconds=limit):
                continue
            if job.sweeps < settings.JOB_SWEEPER_MAX_REQUEUES:
                job.sweeps += 1
                # The clock restarts now, not when the new task begins: if this message is
                # lost too, the job is found again (a NULL would hide it from every sweep).
                job.stage_started_at = now
                job.save(update_fields=["sweeps", "stage_started_at", "updated_at"])
                state.record_event(
                    job,
                    from_status=job.status,
                    to_status=job.status,
                    message=f"{job.current_stage} stuck past its time limit: queued again",
                )
                _enqueue_stage(job, job.current_stage)
                counts["requeued"] += 1
            else:
                _fail(
                    job,
                    stage=job.current_stage,
                    code="stage_timeout",
                    message=f"{job.current_stage} did not finish within its time limit",
                )
                counts["failed"] += 1
    return counts
