"""The files an upload publishes, read from storage (local or S3): the video, its thumbnail
and its captions, from a project's film assets or a library video."""

from dataclasses import dataclass

from django.core.files.storage import Storage

from .errors import YouTubeError
from .models import Upload

CAPTION_TYPES = {".srt": "application/x-subrip", ".vtt": "text/vtt"}


@dataclass(frozen=True)
class SourceFile:
    storage: Storage
    name: str
    size: int
    content_type: str

    def open(self):
        return self.storage.open(self.name, "rb")


def _source(field, content_type: str) -> SourceFile | None:
    if not field or not field.name or not field.storage.exists(field.name):
        return None
    return SourceFile(field.storage, field.name, field.storage.size(field.name), content_type)


def _library_video_file(upload: Upload) -> SourceFile | None:
    video = upload.video
    # The original when it was kept (what the creator made), else the largest rendition.
    renditions = (video.rendition_1080p, video.rendition_720p, video.rendition_480p)
    for field in (video.original, *renditions):
        found = _source(field, "video/*" if field is video.original else "video/mp4")
        if found is not None:
            return found
    return None


def source_file(upload: Upload) -> SourceFile:
    """The video file to send; YouTubeError if it is gone from storage."""
    found = None
    if upload.film_id:
        found = _source(upload.film.file, upload.film.content_type or "video/mp4")
    elif upload.video_id:
        found = _library_video_file(upload)
    if found is None or found.size == 0:
        raise YouTubeError("The video file to publish is no longer in storage.", code="source_gone")
    return found


def thumbnail_file(upload: Upload) -> SourceFile | None:
    if not upload.attach_thumbnail:
        return None
    if upload.thumbnail_id:
        return _source(upload.thumbnail.file, upload.thumbnail.content_type or "image/jpeg")
    if upload.video_id:
        return _source(upload.video.thumbnail, "image/jpeg")
    return None


def captions_file(upload: Upload) -> SourceFile | None:
    if not upload.captions_id:
        return None
    name = upload.captions.file.name or ""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    content_type = upload.captions.content_type or CAPTION_TYPES.get(suffix, "text/plain")
    return _source(upload.captions.file, content_type)
