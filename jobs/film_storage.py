"""The film engine's shared store on Django storage: S3 in production, local files by default.

Every film stage reads its inputs from and leaves its outputs in the configured storage
(`default_storage`), under `film/`:

- `film/cache/<kind>/<xx>/<key><suffix>`: render-cache entries (stills, line audio, clips,
  mixes), named by the same hash of their inputs the cache always used (film/cache.py);
- `film/jobs/<id>/manifest.json` and `film/jobs/<id>/<sha256><suffix>`: a job's portable
  manifest and its work files (film/shared.py).

So workers on different hosts share nothing but PostgreSQL, Redis and storage;
`FILM_WORK_DIR` is scratch, and `FILM_CACHE_DIR` a bounded local tier in front of the store
(`FILM_LOCAL_CACHE_MAX_BYTES`, least recently used out first).
"""

import contextlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from film import shared
from film.cache import FileCache
from filmstudio.files import storage_download

from .film_config import film_cache_dir

PREFIX = "film"


class StorageShare:
    """`film.cache.SharedStore` on a Django storage (names under `film/`)."""

    def __init__(self, storage=None) -> None:
        self.storage = storage or default_storage

    def key(self, name: str) -> str:
        return f"{PREFIX}/{name}"

    def fetch(self, name: str, dest: Path) -> bool:
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-fetch-", suffix=dest.suffix)
        try:
            with os.fdopen(fd, "wb") as out:
                try:
                    storage_download(self.key(name), out, self.storage)
                except FileNotFoundError:
                    return False
            os.replace(tmp, dest)  # whole or not at all: a reader never sees a partial file
            return True
        finally:
            Path(tmp).unlink(missing_ok=True)

    def put(self, name: str, src: Path) -> None:
        if not self.storage.exists(self.key(name)):
            with open(src, "rb") as handle:
                self.storage.save(self.key(name), File(handle))

    def replace(self, name: str, src: Path) -> None:
        # The one writer of a job's manifest is the stage running it (stages run one by one).
        self.storage.delete(self.key(name))
        with open(src, "rb") as handle:
            self.storage.save(self.key(name), File(handle))


def film_share() -> StorageShare:
    return StorageShare()


def film_cache() -> FileCache:
    """This host's render cache in front of the shared store."""
    return FileCache(film_cache_dir(), shared=film_share())


def job_folder(job_id: int) -> str:
    return f"jobs/{job_id}"


def workspace_pull(*, job_id: int, work_dir: Path) -> bool:
    """Bring the job's work dir up to date from storage (the stage before may have run on
    another host); False when storage holds nothing of it yet."""
    return shared.pull(
        work_dir=work_dir, cache=film_cache(), store=film_share(), folder=job_folder(job_id)
    )


def workspace_push(*, job_id: int, work_dir: Path) -> None:
    """Leave the job's work dir in storage for the next stage, wherever it runs, and keep this
    host's cache within its size."""
    cache = film_cache()
    shared.push(work_dir=work_dir, cache=cache, store=film_share(), folder=job_folder(job_id))
    cache.trim(
        max_bytes=settings.FILM_LOCAL_CACHE_MAX_BYTES,
        keep_recent=settings.FILM_LOCAL_CACHE_KEEP_SECONDS,
    )


def workspace_forget(*, job_id: int) -> None:
    """Delete the job's folder in storage (its manifest and work files)."""
    storage, folder = default_storage, f"{PREFIX}/{job_folder(job_id)}"
    with contextlib.suppress(FileNotFoundError):
        for name in storage.listdir(folder)[1]:
            storage.delete(f"{folder}/{name}")


def stored_workspaces() -> list[int]:
    """The ids of the jobs that have a folder in storage."""
    try:
        folders = default_storage.listdir(f"{PREFIX}/jobs")[0]
    except FileNotFoundError:
        return []
    return [int(name) for name in folders if name.isdigit()]
