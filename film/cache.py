"""Content-addressed, on-disk cache for per-shot work (stills, line audio, clips).

An entry's key is the SHA-256 of the JSON of everything that determines its bytes (text,
voice, provider name and version, size, fps, encoder settings, keys of the entries it was made
from), so a changed input is simply a different file and nothing is ever invalidated by hand.
Entries are written to a temporary file in the same directory and moved into place with
`os.replace`, so a crash never leaves a half-written entry under its final name.

With a `SharedStore` (object storage, handed in by the caller) the folder is a host's local
tier in front of the shared one: a local miss is fetched from the store before anything is
made, and whatever is made is put there, so a worker on any host reuses another's work. The
local tier is then only a cache of the store, kept within a size by `trim` (LRU by mtime).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol


class SharedStore(Protocol):
    """Object storage shared by every worker, addressed by names like `cache/clip/ab/ab12.h264`.

    `put` is for content-addressed names (the same name, the same bytes), so a put that finds
    the name taken may skip; `replace` for the one mutable file of a film, its manifest."""

    def fetch(self, name: str, dest: Path) -> bool:
        """Copy `name` to `dest` (written whole or not at all); False if there is none."""

    def put(self, name: str, src: Path) -> None:
        """Store the file `src` under `name` (nothing if the name is taken)."""

    def replace(self, name: str, src: Path) -> None:
        """Store the file `src` under `name`, replacing what was there (a manifest)."""


def cache_key(inputs: dict[str, Any]) -> str:
    """Stable hash of JSON-serialisable inputs."""
    payload = json.dumps(inputs, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


class FileCache:
    """Files keyed by `cache_key`; counts hits and misses per kind for the manifest/tests."""

    def __init__(self, root: Path, shared: SharedStore | None = None) -> None:
        self.root = Path(root)
        self.shared = shared
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()

    def path_for(self, kind: str, key: str, suffix: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{suffix}"

    def shared_name(self, path: Path) -> str:
        """The store's name for a local entry: `cache/<kind>/<xx>/<key><suffix>`."""
        return "cache/" + Path(path).relative_to(self.root).as_posix()

    def get_or_create(
        self,
        kind: str,
        inputs: dict[str, Any],
        suffix: str,
        make: Callable[[Path], None],
        *,
        companions: tuple[str, ...] = (),
    ) -> tuple[Path, bool]:
        """Return (path, was_cached). On a miss (here and in the shared store) `make(tmp_path)`
        writes the file, which is then moved into place atomically and put in the store; if
        `make` raises, nothing is left behind. `companions` are suffixes of files `make` writes
        beside the entry (same key), which travel with it."""
        key = cache_key({"kind": kind, **inputs})
        final = self.path_for(kind, key, suffix)
        extras = [self.path_for(kind, key, extra) for extra in companions]
        if self.materialise(final, companions=extras):
            self.hits[kind] += 1
            return final, True
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=final.parent, prefix=".tmp-", suffix=suffix)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            make(tmp)
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        if self.shared is not None:
            for path in [*extras, final]:
                if path.exists():
                    self.shared.put(self.shared_name(path), path)
        self.misses[kind] += 1
        return final, False

    def materialise(self, path: Path, *, companions: list[Path] = ()) -> bool:
        """Make sure the entry at `path` (a path in this cache) is here, fetching it (and its
        companions, first) from the shared store when only the store has it; marks it used.
        False when neither has it."""
        path = Path(path)
        if not path.exists():
            if self.shared is None:
                return False
            for extra in companions:
                if not extra.exists():
                    self.shared.fetch(self.shared_name(extra), extra)
            if not self.shared.fetch(self.shared_name(path), path):
                return False
        # A hit marks the entry as used: prune() and trim() remove what nobody used lately.
        os.utime(path)
        return True

    def trim(self, *, max_bytes: int, keep_recent: float = 0, now: float | None = None) -> int:
        """Keep the local tier within `max_bytes`: delete the least recently used entries
        (never one used in the last `keep_recent` seconds: a running render may still read
        it). Only safe with a shared store, which still holds them; returns how many went."""
        now = time.time() if now is None else now
        entries = []
        for path in self.root.glob("*/*/*"):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if path.is_file():
                entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        removed = 0
        for mtime, size, path in sorted(entries, key=lambda entry: entry[0]):
            if total <= max_bytes or mtime > now - keep_recent:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed

    def prune(self, *, unused_for: float, now: float | None = None) -> int:
        """Delete entries (and leftover temp files) not written or used for `unused_for`
        seconds; returns how many files went. A later render simply makes them again."""
        cutoff = (time.time() if now is None else now) - unused_for
        removed = 0
        for path in self.root.glob("*/*/*"):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # another pruner or a render got there first
                continue
        return removed


def atomic_write_text(path: Path, text: str) -> None:
    """Write text so readers see either the old or the new file, never a partial one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
