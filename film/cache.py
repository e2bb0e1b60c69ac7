"""Content-addressed, on-disk cache for per-shot work (stills, line audio, clips).

An entry's key is the SHA-256 of the JSON of everything that determines its bytes (text,
voice, provider name and version, size, fps, encoder settings, keys of the entries it was made
from), so a changed input is simply a different file and nothing is ever invalidated by hand.
Entries are written to a temporary file in the same directory and moved into place with
`os.replace`, so a crash never leaves a half-written entry under its final name.
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
from typing import Any


def cache_key(inputs: dict[str, Any]) -> str:
    """Stable hash of JSON-serialisable inputs."""
    payload = json.dumps(inputs, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


class FileCache:
    """Files keyed by `cache_key`; counts hits and misses per kind for the manifest/tests."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()

    def path_for(self, kind: str, key: str, suffix: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{suffix}"

    def get_or_create(
        self, kind: str, inputs: dict[str, Any], suffix: str, make: Callable[[Path], None]
    ) -> tuple[Path, bool]:
        """Return (path, was_cached). On a miss `make(tmp_path)` writes the file, which is then
        moved into place atomically; if `make` raises, nothing is left behind."""
        key = cache_key({"kind": kind, **inputs})
        final = self.path_for(kind, key, suffix)
        if final.exists():
            self.hits[kind] += 1
            # A hit marks the entry as used: prune() removes what nobody used for a while.
            os.utime(final)
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
        self.misses[kind] += 1
        return final, False

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
