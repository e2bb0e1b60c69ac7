"""How a job's reservation is settled, and how its end reaches its project.

Credits move through `billing.services` with one idempotency key per job reservation
(`job:<id>:<what>:<reservation_no>`), so a capture or refund happens exactly once however
often a task or a request is repeated. The helpers taking a job want it LOCKED, inside the
caller's transaction (see jobs.services.locking).
"""

from django.utils import timezone

from billing.services import credits_capture, credits_refund, credits_reserve
from projects.models import Project

from .. import state
from ..models import Job, JobStatus
from ..stages import FILM_TYPES
from .admission import slots_release


def _key(job: Job, what: str) -> str:
    return f"job:{job.pk}:{what}:{job.reservation_no}"


def reserve(job: Job) -> None:
    """Reserve the job's cost for its current reservation (PaymentRequired when short)."""
    credits_reserve(user=job.owner, amount=job.cost, job=job, key=_key(job, "reserve"))


def project_follow(job: Job, status: str) -> None:
    # The project's status follows the jobs that make its film (not e.g. a thumbnail job).
    if job.type in FILM_TYPES:
        Project.objects.filter(pk=job.project_id).update(status=status, updated_at=timezone.now())


def fail_locked(job: Job, *, stage: str, code: str, message: str) -> Job:
    """Fail the job in `stage` with `code` and refund its reservation."""
    state.transition(
        job,
        JobStatus.FAILED,
        message=f"{stage}: {message}",
        failed_stage=stage,
        error_code=code[:64],
        error_message=message,
        stage_started_at=None,
        heartbeat_at=None,
    )
    refund(job)
    project_follow(job, Project.Status.FAILED)
    slots_release(owner_id=job.owner_id)
    return job


def complete_locked(job: Job, *, message: str) -> Job:
    """Complete the job (walking on to COMPOSING first) and capture its reservation."""
    state.walk_to(job, JobStatus.COMPOSING)
    state.transition(job, JobStatus.COMPLETED, message=message, progress=100)
    credits_capture(user=job.owner, amount=job.cost, job=job, key=_key(job, "capture"))
    project_follow(job, Project.Status.COMPLETED)
    slots_release(owner_id=job.owner_id)
    return job


def refund(job: Job) -> None:
    credits_refund(user=job.owner, amount=job.cost, job=job, key=_key(job, "refund"))
