"""Processing: probe, transcode (or remux) and thumbnail a video; re-queue what a dead worker
left behind."""

import datetime as dt
import logging
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from celery_app.broker import queued_task_ids
from filmstudio import files
from filmstudio.outage import OUTAGE_ERRORS
from filmstudio.selectors import site_config_get

from ..models import Video
from ..probe import ProbeError, probe_video
from ..transcode import TranscodeError, transcode

logger = logging.getLogger(__name__)


def processing_task_id(video_id: int) -> str:
    """The processing task of a video has a fixed id, so the sweeper can ask the broker
    whether the video's message is still there (celery_app.broker)."""
    return f"video-process-{video_id}"


def _send_processing(video_id: int) -> bool:
    """Publish the processing task; False (logged) when the broker cannot be reached: the
    video stays pending and `videos_resend_unqueued` sends it once the broker is back."""
    from ..tasks import video_process_task  # the tasks import the services

    try:
        video_process_task.apply_async(args=[video_id], task_id=processing_task_id(video_id))
    except OUTAGE_ERRORS as exc:
        logger.error("Could not queue processing of video %s: %s", video_id, exc)
        return False
    return True


def video_processing_enqueue(video: Video) -> None:
    """Queue the video's processing once the current transaction commits: the worker must
    find the row (and never process a rolled-back one). Never raises into the request: the
    row is committed by then, and a broker outage only delays the processing."""
    transaction.on_commit(lambda: _send_processing(video.id))


def videos_resend_unqueued(*, now: dt.datetime | None = None) -> int | None:
    """Send again the processing of pending videos older than MEDIA_RESEND_AFTER seconds
    whose message the broker does not hold (it was down when they were saved, or lost them
    in a restart). None when the broker cannot be read (nothing is decided then); else how
    many were sent. A video sent twice is processed once (its claim is conditional)."""
    now = now or timezone.now()
    waiting = list(
        Video.objects.filter(
            status=Video.Status.PENDING,
            created_at__lt=now - dt.timedelta(seconds=settings.MEDIA_RESEND_AFTER),
        ).values_list("id", flat=True)[:500]
    )
    if not waiting:
        return 0
    held = queued_task_ids()
    if held is None:
        return None
    lost = [video_id for video_id in waiting if processing_task_id(video_id) not in held]
    return sum(_send_processing(video_id) for video_id in lost)


def video_process(*, video_id: int) -> Video | None:
    """Probe, transcode (or remux) and thumbnail a pending video; idempotent.

    Claims the video with a conditional update (pending → processing, or a processing claim
    older than the task time limit, left by a dead worker, while it has attempts left);
    does nothing if another worker holds it, it is finished, or it was deleted. Ends
    `completed` with every rendition, thumbnail, duration and stream info stored, or
    `failed` with the error. The original is
    removed afterwards unless the site keeps originals. Returns the video, or None if it
    was not claimed."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.MEDIA_TASK_TIME_LIMIT)
    claimable = Video.objects.filter(id=video_id).filter(_pending_or_stale(stale))
    claimed = claimable.update(
        status=Video.Status.PROCESSING,
        processing_started_at=now,
        processing_attempts=F("processing_attempts") + 1,
        error="",
    )
    if not claimed:
        return None
    video = Video.objects.get(id=video_id)
    workdir = Path(tempfile.mkdtemp(prefix=f"video-{video.id}-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    stored: list[str] = []
    try:
        with files.local_copy(video.original.name) as source:
            probe = probe_video(source)
            outputs, thumb = transcode(source=source, probe=probe, workdir=workdir)
        updates: dict = {"duration": probe.duration, "stream_info": probe.stream_info()}
        total = 0
        renditions = {}
        for rendition, path in outputs.items():
            total += path.stat().st_size
            name = files.storage_save_local_file(
                path=path, name=f"videos/{video.key}/{rendition}.mp4"
            )
            stored.append(name)
            updates[f"rendition_{rendition}"] = name
            renditions[rendition] = {"copy": rendition == next(iter(outputs)) and probe.web_ready}
        total += thumb.stat().st_size
        name = files.storage_save_local_file(path=thumb, name=f"videos/{video.key}/thumbnail.jpg")
        stored.append(name)
        updates["thumbnail"] = name
        updates["stream_info"]["renditions"] = renditions
        updates["stream_info"]["remuxed"] = probe.web_ready
        keep = site_config_get().keep_originals
        updates["storage_bytes"] = total + (video.original_size if keep else 0)
        if not keep:
            updates["original"] = ""
        finished = Video.objects.filter(id=video.id, status=Video.Status.PROCESSING).update(
            status=Video.Status.COMPLETED, updated_at=timezone.now(), **updates
        )
        if not finished:
            # Deleted (or reclaimed) while we worked: what we stored belongs to nobody.
            files.storage_delete_many(stored)
            return None
        if not keep:
            default_storage.delete(video.original.name)
    except (ProbeError, TranscodeError, OSError) as exc:
        logger.warning("Video %s failed to process: %s", video.id, exc)
        files.storage_delete_many(stored)
        Video.objects.filter(id=video.id, status=Video.Status.PROCESSING).update(
            status=Video.Status.FAILED, error=str(exc)[:2000], updated_at=timezone.now()
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    video.refresh_from_db()
    return video


def _pending_or_stale(stale: dt.datetime) -> Q:
    return Q(status=Video.Status.PENDING) | Q(
        status=Video.Status.PROCESSING,
        processing_started_at__lt=stale,
        processing_attempts__lt=settings.MEDIA_MAX_PROCESSING_ATTEMPTS,
    )


def videos_requeue_stuck() -> int:
    """Re-queue videos whose processing claim outlived the task time limit (worker died)
    and pending videos nobody picked up for as long; fail, instead, stale claims that have
    used MEDIA_MAX_PROCESSING_ATTEMPTS (the file keeps killing or outrunning the worker).

    Idempotent: a failure is a conditional update (only a still-stale claim is failed) and a
    re-queued video is claimed by one worker at most. Returns how many were re-queued."""
    from ..tasks import video_process_task

    stale = timezone.now() - dt.timedelta(seconds=settings.MEDIA_TASK_TIME_LIMIT)
    attempts = settings.MEDIA_MAX_PROCESSING_ATTEMPTS
    Video.objects.filter(
        status=Video.Status.PROCESSING,
        processing_started_at__lt=stale,
        processing_attempts__gte=attempts,
    ).update(
        status=Video.Status.FAILED,
        error=f"Processing did not finish in {attempts} attempts (time limit or worker crash).",
        updated_at=timezone.now(),
    )
    ids = list(
        Video.objects.filter(_pending_or_stale(stale))
        .filter(created_at__lt=stale)
        .values_list("id", flat=True)[:500]
    )
    for video_id in ids:
        video_process_task.apply_async(args=[video_id], task_id=processing_task_id(video_id))
    return len(ids)
