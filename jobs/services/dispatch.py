"""Sending a job's stage to the broker, and revoking it."""

import logging
import uuid
from functools import partial

from django.conf import settings
from django.db import transaction

from ..event_bus import event_publish_on_commit
from ..models import Job, JobEvent, JobPriority

logger = logging.getLogger(__name__)

# Redis serves lower priority numbers first (kombu priority_steps 0..9).
BROKER_PRIORITY = {JobPriority.HIGH: 0, JobPriority.NORMAL: 3, JobPriority.LOW: 6}


def _send_stage(stage: str, job_id: int, task_id: str, priority: int) -> None:
    """Publish the stage's task. If the broker cannot be reached, the job keeps its state and
    reservation, its task id is cleared (nothing was sent) and the sweeper sends it again:
    the request that created the job still succeeds."""
    from ..tasks import STAGE_TASKS  # the tasks call these services

    try:
        STAGE_TASKS[stage].apply_async(args=[job_id], task_id=task_id, priority=priority)
    except Exception as exc:  # kombu raises several families of errors for an absent broker
        logger.error("Could not queue %s of job %s: %s", stage, job_id, exc)
        if Job.objects.filter(pk=job_id, celery_task_id=task_id).update(celery_task_id=""):
            event = JobEvent.objects.create(
                job_id=job_id,
                from_status="",
                to_status="",
                stage=stage,
                message=f"{stage}: the broker could not be reached; the sweeper sends it again",
            )
            event_publish_on_commit(event)


def stage_enqueue(job: Job, stage: str, *, save: bool = True) -> None:
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


def _revoke(task_id: str) -> None:
    from celery_app import app

    try:
        app.control.revoke(task_id, terminate=settings.JOB_CANCEL_TERMINATE)
    except Exception:  # the broker being down must not undo a committed cancel
        logger.warning("Could not revoke task %s", task_id, exc_info=True)


def task_revoke_on_commit(task_id: str) -> None:
    """Revoke the job's running task once the transaction that stopped the job commits."""
    if task_id:
        transaction.on_commit(partial(_revoke, task_id))
