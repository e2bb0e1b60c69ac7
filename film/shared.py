"""A film in the making that any host can carry on: its work dir through a `SharedStore`.

A work dir's manifest points at files by absolute path: into the render cache (stills, line
audio, clips, the mix) and into the work dir itself (subtitles, the film, its thumbnail). A
host that runs the next step has other folders, so `push` stores a portable manifest in
which those paths are names (`cache:<path in the cache>`, `work:<path in the work dir>`),
the work files beside it, content-addressed by the SHA-256 of their bytes; `pull` rebuilds
the work dir from it on any host, fetching whatever it references that this host lacks
(cache entries through the cache's local tier). So the work dir is scratch a worker may lose
at any time, and nothing but the store is shared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from film.cache import FileCache, SharedStore, atomic_write_text
from film.workspace import MANIFEST

CACHE, WORK = "cache:", "work:"
PORTABLE = "manifest.json"  # the portable manifest's name in the film's folder of the store


def _strings(value: Any, convert) -> Any:
    """`value` with every string replaced by `convert(string)` (dicts, lists, tuples)."""
    if isinstance(value, str):
        return convert(value)
    if isinstance(value, dict):
        return {key: _strings(item, convert) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_strings(item, convert) for item in value]
    return value


def _inside(text: str, root: Path) -> str | None:
    prefix = str(root).rstrip("/") + "/"
    return text[len(prefix) :] if text.startswith(prefix) else None


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _blob_name(folder: str, digest: str, relative: str) -> str:
    return f"{folder}/{digest}{Path(relative).suffix}"


def push(*, work_dir: Path, cache: FileCache, store: SharedStore, folder: str) -> None:
    """Store the work dir's manifest, portable, as `<folder>/manifest.json`, and every work
    file it references as `<folder>/<sha256><suffix>` (a file already stored is skipped).
    The manifest goes last, so a reader never sees one whose files are missing."""
    work_dir = Path(work_dir)
    manifest = json.loads((work_dir / MANIFEST).read_text(encoding="utf-8"))
    files: dict[str, str] = {}

    def portable(text: str) -> str:
        if (relative := _inside(text, cache.root)) is not None:
            return CACHE + relative
        if (relative := _inside(text, work_dir)) is not None:
            path = work_dir / relative
            if path.is_file() and relative not in files:
                files[relative] = file_digest(path)
                store.put(_blob_name(folder, files[relative], relative), path)
            return WORK + relative
        return text

    packed = {"manifest": _strings(manifest, portable), "files": files}
    staged = work_dir / ".portable.json"
    atomic_write_text(staged, json.dumps(packed))
    store.replace(f"{folder}/{PORTABLE}", staged)
    staged.unlink(missing_ok=True)


def pull(*, work_dir: Path, cache: FileCache, store: SharedStore, folder: str) -> bool:
    """Rebuild the work dir from the store (see `push`): the manifest with this host's paths,
    the work files it names (fetched unless the same bytes are here) and the cache entries it
    references. False (and nothing changed) when the store holds no manifest for it."""
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    staged = work_dir / ".portable.json"
    if not store.fetch(f"{folder}/{PORTABLE}", staged):
        return False
    packed = json.loads(staged.read_text(encoding="utf-8"))
    staged.unlink(missing_ok=True)
    for relative, digest in packed["files"].items():
        path = work_dir / relative
        here = path.is_file() and file_digest(path) == digest
        if not here and not store.fetch(_blob_name(folder, digest, relative), path):
            raise FileNotFoundError(f"{folder}: work file {relative} is not stored")
    manifest = _strings(packed["manifest"], lambda text: _local(text, work_dir, cache))
    for path in _cache_refs(packed["manifest"], cache):
        if not cache.materialise(path):
            raise FileNotFoundError(f"{folder}: cache entry {path} is in no store")
    atomic_write_text(work_dir / MANIFEST, json.dumps(manifest, indent=1))
    return True


def _local(text: str, work_dir: Path, cache: FileCache) -> str:
    if text.startswith(CACHE):
        return str(cache.root / text[len(CACHE) :])
    if text.startswith(WORK):
        return str(work_dir / text[len(WORK) :])
    return text


def _cache_refs(value: Any, cache: FileCache) -> Iterator[Path]:
    found: set[str] = set()
    _strings(value, lambda text: found.add(text) if text.startswith(CACHE) else None)
    for text in sorted(found):
        yield cache.root / text[len(CACHE) :]
