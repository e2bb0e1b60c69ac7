"""One film in the making (`FilmRun`) and its manifest.

A film is made in a work dir holding `manifest.json`: the breakdown, the render settings
frozen when the script was analysed, the timeline, and paths into the shared cache. Each step
reads the manifest, does its work, records what it made and returns; so each can run in its
own process (a Celery task), and a step that already ran can simply run again (per-shot work
comes from the cache).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from film.cache import FileCache, SharedStore, atomic_write_text
from film.config import FilmConfig
from film.errors import RenderError

# (fraction of the work done, 0-1; what is being done)
Progress = Callable[[float, str], None]
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class FilmRun:
    """Where a film is made, with which configuration, and what was asked for.

    `aspect`, `fps` and `music` default to `config.render`; `size` overrides the aspect's
    size (previews, tests). `moderate` runs the script through moderation before anything
    is made from it (a caller that moderated it already turns it off).
    """

    work_dir: Path
    cache_dir: Path
    config: FilmConfig = field(default_factory=FilmConfig)
    script: str | bytes = ""
    aspect: str | None = None
    size: tuple[int, int] | None = None
    fps: int | None = None
    music: bool | None = None
    burn_subtitles: bool = False
    captions: str | None = None  # "all" | "dialogue"; default `config.render.captions`
    # Where pictures and voices come from (`film.providers.registry.SOURCES`): "default" is
    # the configured engine; a source this machine cannot serve falls to the local engine.
    picture_source: str = "default"  # default | drawn | stock | ai
    voice_source: str = "default"  # default | local | openai | elevenlabs
    # The project's cast: character (or "NARRATOR") -> voice name of `film.casting.VOICES`.
    cast: tuple[tuple[str, str], ...] = ()
    moderate: bool = True
    out_path: Path | None = None  # the MP4; default work_dir/film.mp4
    thumbnail_path: Path | None = None  # default: beside the MP4, as .jpg
    thumbnail_at: float | None = None  # seconds into the film; default: a telling shot
    # Object storage behind the render cache (film.cache): what one host made, another reuses.
    shared: SharedStore | None = None

    def cache(self) -> FileCache:
        """The render cache: `cache_dir`, in front of `shared` when there is one."""
        return FileCache(self.cache_dir, shared=self.shared)

    @property
    def film_path(self) -> Path:
        return Path(self.out_path) if self.out_path else Path(self.work_dir) / "film.mp4"


def load_manifest(work_dir: Path) -> dict[str, Any]:
    """The work dir's manifest; RenderError if `analyse` has not run there."""
    path = Path(work_dir) / MANIFEST
    if not path.exists():
        raise RenderError("manifest", f"{path} does not exist; run analyse first")
    return json.loads(path.read_text(encoding="utf-8"))


def save_manifest(work_dir: Path, manifest: dict[str, Any]) -> None:
    atomic_write_text(Path(work_dir) / MANIFEST, json.dumps(manifest, indent=1))


def report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(1.0, max(0.0, fraction)), message)


def cache_stats(cache: FileCache, kind: str, missed: list[Any]) -> dict[str, Any]:
    return {"hits": cache.hits[kind], "misses": cache.misses[kind], "missed": missed}
