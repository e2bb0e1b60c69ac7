"""What users and staff do to a job: cancel, retry, and the staff status override.

Each goes through `with_locked_job` with the guard "the state machine allows this move",
so a refused action raises InvalidTransition (409) and changes nothing.
"""

from projects.models import Project

from .. import state
from ..errors import AwaitingReview
from ..models import Job, JobStatus
from ..moderation import MODERATION_STAGE
from ..stages import stages_for
from .admission import admit_locked, slots_release
from .dispatch import stage_enqueue, task_revoke_on_commit
from .locking import may_become, with_locked_job
from .settlement import complete_locked, fail_locked, project_follow, refund, reserve


def job_cancel(*, job: Job, message: str = "cancelled by the owner") -> Job:
    """Cancel a live job: refund its reservation (once) and revoke its running task. The
    stage also stops at its next progress check. Raises InvalidTransition (409) on a job
    that already finished."""

    def cancel(job: Job) -> Job:
        state.transition(
            job, JobStatus.CANCELLED, message=message, stage_started_at=None, heartbeat_at=None
        )
        refund(job)
        project_follow(job, Project.Status.DRAFT)
        task_revoke_on_commit(job.celery_task_id)
        slots_release(owner_id=job.owner_id)
        return job

    return with_locked_job(job.pk, may_become(JobStatus.CANCELLED), cancel)


def _resume_stage(job: Job) -> str:
    """Where a retried job starts again: the stage that failed. Flagged content runs again
    only once staff approved the project (AwaitingReview, 409, until then)."""
    resume_at = job.failed_stage or job.current_stage or stages_for(job.type)[0]
    if resume_at != MODERATION_STAGE:
        return resume_at
    if job.project.moderation_status != Project.ModerationStatus.APPROVED:
        raise AwaitingReview()
    return stages_for(job.type)[0]


def job_retry(*, job: Job) -> Job:
    """Resume a failed job at the stage that failed (earlier stages' outputs are kept).
    Reserves its cost again (402 if the credits are short). Raises InvalidTransition (409)
    unless the job failed."""

    def retry(job: Job) -> Job:
        job.reservation_no += 1
        job.save(update_fields=["reservation_no", "updated_at"])
        reserve(job)
        resume_at = _resume_stage(job)
        admitted = admit_locked(job)
        state.transition(
            job,
            JobStatus.QUEUED,
            message=f"retry: resuming at {resume_at}"
            + ("" if admitted else "; waits for one of your running jobs to end"),
            current_stage=resume_at,
            error_code="",
            error_message="",
            sweeps=0,
            finished_at=None,
            admitted_at=job.admitted_at,
            celery_task_id="",  # the last try's; a waiting job has none
        )
        if admitted:
            stage_enqueue(job, resume_at)
        project_follow(job, Project.Status.GENERATING)
        return job

    only_failed = "Only a failed job can be retried (it is {status})."
    return with_locked_job(job.pk, may_become(JobStatus.QUEUED, detail=only_failed), retry)


def job_set_status(*, job: Job, status: str, actor, message: str = "") -> Job:
    """Staff override: move the job one edge of the state machine (409 otherwise). Terminal
    states settle the credits as the engine would: completed captures, failed and cancelled
    refund; retry (failed → queued) goes through job_retry."""
    note = message or f"set by staff {actor}"
    if status == JobStatus.CANCELLED:
        return job_cancel(job=job, message=note)
    if status == JobStatus.QUEUED and job.status == JobStatus.FAILED:
        return job_retry(job=job)

    def override(job: Job) -> Job:
        if status == JobStatus.FAILED:
            return fail_locked(job, stage=job.current_stage, code="failed_by_staff", message=note)
        if status == JobStatus.COMPLETED:
            return complete_locked(job, message=note)
        return state.transition(job, status, message=note)

    detail = "A {status} job cannot become failed." if status == JobStatus.FAILED else ""
    return with_locked_job(job.pk, may_become(status, detail=detail), override)
