"""Every error the job engine raises, with its HTTP status and machine-readable code.

The film engine's own errors live with it (film/errors.py): they know nothing of HTTP and
reach the job as its `error_code` (see jobs.tasks.error_code).
"""

from filmstudio.errors import Conflict, DomainError


class InvalidJobType(DomainError):
    code = "invalid_job_type"


class InvalidScript(DomainError):
    """The screenplay cannot become a film; the code says why (`script_<reason>`)."""

    code = "invalid_script"


class IdempotencyKeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used for a different request."


class InvalidTransition(Conflict):
    """The state machine has no such edge from the job's status."""

    code = "invalid_transition"


class AwaitingReview(Conflict):
    code = "awaiting_review"
    default_detail = "The screenplay is waiting for staff review."


class TooManyStreams(DomainError):
    status_code = 429
    code = "too_many_streams"
    default_detail = "Too many event streams open; close one (or poll the job) and retry."


class JobStopped(Exception):
    """The job was cancelled, failed or moved on while this stage ran: stop quietly."""


class RetryBatchTooLarge(DomainError):
    code = "batch_too_large"
    default_detail = "Too many jobs in one request."
