"""The lower renditions of a web-ready video, encoded after it became playable.

`video_process` stores a web-ready upload's remux and completes the video at once, leaving
its lower renditions in `renditions_pending`; `video_renditions_process` (a second task on
the media queue) encodes them from the stored remux and records each one as it lands. Its
claim is conditional like processing's, so a re-run or a duplicate message does nothing
twice and a killed worker's claim is taken again by the sweeper once it is stale."""

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

from filmstudio import files
from filmstudio.outage import OUTAGE_ERRORS

from ..models import Video
from ..probe import ProbeError, probe_video
from ..transcode import TranscodeError, encode_rendition

logger = logging.getLogger(__name__)


def renditions_task_id(video_id: int) -> str:
    """Fixed, so the sweeper can ask the broker whether the message is still there."""
    return f"video-renditions-{video_id}"


def publish(task, video_id: int, *, task_id: str, what: str) -> bool:
    """Send a video's task under its fixed id; False (logged) when the broker cannot be
    reached: nothing is lost, `videos_resend_unqueued` sends it once the broker is back."""
    try:
        task.apply_async(args=[video_id], task_id=task_id)
    except OUTAGE_ERRORS as exc:
        logger.error("Could not queue %s of video %s: %s", what, video_id, exc)
        return False
    return True


def send_renditions(video_id: int) -> bool:
    """Publish the renditions task (the video stays playable meanwhile)."""
    from ..tasks import video_renditions_task  # the tasks import the services

    return publish(
        video_renditions_task, video_id, task_id=renditions_task_id(video_id), what="renditions"
    )


def _following() -> Q:
    """Completed videos with renditions still to encode."""
    return Q(status=Video.Status.COMPLETED) & ~Q(renditions_pending=[])


def _claimable(stale: dt.datetime) -> Q:
    return _following() & (
        Q(renditions_started_at__isnull=True)
        | Q(
            renditions_started_at__lt=stale,
            renditions_attempts__lt=settings.MEDIA_MAX_PROCESSING_ATTEMPTS,
        )
    )


def renditions_waiting(*, since: dt.datetime) -> list[int]:
    """Videos completed before `since` whose renditions task has not started yet."""
    return list(
        Video.objects.filter(_following(), renditions_started_at__isnull=True)
        .filter(processing_started_at__lt=since)
        .values_list("id", flat=True)[:500]
    )


def _record(*, video_id: int, claim: dt.datetime, rendition: str, name: str, size: int) -> bool:
    """Record one landed rendition while the claim is still ours; False if it is not (the
    video was deleted, or its stale claim was taken by another worker)."""
    with transaction.atomic():
        video = (
            Video.objects.select_for_update()
            .filter(id=video_id, renditions_started_at=claim, status=Video.Status.COMPLETED)
            .first()
        )
        if video is None:
            return False
        setattr(video, f"rendition_{rendition}", name)
        video.renditions_pending = [r for r in video.renditions_pending if r != rendition]
        video.storage_bytes += size
        video.stream_info.setdefault("renditions", {})[rendition] = {"copy": False}
        fields = ["renditions_pending", "storage_bytes", "stream_info", "updated_at"]
        video.save(update_fields=[f"rendition_{rendition}", *fields])
    return True


def _give_up(video_id: int, claim: dt.datetime, reason: str) -> None:
    """The remaining renditions cannot be made: the video stays playable without them."""
    with transaction.atomic():
        video = (
            Video.objects.select_for_update()
            .filter(id=video_id, renditions_started_at=claim)
            .first()
        )
        if video is None:
            return
        video.stream_info["renditions_error"] = reason[:2000]
        video.renditions_pending = []
        video.save(update_fields=["renditions_pending", "stream_info", "updated_at"])


def video_renditions_process(*, video_id: int) -> Video | None:
    """Encode a completed video's pending renditions from its stored top rendition, best
    first, recording each as it lands; idempotent. Returns the video, or None if it was not
    claimed (nothing pending, another worker holds it, or it was deleted)."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.MEDIA_TASK_TIME_LIMIT)
    claimed = (
        Video.objects.filter(id=video_id)
        .filter(_claimable(stale))
        .update(renditions_started_at=now, renditions_attempts=F("renditions_attempts") + 1)
    )
    if not claimed:
        return None
    video = Video.objects.get(id=video_id)
    top = video.available_renditions[0]
    workdir = Path(tempfile.mkdtemp(prefix=f"video-{video.id}-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    try:
        with files.local_copy(video.rendition_file(top).name) as source:
            probe = probe_video(source)
            for rendition in list(video.renditions_pending):
                output = workdir / f"{rendition}.mp4"
                encode_rendition(source=source, probe=probe, rendition=rendition, output=output)
                size = output.stat().st_size
                name = files.storage_save_local_file(
                    path=output, name=f"videos/{video.key}/{rendition}.mp4"
                )
                if not _record(
                    video_id=video.id, claim=now, rendition=rendition, name=name, size=size
                ):
                    default_storage.delete(name)  # belongs to nobody (or to a newer claim)
                    return None
    except (ProbeError, TranscodeError, OSError) as exc:
        logger.warning("Video %s: lower renditions failed: %s", video.id, exc)
        _give_up(video.id, now, str(exc))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    video.refresh_from_db()
    return video


def renditions_requeue_stuck() -> int:
    """Re-queue renditions whose claim outlived the task time limit (worker died) or that
    nobody picked up for as long; give up (the video stays playable without them) on claims
    that used MEDIA_MAX_PROCESSING_ATTEMPTS. Returns how many were re-queued."""
    from ..tasks import video_renditions_task

    stale = timezone.now() - dt.timedelta(seconds=settings.MEDIA_TASK_TIME_LIMIT)
    attempts = settings.MEDIA_MAX_PROCESSING_ATTEMPTS
    exhausted = Video.objects.filter(
        _following(), renditions_started_at__lt=stale, renditions_attempts__gte=attempts
    ).values_list("id", "renditions_started_at")
    for video_id, claim in list(exhausted[:500]):
        _give_up(video_id, claim, f"Renditions did not finish in {attempts} attempts.")
    ids = list(
        Video.objects.filter(_claimable(stale))
        .filter(processing_started_at__lt=stale)
        .values_list("id", flat=True)[:500]
    )
    for video_id in ids:
        video_renditions_task.apply_async(args=[video_id], task_id=renditions_task_id(video_id))
    return len(ids)
