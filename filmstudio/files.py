"""Moving bytes between local temp files and Django storage (local disk or S3)."""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage

COPY_CHUNK = 1024 * 1024


def storage_local_path(name: str, storage: Storage = default_storage) -> str | None:
    """The local path of a stored file, or None when the storage is remote (S3)."""
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


class _MovableFile(File):
    """A local file FileSystemStorage may move into place instead of copying (same as an
    uploaded temp file); remote storages just read it in chunks."""

    def temporary_file_path(self) -> str:
        return self.file.name


def storage_save_local_file(
    *, path: str | Path, name: str, storage: Storage = default_storage, move: bool = True
) -> str:
    """Store a local file under `name`; return the key the storage chose. With `move`, the
    local file is consumed (moved on local storage, deleted after upload on S3)."""
    with open(path, "rb") as handle:
        wrapper = _MovableFile(handle) if move else File(handle)
        stored = storage.save(name, wrapper)
    if move and os.path.exists(path):
        os.unlink(path)
    return stored


def storage_download(name: str, out: BinaryIO, storage: Storage = default_storage) -> None:
    """Copy a stored file into the open file `out`, holding only a chunk at a time. An S3
    object is streamed from one GET straight into `out` (django-storages' own file would
    download it whole into a temp file first, and boto3's parallel download holds several
    8 MB parts). FileNotFoundError when it is not stored."""
    with storage.open(name, "rb") as src:
        obj = getattr(src, "obj", None)  # django-storages' S3File names its boto3 object
        if obj is None:
            shutil.copyfileobj(src, out, COPY_CHUNK)
            return
        body = obj.get()["Body"]
        try:
            for chunk in body.iter_chunks(COPY_CHUNK):
                out.write(chunk)
        finally:
            body.close()


@contextlib.contextmanager
def local_copy(name: str, storage: Storage = default_storage) -> Iterator[str]:
    """A local path for a stored file: the file itself on local storage, else a temp copy
    downloaded in chunks (deleted afterwards). ffmpeg only ever sees local files."""
    local = storage_local_path(name, storage)
    if local is not None:
        yield local
        return
    suffix = Path(name).suffix
    fd, temp = tempfile.mkstemp(suffix=suffix, dir=settings.FILE_UPLOAD_TEMP_DIR)
    try:
        with os.fdopen(fd, "wb") as out:
            storage_download(name, out, storage)
        yield temp
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def storage_delete_many(names: list[str], storage: Storage = default_storage) -> None:
    for name in names:
        if name:
            storage.delete(name)


def storage_delete_prefix(prefix: str, storage: Storage = default_storage) -> None:
    """Delete every file directly under `prefix/` (a video's keys are never nested deeper)."""
    try:
        _, names = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in names:
        storage.delete(f"{prefix}/{name}")


def storage_walk(prefix: str, storage: Storage = default_storage) -> Iterator[str]:
    """Every file name under `prefix/`, at any depth (local disk and S3 alike)."""
    try:
        directories, names = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in names:
        yield f"{prefix}/{name}"
    for directory in directories:
        yield from storage_walk(f"{prefix}/{directory}", storage)
