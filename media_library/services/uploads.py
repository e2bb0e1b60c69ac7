"""Uploads: a complete file on local disk becomes a pending Video, its processing queued."""

import contextlib
import datetime as dt
import os
from collections.abc import Callable

from django.core.files.storage import default_storage
from django.db import transaction

from filmstudio import files
from filmstudio.selectors import site_config_get

from ..errors import FileTooLarge, UnsupportedMedia
from ..models import Category, Video
from ..probe import ProbeError, probe_video
from .processing import video_processing_enqueue
from .quota import quota_release, quota_reserve, quota_true_up

# Multipart framing (boundaries, part headers) and the text fields ride along with the file
# in Content-Length. Before the body is read, the size check and the quota reservation use
# Content-Length minus this allowance, so a user within a few KB of the limit is not refused
# for bytes that are not the file; once the exact file size is known the reservation is trued
# up atomically, so the quota itself is exact. The allowance only bounds how much body an
# upload that will be refused may send first. 64 KiB covers framing and a long description.
MULTIPART_SLACK = 64 * 1024


def upload_check_size(*, declared_size: int) -> None:
    """Refuse (413) a declared size above the site's maximum, before any byte is read."""
    limit = site_config_get().max_file_size_bytes
    if declared_size > limit:
        raise FileTooLarge(f"The file is {declared_size} bytes; this site accepts {limit} at most.")


def video_save_pending(*, video: Video, original: str, size: int) -> None:
    """Save a new video whose original is stored under `original` (`size` bytes) and queue
    its processing, which starts once the row is committed."""
    with transaction.atomic():
        video.original.name = original
        video.storage_bytes = size
        video.save()
        video_processing_enqueue(video)


def video_upload(*, user, content_length: int, receive: Callable[[], dict]) -> Video:
    """A multipart upload (POST /videos), from its declared size to a pending Video.

    Before a byte of the body is read, the declared size (`content_length` less the
    multipart allowance) is checked against the site maximum (413) and reserved against the
    weekly quota (429). `receive` then reads and validates the body, returning the form's
    data: a `file` spooled to a temporary file on disk, `title`, `description`, `category`.
    The reservation is trued up to the file's exact size; on any failure it is released.
    The rest is `video_create_from_local_file`'s promise.
    """
    reserved = max(0, content_length - MULTIPART_SLACK)
    upload_check_size(declared_size=reserved)
    week = quota_reserve(user=user, nbytes=reserved)
    try:
        data = receive()
        upload = data["file"]
        if not hasattr(upload, "temporary_file_path"):
            raise UnsupportedMedia("The upload did not arrive as a file.")
        quota_true_up(user=user, reserved=reserved, actual=upload.size, week=week)
    except Exception:
        quota_release(user=user, nbytes=reserved, week=week)
        raise
    return video_create_from_local_file(
        user=user,
        path=upload.temporary_file_path(),
        size=upload.size,
        title=data["title"],
        description=data["description"],
        category=data["category"],
        original_filename=upload.name or "",
        quota_week=week,
    )


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
        video_save_pending(video=video, original=stored, size=size)
    except Exception:
        # Storage down or the row refused: no object, temp file or reservation stays behind.
        if stored:
            default_storage.delete(stored)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        quota_release(user=user, nbytes=size, week=quota_week)
        raise
    return video
