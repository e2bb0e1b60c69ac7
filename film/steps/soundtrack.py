"""The mix step: the voices on the timeline over the ducked music bed, peak-limited so the
compose run can normalise it in one linear pass, and that pass's loudness measurement."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from film.audio import write_wav
from film.breakdown import Breakdown
from film.cache import FileCache, atomic_write_text, cache_key
from film.loudness import loudnorm_analyse, prepare_for_loudnorm
from film.mixing import mix_soundtrack
from film.music import ambient_bed
from film.timeline import Timeline
from film.workspace import FilmRun, Progress, cache_stats, load_manifest, report, save_manifest


def mix(run: FilmRun, progress: Progress | None = None) -> dict[str, float]:
    """Voices + ducked music -> a cached WAV, peak-limited so linear loudnorm applies;
    returns the loudnorm measurement (also stored in the manifest)."""
    manifest = load_manifest(run.work_dir)
    config = manifest["config"]
    timeline = Timeline.from_dict(manifest["timeline"])
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    music_spec: dict[str, Any] | None = None
    if config["music"]:
        first = breakdown.scenes[0].time_of_day.upper() if breakdown.scenes else ""
        mood = "bright" if first in ("DAY", "MORNING", "AFTERNOON") else "dark"
        music_spec = {"seed": int(cache_key({"title": breakdown.title})[:8], 16), "mood": mood}
    report(progress, 0.3, "mixing soundtrack")
    cache = FileCache(run.cache_dir)
    target = {"target_i": config["target_i"], "target_tp": config["target_tp"]}
    inputs = {
        "lines": [(ln.audio, ln.start) for ln in timeline.lines],
        "music": music_spec,
        "frames": timeline.total_frames,
        "fps": timeline.fps,
        "target": (config["target_i"], config["target_tp"]),
    }
    measured: dict[str, float] = {}

    def make(tmp: Path) -> None:
        music = ambient_bed(timeline.duration, **music_spec) if music_spec else None
        soundtrack = mix_soundtrack(timeline, music)
        _, result = prepare_for_loudnorm(soundtrack, write=write_wav, path=tmp, **target)
        measured.update(result)

    path, hit = cache.get_or_create("mix", inputs, ".wav", make)
    sidecar = path.with_suffix(".json")
    if hit and sidecar.exists():
        measured = json.loads(sidecar.read_text(encoding="utf-8"))
    elif hit:
        measured = loudnorm_analyse(path, **target)
    if not sidecar.exists():
        atomic_write_text(sidecar, json.dumps(measured))
    manifest["mix"] = {"path": str(path), "measured": measured}
    manifest["cache"]["mix"] = cache_stats(cache, "mix", [] if hit else ["mix"])
    save_manifest(run.work_dir, manifest)
    report(progress, 1.0, "soundtrack measured")
    return measured
