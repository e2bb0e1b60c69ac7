"""The job state machine: the one place a job's status changes.

    pending → validating → queued → processing → generating_images → generating_video
        → generating_audio → composing → completed
    any live state → failed | cancelled
    failed → queued (retry: resumes at the failed stage)

The machine is strictly linear: a job type that has no work for a state (a voice job has no
images to generate) still walks through it, recorded as a pass-through event, so every job
tells the same story and clients can rely on the order.

Every change locks the job row (`select_for_update`) inside a transaction, checks the edge,
writes the new status and a JobEvent; an edge that is not in the table raises
InvalidTransition (409 `invalid_transition`).
"""

from django.db import transaction
from django.utils import timezone

from .errors import InvalidTransition
from .event_bus import event_publish_on_commit
from .models import Job, JobEvent, JobStatus

S = JobStatus

# The forward path, in order.
ORDER: list[str] = [
    S.PENDING,
    S.VALIDATING,
    S.QUEUED,
    S.PROCESSING,
    S.GENERATING_IMAGES,
    S.GENERATING_VIDEO,
    S.GENERATING_AUDIO,
    S.COMPOSING,
    S.COMPLETED,
]
TERMINAL: frozenset[str] = frozenset({S.COMPLETED, S.FAILED, S.CANCELLED})
LIVE: frozenset[str] = frozenset(ORDER[:-1])
# States in which a worker does stage work (the sweeper and stats look at these).
WORKING: frozenset[str] = frozenset(ORDER[3:-1])

TRANSITIONS: dict[str, frozenset[str]] = {
    **{
        state: frozenset({ORDER[i + 1], S.FAILED, S.CANCELLED})
        for i, state in enumerate(ORDER[:-1])
    },
    S.COMPLETED: frozenset(),
    S.FAILED: frozenset({S.QUEUED}),
    S.CANCELLED: frozenset(),
}


def valid_transitions(status: str) -> list[str]:
    """The states reachable from `status` in one step, forward path first."""
    allowed = TRANSITIONS.get(status, frozenset())
    ordered = [s for s in [*ORDER, S.FAILED, S.CANCELLED] if s in allowed]
    return ordered


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def check_transition(from_status: str, to_status: str, *, detail: str = "") -> None:
    """Raise InvalidTransition (409) unless the table has the edge; `detail` replaces the
    standard message (which lists the states allowed from `from_status`)."""
    if can_transition(from_status, to_status):
        return
    if detail:
        raise InvalidTransition(detail)
    raise InvalidTransition(
        f"A {from_status} job cannot become {to_status}.",
        errors={"status": [f"Allowed from {from_status}: {valid_transitions(from_status)}"]},
    )


def lock_job(job_id: int) -> Job:
    """The job row, locked until the surrounding transaction ends."""
    return Job.objects.select_for_update().get(pk=job_id)


def record_event(job: Job, *, from_status: str, to_status: str, message: str = "", stage=""):
    event = JobEvent.objects.create(
        job=job,
        from_status=from_status,
        to_status=to_status,
        stage=stage or job.current_stage,
        progress=job.progress,
        message=message[:500],
    )
    event_publish_on_commit(event)
    return event


def transition(job: Job, to_status: str, *, message: str = "", **fields) -> Job:
    """Move a LOCKED job (from `lock_job`, in the caller's transaction) one edge.

    Raises InvalidTransition when the edge is not in the table. Extra `fields` are written
    in the same UPDATE.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() needs the row lock of an enclosing transaction")
    from_status = job.status
    check_transition(from_status, to_status)
    job.status = to_status
    now = timezone.now()
    if to_status in TERMINAL:
        job.finished_at = now
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "finished_at", "updated_at", *fields])
    record_event(job, from_status=from_status, to_status=to_status, message=message)
    return job


def walk_to(job: Job, target: str, *, message: str = "") -> Job:
    """Move a LOCKED job forward along ORDER until it reaches `target`, one recorded edge
    at a time (states with no work for this job are passed through). No-op at `target`."""
    if job.status == target:
        return job
    if job.status not in ORDER or target not in ORDER:
        raise InvalidTransition(f"A {job.status} job cannot move to {target}.")
    start, end = ORDER.index(job.status), ORDER.index(target)
    if end < start:
        raise InvalidTransition(f"A {job.status} job cannot move back to {target}.")
    for state in ORDER[start + 1 : end + 1]:
        note = message if state == target else f"passed through ({job.type} has no work here)"
        transition(job, state, message=note)
    return job
