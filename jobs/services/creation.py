"""Creating a job: its price, the checks on its parameters and screenplay, its credit
reservation and its first stage, all or nothing."""

import hashlib
import json

from django.db import IntegrityError, transaction

from film.errors import ScriptError
from projects.models import Project
from projects.services import project_flag_for_review

from .. import state
from ..errors import IdempotencyKeyReused, InvalidJobType, InvalidScript
from ..film_config import validate_script
from ..models import Job, JobPriority, JobStatus, JobType
from ..moderation import MODERATION_STAGE, moderation_message, script_moderate
from ..parameters import parameters_validate
from ..stages import SCRIPT_TYPES, job_price, stages_for
from .admission import admit_locked
from .dispatch import stage_enqueue
from .settlement import fail_locked, project_follow, reserve


def job_cost(*, job_type: str, target_duration: int) -> int:
    """Credits a job costs: the base plus the per-minute price for every started minute,
    summed over the type's stages (jobs/stages.py)."""
    price = job_price(job_type)
    minutes = -(-int(target_duration) // 60)  # ceil: a started minute is a minute
    return price.base + price.per_minute * minutes


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


def replay(*, user, key: str | None, fingerprint: str, model=Job):
    """What an earlier request with this Idempotency-Key created (a Job, or a JobBatch with
    `model`), if anything; IdempotencyKeyReused when that request had another body."""
    if not key:
        return None
    existing = model.objects.filter(owner=user, idempotency_key=key).first()
    if existing is not None and existing.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return existing


def job_quote(
    *, project: Project | None, job_type: str, parameters: dict, script: str | None = None
) -> tuple[dict, int, int]:
    """(cleaned parameters, seconds priced, credits) of a job on the project, with `script`
    in place of the project's screenplay when given. Invalid parameters raise a
    ValidationError, an unusable screenplay InvalidScript; nothing is written."""
    cleaned = parameters_validate(job_type=job_type, parameters=parameters)
    # A job without a project (a YouTube upload of a library video) is priced on no length.
    seconds = cleaned.get("target_duration") or (project.target_duration if project else 0)
    if job_type in SCRIPT_TYPES:
        breakdown = script_validate(text=project.script if script is None else script)
        # The film runs as long as its narration, whatever the target says: a long script
        # is priced at its own length (a short target cannot make it cheaper).
        seconds = max(seconds, script_seconds_estimate(breakdown))
    return cleaned, seconds, job_cost(job_type=job_type, target_duration=seconds)


def job_price_checked(*, project: Project | None, job_type: str, parameters: dict):
    """(cleaned parameters, cost, moderation verdict or None): every check that can refuse
    the job, run before any credit moves."""
    cleaned, _, cost = job_quote(project=project, job_type=job_type, parameters=parameters)
    # Before the transaction: a remote moderation provider must not hold row locks.
    verdict = script_moderate(project=project) if job_type in SCRIPT_TYPES else None
    return cleaned, cost, verdict


def job_insert_locked(
    *,
    user,
    project: Project | None,
    job_type: str,
    parameters: dict,
    priority: str,
    cost: int,
    verdict,
    idempotency_key: str | None = None,
    fingerprint: str = "",
    batch=None,
) -> Job:
    """Inside the caller's transaction: insert a priced job (see `job_price_checked`),
    reserve its cost (PaymentRequired when short), and queue its first stage, or leave it
    waiting for one of its owner's running slots; a flagged screenplay fails it at once,
    refunded."""
    job = Job.objects.create(
        owner=user,
        project=project,
        type=job_type,
        priority=priority,
        parameters=parameters,
        cost=cost,
        reservation_no=1,
        current_stage=stages_for(job_type)[0],
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
        batch=batch,
    )
    state.record_event(job, from_status="", to_status=JobStatus.PENDING, message="created")
    reserve(job)
    # No lock needed: nobody else can see this row before the commit.
    # Validation (parameters, script) ran before, inside this request: it is cheap and its
    # errors belong in the response. The states are recorded for the history.
    state.transition(job, JobStatus.VALIDATING, message="parameters and script checked")
    if verdict is not None and verdict.flagged:
        # The job exists, failed, and gives its credits back; staff review the project.
        message = moderation_message(verdict)
        fail_locked(job, stage=MODERATION_STAGE, code="content_flagged", message=message)
        project_flag_for_review(project=project, flags=verdict.to_dict())
        return job
    if admit_locked(job):
        stage_enqueue(job, job.current_stage, save=False)
        note = f"{cost} credits reserved"
    else:
        note = f"{cost} credits reserved; waits for one of your running jobs to end"
    state.transition(
        job,
        JobStatus.QUEUED,
        message=note,
        celery_task_id=job.celery_task_id,
        admitted_at=job.admitted_at,
    )
    project_follow(job, Project.Status.GENERATING)
    return job


def job_create(
    *,
    user,
    project: Project | None,
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
    A flagged screenplay creates the job failed (`content_flagged`), refunded, and puts the
    project in staff review.
    """
    parameters = {} if parameters is None else parameters
    if job_type not in JobType.values:
        raise InvalidJobType(f"Unknown job type {job_type!r}.")
    fingerprint = _fingerprint(
        project_id=project.pk if project else None,
        job_type=job_type,
        parameters=parameters,
        priority=priority,
    )
    existing = replay(user=user, key=idempotency_key, fingerprint=fingerprint)
    if existing is not None:
        return existing, False

    cleaned, cost, verdict = job_price_checked(
        project=project, job_type=job_type, parameters=parameters
    )
    try:
        with transaction.atomic():
            job = job_insert_locked(
                user=user,
                project=project,
                job_type=job_type,
                parameters=cleaned,
                priority=priority,
                cost=cost,
                verdict=verdict,
                idempotency_key=idempotency_key or None,
                fingerprint=fingerprint,
            )
    except IntegrityError:
        # A concurrent replay of the same Idempotency-Key won the insert.
        existing = replay(user=user, key=idempotency_key, fingerprint=fingerprint)
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
