"""The heartbeat of a running stage: while a try runs, a thread of the worker process that
runs it refreshes `Job.heartbeat_at` every JOB_HEARTBEAT_INTERVAL seconds. A worker that is
gone (SIGKILL, OOM, a lost machine) stops beating, and the sweeper queues the stage again
after JOB_HEARTBEAT_TIMEOUT instead of waiting for the broker's visibility timeout.

The beat is a conditional update on the try's task id: once the sweeper has handed the stage
to a new task, the old try's beats change nothing, and its next progress report raises
JobStopped (jobs.services.lifecycle.job_progress), so two tries never both run on."""

import contextlib
import logging
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone

from ..models import Job

logger = logging.getLogger(__name__)


def heartbeat_beat(*, job_id: int, task_id: str) -> bool:
    """Refresh the heartbeat of the job's running try; False when the try is no longer the
    job's (replaced, finished, cancelled)."""
    return bool(
        Job.objects.filter(pk=job_id, celery_task_id=task_id, heartbeat_at__isnull=False).update(
            heartbeat_at=timezone.now()
        )
    )


def _beat_until(stop: threading.Event, *, job_id: int, task_id: str) -> None:
    try:
        while not stop.wait(settings.JOB_HEARTBEAT_INTERVAL):
            try:
                if not heartbeat_beat(job_id=job_id, task_id=task_id):
                    return  # the stage moved on: nothing to keep alive
            except Exception as exc:  # a database blip: the next beat tries again
                logger.warning("Heartbeat of job %s failed: %s", job_id, exc)
                with contextlib.suppress(Exception):
                    connection.close()
    finally:
        connection.close()  # this thread's own connection


@contextlib.contextmanager
def stage_heartbeat(*, job_id: int, task_id: str):
    """Beat for the job while the block runs (the stage's work)."""
    if not task_id:
        yield
        return
    stop = threading.Event()
    beater = threading.Thread(
        target=_beat_until,
        kwargs={"stop": stop, "job_id": job_id, "task_id": task_id},
        name=f"heartbeat-job-{job_id}",
        daemon=True,
    )
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join(timeout=5)
