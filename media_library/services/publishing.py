"""Publishing a pipeline film into the library."""

from pathlib import Path

from django.core.files.storage import default_storage
from django.db import IntegrityError

from projects.selectors import film_asset

from ..errors import AlreadyPublished, NoFilm
from ..models import Category, Video
from .quota import quota_release, quota_reserve
from .uploads import upload_check_size, video_save_pending


def video_publish_film(
    *, user, project, title: str = "", description: str = "", category: Category | None = None
) -> Video:
    """Publish the project's latest finished film into the library without re-uploading:
    the stored film is copied storage-to-storage and goes through the normal processing,
    where (being H.264/AAC MP4 already) it is remuxed, not re-encoded. The copy counts
    against the weekly quota like an upload. Raises NoFilm if the project has no film and
    AlreadyPublished if that film was published before (both 409)."""
    asset = film_asset(project_id=project.pk)
    if asset is None:
        raise NoFilm()
    if Video.objects.filter(source_asset=asset).exists():
        raise AlreadyPublished()
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
        video_save_pending(video=video, original=stored, size=size)
    except IntegrityError as exc:
        default_storage.delete(stored)
        quota_release(user=user, nbytes=size, week=week)
        raise AlreadyPublished() from exc
    return video
