"""Explicit routes: job stages go where jobs/stages.py says; every other task that does not
run on `default` is listed here."""

from .queues import Queue

ROUTES: dict[str, Queue] = {
    "jobs.sweep_stuck": Queue.DEFAULT,
    "billing.monthly_allowance": Queue.DEFAULT,
    # Film work dirs live on the machines that render (media workers).
    "jobs.clean_work_dirs": Queue.MEDIA,
    "jobs.prune_film_cache": Queue.MEDIA,
    # Media library: ffmpeg work and its housekeeping.
    "media_library.video_process": Queue.MEDIA,
    "media_library.quotas_reset_weekly": Queue.MEDIA,
    "media_library.maintenance": Queue.MEDIA,
}


STAGE_TASK_PREFIX = "jobs.stage."


def route_task(name, args, kwargs, options, task=None, **kw):
    if name.startswith(STAGE_TASK_PREFIX):
        # Each job stage names its own queue (jobs/stages.py STAGES): one place, not two.
        from jobs.stages import STAGES

        stage = STAGES.get(name.removeprefix(STAGE_TASK_PREFIX))
        return {"queue": stage.queue.value} if stage else None
    queue = ROUTES.get(name)
    return {"queue": queue.value} if queue else None
