"""What staff do to jobs: retry failed ones (one, or a bounded batch) and override a status.
Each action writes its audit record in the transaction that acts."""

from django.db import transaction

from filmstudio.errors import DomainError
from filmstudio.services import audit_log, diff

from ..errors import RetryBatchTooLarge
from ..models import Job
from .actions import job_retry, job_set_status

# One request (or one command step) retries at most this many jobs: each retry locks its
# row, reserves credits and enqueues a task, so a batch stays a few seconds of work and a
# mistaken filter cannot requeue the whole table at once.
RETRY_BATCH_MAX = 100


def job_staff_retry(*, job: Job, by, reason: str = "") -> Job:
    """Retry a failed job on its owner's behalf (their credits are reserved again, 402 if
    short). Exactly once: the retry moves failed → queued under the row lock, so a second
    retry of the same failure is refused (InvalidTransition, 409) and charges nothing."""
    with transaction.atomic():
        retried = job_retry(job=job)
        audit_log(
            actor=by,
            action="job.retry",
            target=retried,
            changes=diff({"status": job.status}, {"status": retried.status}),
            reason=reason,
        )
    return retried


def jobs_retry_failed(*, job_ids: list[int], by, reason: str = "") -> dict:
    """Retry each job of `job_ids` (at most RETRY_BATCH_MAX, duplicates counted once), each
    in its own transaction: one refusal (not failed any more, owner short of credits,
    awaiting review) does not stop the others. Returns {"retried": [ids], "refused":
    [{"id", "code", "detail"}]}."""
    ids = list(dict.fromkeys(job_ids))
    if len(ids) > RETRY_BATCH_MAX:
        raise RetryBatchTooLarge(f"At most {RETRY_BATCH_MAX} jobs per request.")
    jobs = Job.objects.select_related("project").in_bulk(ids)
    retried, refused = [], []
    for job_id in ids:
        job = jobs.get(job_id)
        if job is None:
            refused.append({"id": job_id, "code": "not_found", "detail": "Job not found."})
            continue
        try:
            job_staff_retry(job=job, by=by, reason=reason)
        except DomainError as exc:
            refused.append({"id": job_id, "code": exc.code, "detail": str(exc.detail)})
        else:
            retried.append(job_id)
    return {"retried": retried, "refused": refused}


def job_staff_set_status(*, job: Job, status: str, by, reason: str = "") -> Job:
    """The staff status override (`job_set_status`, through the state machine), recorded."""
    before = job.status
    with transaction.atomic():
        changed = job_set_status(job=job, status=status, actor=by, message=reason)
        after = changed.status if changed is not None else before
        audit_log(
            actor=by,
            action="job.status_override",
            target=job,
            changes=diff({"status": before}, {"status": after}),
            reason=reason,
        )
    return changed
