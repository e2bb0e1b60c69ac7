"""Every write to a job, one module per concern:

- `creation`: pricing and job_create (parameters, screenplay, moderation, reservation).
- `lifecycle`: the stage steps the workers drive (begin, progress, work, finish, fail).
- `actions`: what users and staff do (cancel, retry, the staff status override).
- `admission`: fair share, each creator's running slots (their plan's limit) and who waits.
- `batches`: many jobs in one request, paid all together or not at all, cancelled together.
- `staff`: staff retries (one or a bounded batch) and the audited status override.
- `sweeper`: stages lost on the way to the broker or in it, whose worker is gone (no
  heartbeat, see `heartbeat`), or stuck past their time limit.
- `estimates`: a screenplay's breakdown and a job's price before anything exists (read-only).

Underneath: `locking` (the one lock-and-check helper every lifecycle action goes through),
`settlement` (credits and the project's status at a job's end) and `dispatch` (the broker).
Status changes go through `jobs.state` (row lock + transition table).
"""

from ..errors import IdempotencyKeyReused, InvalidScript
from .actions import job_cancel, job_retry, job_set_status
from .admission import jobs_admit_waiting, running_limit
from .batches import job_batch_cancel, job_batch_create
from .creation import (
    job_cost,
    job_create,
    job_quote,
    project_regenerate,
    script_seconds_estimate,
    script_validate,
)
from .dispatch import BROKER_PRIORITY
from .estimates import job_estimate, script_analyse
from .heartbeat import stage_heartbeat
from .lifecycle import (
    StageLimits,
    job_fail,
    job_progress,
    job_stage_attempt_failed,
    job_stage_begin,
    job_stage_finish,
    job_stage_wait,
    job_stage_work,
    retry_backoff,
    stage_limits,
)
from .staff import RETRY_BATCH_MAX, job_staff_retry, job_staff_set_status, jobs_retry_failed
from .sweeper import jobs_sweep_stuck

__all__ = [
    "BROKER_PRIORITY",
    "RETRY_BATCH_MAX",
    "IdempotencyKeyReused",
    "InvalidScript",
    "StageLimits",
    "job_batch_cancel",
    "job_batch_create",
    "job_cancel",
    "job_cost",
    "job_create",
    "job_estimate",
    "job_fail",
    "job_quote",
    "job_progress",
    "job_retry",
    "job_set_status",
    "job_staff_retry",
    "job_staff_set_status",
    "job_stage_attempt_failed",
    "job_stage_begin",
    "job_stage_finish",
    "job_stage_wait",
    "job_stage_work",
    "jobs_admit_waiting",
    "jobs_retry_failed",
    "jobs_sweep_stuck",
    "project_regenerate",
    "retry_backoff",
    "running_limit",
    "script_analyse",
    "script_seconds_estimate",
    "script_validate",
    "stage_heartbeat",
    "stage_limits",
]
