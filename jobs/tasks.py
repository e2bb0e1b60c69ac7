"""Celery tasks of the job engine: thin adapters that take ids and call jobs.services.

One task per stage (`jobs.stage.<name>`), so each has its own queue (its stage's, from
jobs/stages.py), time limits and retry budget. Every task declares its queue. Every stage
task is idempotent: `job_stage_begin` refuses a job that moved on, and `job_stage_finish`
only advances a job still in that stage.
"""

import logging

from celery import shared_task
from celery.exceptions import Retry
from django.db import close_old_connections, connection

from celery_app.queues import Queue
from film.errors import ScriptError

from . import services
from .errors import JobStopped
from .stages import STAGES

logger = logging.getLogger(__name__)


def error_code(exc: Exception) -> str:
    """The job's error_code for `exc`: script errors keep the API's `script_<reason>` codes."""
    code = str(getattr(exc, "code", "") or "stage_failed")
    return f"script_{code}" if isinstance(exc, ScriptError) else code


def is_retryable(exc: Exception) -> bool:
    """Whether another try of the stage may succeed after `exc`: errors say so themselves
    with a `retryable` attribute (a ScriptError or a provider's refusal never will)."""
    return bool(getattr(exc, "retryable", True))


def _make_stage_task(stage: str):
    limits = services.stage_limits(stage)

    @shared_task(
        name=f"jobs.stage.{stage}",
        queue_name=STAGES[stage].queue,
        bind=True,
        acks_late=True,
        # A worker that dies mid-stage (SIGKILL, OOM) hands the task back to the broker.
        reject_on_worker_lost=True,
        soft_time_limit=limits.soft,
        time_limit=limits.hard,
        max_retries=limits.max_retries,
    )
    def run_stage(self, job_id: int) -> str:
        task_id = self.request.id
        job = services.job_stage_begin(job_id=job_id, stage=stage, task_id=task_id)
        if job is None:
            return "skipped"
        try:
            with services.stage_heartbeat(job_id=job_id, task_id=task_id):
                outputs = services.job_stage_work(job=job)
        except JobStopped:
            return "stopped"
        except Retry:
            raise
        except Exception as exc:
            # A dropped database connection failed the try: the bookkeeping below needs a
            # working one (Django reconnects once the broken one is closed). An eager call
            # inside a transaction (the tests') keeps its connection.
            if not connection.in_atomic_block:
                close_old_connections()
            resume_at = getattr(exc, "resume_at", None)
            if resume_at is not None:
                # An outside limit that lifts at a known time (a provider's daily quota):
                # the job waits for it, holding no worker and spending no retry.
                services.job_stage_wait(job_id=job_id, stage=stage, until=resume_at, reason=exc)
                return "waiting"
            # A permanent error fails the job now: retries would only delay the same answer.
            if is_retryable(exc) and self.request.retries < self.max_retries:
                delay = services.retry_backoff(self.request.retries)
                services.job_stage_attempt_failed(
                    job_id=job_id, stage=stage, error=exc, retry_in=delay, task_id=task_id
                )
                raise self.retry(exc=exc, countdown=delay) from exc
            logger.warning("Job %s failed in %s", job_id, stage, exc_info=True)
            services.job_fail(
                job_id=job_id,
                stage=stage,
                code=error_code(exc),
                message=str(exc) or exc.__class__.__name__,
                task_id=task_id,
            )
            return "failed"
        services.job_stage_finish(job_id=job_id, stage=stage, outputs=outputs, task_id=task_id)
        return "done"

    return run_stage


STAGE_TASKS = {stage: _make_stage_task(stage) for stage in STAGES}


@shared_task(name="jobs.sweep_stuck", queue_name=Queue.DEFAULT, ignore_result=True)
def sweep_stuck_jobs() -> dict:
    return services.jobs_sweep_stuck()


# Film work dirs and the render cache live on the machines that render (media workers).
@shared_task(name="jobs.admit_waiting", queue_name=Queue.DEFAULT, ignore_result=True)
def admit_waiting_jobs() -> int:
    return services.jobs_admit_waiting()


@shared_task(name="jobs.clean_work_dirs", queue_name=Queue.MEDIA, ignore_result=True)
def clean_work_dirs() -> int:
    from .film_stages import film_work_dirs_clean

    return film_work_dirs_clean()


@shared_task(name="jobs.prune_film_cache", queue_name=Queue.MEDIA, ignore_result=True)
def prune_film_cache() -> int:
    from .film_stages import film_cache_prune

    return film_cache_prune()
