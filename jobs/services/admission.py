"""Fair share: how many of a creator's jobs run at once, and which waiting job starts next.

A job holds one of its owner's running slots from the moment its first stage is sent
(`admitted_at` set) until it ends. Past the owner's plan's limit
(settings.JOB_RUNNING_LIMITS) a job is accepted, paid for and QUEUED like any other, but no
task is sent: it waits, and starts when one of its owner's jobs ends (`slots_release`,
in that job's transaction), highest priority first, then oldest. Because a running job has
at most one stage in the broker, a creator with fifty jobs waiting has at most their limit
of stages ahead of another creator's first one. The owner's user row is locked while slots
are counted, so two requests of one creator never both take the last slot.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from billing.selectors import credit_account_summary

from .. import state
from ..models import Job, JobPriority, JobStatus
from .dispatch import stage_enqueue

# Waiting jobs start in this order: high before normal before low, then oldest first.
_PRIORITY_RANK = Case(
    When(priority=JobPriority.HIGH, then=Value(0)),
    When(priority=JobPriority.NORMAL, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def running_limit(*, user) -> int:
    """How many of `user`'s jobs may run at once (their plan's; 0: no limit)."""
    plan = credit_account_summary(user=user)["plan"]
    return int(settings.JOB_RUNNING_LIMITS.get(plan, settings.JOB_RUNNING_LIMIT_DEFAULT))


def _lock_owner(owner_id: int) -> None:
    list(get_user_model().objects.select_for_update().filter(pk=owner_id).values_list("pk"))


def _running(owner_id: int) -> int:
    return Job.objects.filter(
        owner_id=owner_id, status__in=state.LIVE, admitted_at__isnull=False
    ).count()


def admit_locked(job: Job) -> bool:
    """For a LOCKED job about to be queued (creation, retry): take one of its owner's running
    slots (`admitted_at` set, True) or leave it waiting (False: send nothing). Saves
    nothing; the caller writes `admitted_at` with its transition."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("admit_locked() needs an enclosing transaction")
    _lock_owner(job.owner_id)
    limit = running_limit(user=job.owner)
    job.admitted_at = None
    if limit > 0 and _running(job.owner_id) >= limit:
        return False
    job.admitted_at = timezone.now()
    return True


def slots_release(*, owner_id: int) -> list[int]:
    """Start as many of the owner's waiting jobs as they have free slots (after one of their
    jobs ended, in its transaction; and from beat, after the limits changed). A waiting job
    another transaction holds (being cancelled) is skipped. Returns the ids started."""
    owner = get_user_model().objects.get(pk=owner_id)
    _lock_owner(owner_id)
    limit = running_limit(user=owner)
    waiting = (
        Job.objects.select_for_update(skip_locked=True)
        .filter(owner_id=owner_id, status=JobStatus.QUEUED, admitted_at__isnull=True)
        .order_by(_PRIORITY_RANK, "created_at", "id")
    )
    if limit > 0:
        waiting = waiting[: max(0, limit - _running(owner_id))]
    started = []
    for job in waiting:
        job.admitted_at = timezone.now()
        job.save(update_fields=["admitted_at", "updated_at"])
        state.record_event(
            job,
            from_status=job.status,
            to_status=job.status,
            message=f"a running slot is free: {job.current_stage} queued",
        )
        stage_enqueue(job, job.current_stage)
        started.append(job.pk)
    return started


def jobs_admit_waiting() -> int:
    """Beat: start waiting jobs whose owners have free slots (a raised limit, a slot freed by
    something outside the engine). Returns how many started."""
    owners = (
        Job.objects.filter(status=JobStatus.QUEUED, admitted_at__isnull=True)
        .values_list("owner_id", flat=True)
        .distinct()
    )
    started = 0
    for owner_id in list(owners):
        with transaction.atomic():
            started += len(slots_release(owner_id=owner_id))
    return started
