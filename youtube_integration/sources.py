"""The files an upload publishes, read from storage (local or S3): the video, its thumbnail
and its captions, from a project's film assets or a library video."""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import Storage

from .errors import YouTubeError
from .models import Upload

CAPTION_TYPES = {".srt": "application/x-subrip", ".vtt": "text/vtt"}


class RangedReader(io.RawIOBase):
    """A seekable, read-only view of an S3 object that fetches only the bytes read, a window
    (one upload chunk) per ranged GET. django-storages' own S3File downloads the whole object
    into memory on the first read (its spool never rolls over to disk by default): a film of
    a few GB would sit in the worker's RAM and be fetched again after every crash. Read through
    this, the uploader holds one chunk and a resumed upload fetches from Google's offset on."""

    def __init__(self, obj, *, size: int, window: int):
        super().__init__()
        self._obj, self._size, self._window = obj, size, window
        self._pos = 0
        self._buffer, self._buffer_start = b"", 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, target) -> int:
        """Fill `target` (short only at the end of the object)."""
        done = 0
        while done < len(target) and self._pos < self._size:
            offset = self._pos - self._buffer_start
            if not 0 <= offset < len(self._buffer):
                end = min(self._size, self._pos + max(len(target) - done, self._window))
                reply = self._obj.get(Range=f"bytes={self._pos}-{end - 1}")
                self._buffer, self._buffer_start, offset = reply["Body"].read(), self._pos, 0
                if not self._buffer:
                    raise OSError(f"Storage returned no bytes at offset {self._pos}.")
            count = min(len(target) - done, len(self._buffer) - offset)
            target[done : done + count] = self._buffer[offset : offset + count]
            done += count
            self._pos += count
        return done


@dataclass(frozen=True)
class SourceFile:
    storage: Storage
    name: str
    size: int
    content_type: str

    def open(self):
        """The file, ready to read: the storage's own file, or a RangedReader for a file on
        S3 (django-storages' S3File, opened without downloading, names its boto3 object)."""
        handle = self.storage.open(self.name, "rb")
        obj = getattr(handle, "obj", None)
        if obj is None:
            return handle
        handle.close()
        return RangedReader(obj, size=self.size, window=settings.YOUTUBE_UPLOAD_CHUNK_SIZE)


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
