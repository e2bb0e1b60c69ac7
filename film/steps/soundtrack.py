"""The mix step: the voices on the timeline over the score (ducked under speech, with its
intro under the title card and outro under the end card) and each scene's ambience,
peak-limited so the compose run can normalise it in one linear pass, and that pass's
loudness measurement (plus the stem figures of `film.mixing`)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from film.ambience import ambience, ambience_for
from film.audio import SAMPLE_RATE, read_wav, write_wav
from film.breakdown import Breakdown
from film.cache import atomic_write_text, cache_key
from film.loudness import loudnorm_analyse, prepare_for_loudnorm
from film.mixing import mix_soundtrack
from film.music import score
from film.places import Place
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
    places = (manifest.get("scenery") or {}).get("places")
    if places is None:
        from film.steps.pictures import scene_places

        places = [asdict(p) for p in scene_places(breakdown)]
    # Without music the soundtrack is the voices alone (no score, no ambience).
    beds = _scene_beds(breakdown, timeline, [Place(**p) for p in places]) if music_spec else []
    report(progress, 0.3, "mixing soundtrack")
    cache = run.cache()
    target = {"target_i": config["target_i"], "target_tp": config["target_tp"]}
    inputs = {
        "lines": [(ln.audio, ln.start) for ln in timeline.lines],
        "music": music_spec,
        "ambience": beds,
        "mixing": "stems-1",
        "frames": timeline.total_frames,
        "fps": timeline.fps,
        "target": (config["target_i"], config["target_tp"]),
    }
    measured: dict[str, float] = {}

    def make(tmp: Path) -> None:
        n = round(timeline.duration * SAMPLE_RATE)
        voice = np.zeros(n, np.float32)
        speech = []
        for line in timeline.lines:
            samples, _ = read_wav(Path(line.audio))
            start = round(line.start * SAMPLE_RATE)
            end = min(n, start + samples.size)
            voice[start:end] += samples[: end - start]
            speech.append((line.start, line.start + line.duration))
        music = score(timeline.duration, **music_spec) if music_spec else None
        soundtrack, figures = mix_soundtrack(
            voice, speech, music=music, ambience=_ambience(beds, n, timeline.fps)
        )
        _, result = prepare_for_loudnorm(soundtrack, write=write_wav, path=tmp, **target)
        measured.update(result)
        measured.update({k: round(v, 2) for k, v in figures.items()})

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


def _scene_beds(breakdown: Breakdown, timeline: Timeline, places: list[Place]) -> list[list]:
    """(ambience kind, first frame, frames, seed) of each scene."""
    beds = []
    for scene, place in zip(breakdown.scenes, places, strict=True):
        shots = [timeline.shots[s.index] for s in scene.shots]
        if not shots:
            continue
        first = shots[0].start_frame
        frames = shots[-1].start_frame + shots[-1].frames - first
        kind = ambience_for(place.kind, place.interior, place.weather, place.time)
        beds.append([kind, first, frames, scene.index])
    return beds


def _ambience(beds: list[list], n: int, fps: int) -> np.ndarray | None:
    """The scenes' ambiences laid end to end with 0.5 s fades."""
    if not beds:
        return None
    out = np.zeros((n, 2), np.float32)
    for kind, first, frames, seed in beds:
        start = round(first / fps * SAMPLE_RATE)
        bed = ambience(kind, frames / fps, seed=seed)
        fade = min(bed.shape[0] // 2, SAMPLE_RATE // 2)
        if fade:
            ramp = np.linspace(0, 1, fade, dtype=np.float32)[:, None]
            bed[:fade] *= ramp
            bed[-fade:] *= ramp[::-1]
        end = min(n, start + bed.shape[0])
        out[start:end] += bed[: end - start]
    return out
