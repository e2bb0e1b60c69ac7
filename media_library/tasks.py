"""Celery adapters: take ids, call a service. Routed to the `media` queue."""

from celery import shared_task
from django.conf import settings

from celery_app.queues import Queue

from .services import (
    quotas_reset_weekly,
    upload_sessions_expire,
    video_process,
    videos_requeue_stuck,
    videos_resend_unqueued,
)


@shared_task(
    name="media_library.video_process",
    queue_name=Queue.MEDIA,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.MEDIA_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.MEDIA_TASK_TIME_LIMIT,
)
def video_process_task(video_id: int) -> str | None:
    video = video_process(video_id=video_id)
    return video.status if video else None


@shared_task(name="media_library.quotas_reset_weekly", queue_name=Queue.MEDIA)
def quotas_reset_weekly_task() -> int:
    return quotas_reset_weekly()


@shared_task(name="media_library.maintenance", queue_name=Queue.MEDIA)
def media_maintenance_task() -> dict:
    """Hourly: re-queue videos stuck by a dead worker, free abandoned resumable uploads."""
    return {"requeued": videos_requeue_stuck(), "expired_uploads": upload_sessions_expire()}


@shared_task(name="media_library.resend_unqueued", queue_name=Queue.DEFAULT, ignore_result=True)
def resend_unqueued_task() -> int | None:
    """Every minute: pending videos whose processing message the broker lost or never got."""
    return videos_resend_unqueued()
