"""Edits, deletes and views of library videos."""

import contextlib
import os

from django.db import transaction
from django.db.models import F

from filmstudio import files
from filmstudio.errors import NotFound
from filmstudio.services import model_update

from ..models import Video


def video_update(*, video: Video, data: dict) -> Video:
    """Change title, description or category (only those)."""
    return model_update(instance=video, fields=["title", "description", "category"], data=data)[0]


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


def videos_erase_uploader(*, user) -> None:
    """A deleted account's videos go, files and all (they are the person's own work)."""
    for video in Video.objects.filter(uploaded_by=user):
        video_delete(video=video)
