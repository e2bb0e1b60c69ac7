"""Explicit routes: every task that does not run on `default` is listed here."""

from .queues import Queue

# Job stages (jobs/stages.py STAGES gives the same queues; a test keeps the two in step).
ROUTES: dict[str, Queue] = {
    "jobs.stage.script_analysis": Queue.DEFAULT,
    "jobs.stage.image_generation": Queue.GPU,
    "jobs.stage.video_generation": Queue.GPU,
    "jobs.stage.voice_synthesis": Queue.MEDIA,
    "jobs.stage.music_generation": Queue.MEDIA,
    "jobs.stage.video_composition": Queue.MEDIA,
    "jobs.stage.subtitle_generation": Queue.DEFAULT,
    "jobs.stage.thumbnail_generation": Queue.MEDIA,
    "jobs.sweep_stuck": Queue.DEFAULT,
    "billing.monthly_allowance": Queue.DEFAULT,
    # Media library: ffmpeg work and its housekeeping.
    "media_library.video_process": Queue.MEDIA,
    "media_library.quotas_reset_weekly": Queue.MEDIA,
    "media_library.maintenance": Queue.MEDIA,
}


def route_task(name, args, kwargs, options, task=None, **kw):
    queue = ROUTES.get(name)
    return {"queue": queue.value} if queue else None
