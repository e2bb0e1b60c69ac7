"""Every write of the media library: uploads, processing, publishing, edits, deletes."""

import contextlib
import datetime as dt
import logging
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from filmstudio.errors import Conflict, NotFound

from . import files
from .errors import FileTooLarge, UnsupportedMedia
from .models import Category, SiteConfig, Video
from .probe import ProbeError, probe_video
from .quota import quota_release, quota_reserve
from .selectors import site_config_get
from .transcode import TranscodeError, transcode

logger = logging.getLogger(__name__)


# --- Uploads ---------------------------------------------------------------------------------


def upload_check_size(*, declared_size: int) -> None:
    """Refuse (413) a declared size above the site's maximum, before any byte is read."""
    limit = site_config_get().max_file_size_bytes
    if declared_size > limit:
        raise FileTooLarge(f"The file is {declared_size} bytes; this site accepts {limit} at most.")


def video_create_from_local_file(
    *,
    user,
    path: str,
    size: int,
    title: str,
    description: str = "",
    category: Category | None = None,
    original_filename: str = "",
    quota_week: dt.date,
) -> Video:
    """Turn a complete local upload into a pending Video and queue its processing.

    The caller has reserved `size` bytes of quota in `quota_week`. Promises: if the file is
    refused (empty, too large, not a supported video) the local file is deleted, the
    reservation is released and UnsupportedMedia/FileTooLarge is raised; if accepted, the
    file is moved into storage under a server-made key before the row is committed."""
    try:
        if size <= 0:
            raise UnsupportedMedia("The file is empty.")
        upload_check_size(declared_size=size)
        try:
            probe = probe_video(path)
        except ProbeError as exc:
            raise UnsupportedMedia(f"Not a supported video: {exc}") from exc
    except Exception:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        quota_release(user=user, nbytes=size, week=quota_week)
        raise

    video = Video(
        title=title,
        description=description,
        category=category,
        uploaded_by=user,
        original_filename=original_filename[:255],
        original_size=size,
        duration=probe.duration,
        stream_info=probe.stream_info(),
    )
    stored = ""
    try:
        stored = files.storage_save_local_file(
            path=path, name=f"videos/{video.key}/original.{probe.container}"
        )
        with transaction.atomic():
            video.original.name = stored
            video.storage_bytes = size
            video.save()
            _enqueue_processing(video)
    except Exception:
        # Storage down or the row refused: no object, temp file or reservation stays behind.
        if stored:
            default_storage.delete(stored)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        quota_release(user=user, nbytes=size, week=quota_week)
        raise
    return video


def _enqueue_processing(video: Video) -> None:
    from .tasks import video_process_task

    # After commit: the worker must find the row (and never process a rolled-back one).
    transaction.on_commit(lambda: video_process_task.delay(video.id))


# --- Processing ------------------------------------------------------------------------------


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
    from .tasks import video_process_task

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
        video_process_task.delay(video_id)
    return len(ids)


# --- Publishing a pipeline film --------------------------------------------------------------


def video_publish_film(
    *, user, project, title: str = "", description: str = "", category: Category | None = None
) -> Video:
    """Publish the project's latest finished film into the library without re-uploading:
    the stored film is copied storage-to-storage and goes through the normal processing,
    where (being H.264/AAC MP4 already) it is remuxed, not re-encoded. The copy counts
    against the weekly quota like an upload. Raises Conflict if the project has no film or
    that film was already published."""
    from projects.models import Asset

    asset = (
        Asset.objects.filter(project=project, kind=Asset.Kind.FILM)
        .exclude(file="")
        .order_by("-created_at", "-id")
        .first()
    )
    if asset is None:
        raise Conflict("This project has no finished film yet.", code="no_film")
    if Video.objects.filter(source_asset=asset).exists():
        raise Conflict("This film is already published.", code="already_published")
    size = asset.size or asset.file.size
    upload_check_size(declared_size=size)
    week = quota_reserve(user=user, nbytes=size)
    video = Video(
        title=title or project.title,
        description=description or project.description,
        category=category,
        uploaded_by=user,
        original_filename=Path(asset.file.name).name,
        original_size=size,
        source_asset=asset,
    )
    try:
        with default_storage.open(asset.file.name, "rb") as source:
            stored = default_storage.save(f"videos/{video.key}/original.mp4", source)
    except Exception:
        quota_release(user=user, nbytes=size, week=week)
        raise
    try:
        with transaction.atomic():
            video.original.name = stored
            video.storage_bytes = size
            video.save()
            _enqueue_processing(video)
    except IntegrityError as exc:
        default_storage.delete(stored)
        quota_release(user=user, nbytes=size, week=week)
        raise Conflict("This film is already published.", code="already_published") from exc
    return video


# --- Edits and deletes -----------------------------------------------------------------------


def video_update(*, video: Video, data: dict) -> Video:
    """Change title, description or category (only those)."""
    for field in ("title", "description", "category"):
        if field in data:
            setattr(video, field, data[field])
    video.save(
        update_fields=[f for f in ("title", "description", "category") if f in data]
        + ["updated_at"]
    )
    return video


def video_delete(*, video: Video) -> None:
    """Delete the video and, once that is committed, every file it has in storage."""
    names = video.stored_names()
    prefix_dir = f"videos/{video.key}"
    video.delete()

    def remove_files() -> None:
        files.storage_delete_many(names)
        # Also whatever the row no longer names: outputs of a run that died before recording
        # them (its retry stored new, suffixed keys) live under the same server-made prefix.
        files.storage_delete_prefix(prefix_dir)
        local = files.storage_local_path(prefix_dir)
        if local:
            with contextlib.suppress(OSError):
                os.rmdir(local)

    transaction.on_commit(remove_files)


def video_register_view(*, video_id: int) -> int:
    """Count one view with an atomic increment; return the new count."""
    updated = Video.objects.filter(id=video_id, status=Video.Status.COMPLETED).update(
        view_count=F("view_count") + 1
    )
    if not updated:
        raise NotFound()
    return Video.objects.values_list("view_count", flat=True).get(id=video_id)


# --- Categories ------------------------------------------------------------------------------


def _unique_slug(name: str, *, exclude_id: int | None = None) -> str:
    base = slugify(name)[:100] or "category"
    taken = set(
        Category.objects.filter(slug__startswith=base)
        .exclude(id=exclude_id)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def category_create(*, name: str, created_by=None) -> Category:
    """Create a category; its slug comes from the name and is made unique (-2, -3...)."""
    for _ in range(3):  # a parallel create may take the same slug between read and insert
        try:
            with transaction.atomic():
                return Category.objects.create(
                    name=name, slug=_unique_slug(name), created_by=created_by
                )
        except IntegrityError as exc:
            if Category.objects.filter(name=name).exists():
                raise Conflict("A category with this name exists.", code="duplicate") from exc
    raise Conflict("Could not allocate a unique slug; try again.", code="duplicate")


def category_update(*, category: Category, name: str) -> Category:
    if Category.objects.filter(name=name).exclude(id=category.id).exists():
        raise Conflict("A category with this name exists.", code="duplicate")
    category.name = name
    category.slug = _unique_slug(name, exclude_id=category.id)
    category.save(update_fields=["name", "slug"])
    return category


def category_delete(*, category: Category) -> None:
    """Delete the category; its videos stay, uncategorised."""
    category.delete()


# --- Site config -----------------------------------------------------------------------------


def site_config_update(*, data: dict, user) -> SiteConfig:
    config = site_config_get()
    for field, value in data.items():
        setattr(config, field, value)
    config.updated_by = user
    config.save()
    return config
