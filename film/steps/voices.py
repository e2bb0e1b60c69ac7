"""The voices step: the cast from the script, every line synthesised by sentence, and the
timeline from their exact lengths.

Voice is the clock, so this precedes every step that needs a duration. Each line's WAV is
cached with a sidecar JSON of its sentence and clause timings (caption cues).
"""

from __future__ import annotations

import json
from pathlib import Path

from film.audio import SAMPLE_RATE, wav_duration, write_wav
from film.breakdown import Breakdown
from film.cache import atomic_write_text, cache_key
from film.casting import cast_roles, cast_voices
from film.errors import RenderError
from film.providers.registry import get_provider
from film.speech import delivery_for, speak
from film.timeline import Timeline, build_timeline
from film.workspace import FilmRun, Progress, cache_stats, load_manifest, report, save_manifest


def voices(run: FilmRun, progress: Progress | None = None) -> Timeline:
    """Synthesise every line (48 kHz WAV, cached) and build the timeline from the durations."""
    manifest = load_manifest(run.work_dir)
    config = manifest["config"]
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    provider = get_provider("voice", config["voice_provider"], run.config)
    overrides = config.get("cast") or {}
    cast = cast_voices(breakdown, overrides)
    cache = run.cache()
    missed: list[str] = []
    per_shot: list[list[tuple]] = []
    shots = breakdown.shots
    for n, shot in enumerate(shots):
        placed = []
        for k, line in enumerate(shot.lines):
            profile = cast[line.speaker]
            delivery = delivery_for(line.parenthetical, line.text, sung=line.sung)
            inputs = {
                "provider": provider.name,
                "version": provider.version,
                "voice": profile.key,
                "delivery": delivery.name,
                "text": line.text,
                "rate": SAMPLE_RATE,
            }
            sidecar = cache.path_for("voice", cache_key({"kind": "voice", **inputs}), ".json")

            def make(
                tmp: Path, text=line.text, profile=profile, delivery=delivery, sidecar=sidecar
            ):
                spoken = speak(provider, text=text, profile=profile, delivery=delivery)
                if spoken.samples.size == 0:
                    raise RenderError("voices", f"no audio for {text!r}")
                write_wav(tmp, spoken.samples)
                atomic_write_text(sidecar, json.dumps(spoken.parts))

            path, hit = cache.get_or_create("voice", inputs, ".wav", make, companions=(".json",))
            duration = wav_duration(path)
            parts = (
                json.loads(sidecar.read_text()) if sidecar.exists() else [[line.text, 0, duration]]
            )
            line_id = f"{shot.index}.{k}"
            if not hit:
                missed.append(line_id)
            placed.append(
                (line_id, line.speaker, line.text, duration, str(path), parts, delivery.name)
            )
        per_shot.append(placed)
        report(progress, (n + 1) / len(shots), f"voice for shot {shot.index + 1}")
    timeline = build_timeline(
        per_shot,
        fps=config["fps"],
        pause=config["pause"],
        gap=config["gap"],
        lead_in=config.get("lead_in", 0),
        tail=config.get("tail", 0),
    )
    manifest["timeline"] = timeline.to_dict()
    roles = cast_roles(breakdown, overrides)
    manifest["cast"] = {name: cast[name].key for name in cast}
    manifest["roles"] = {
        name: {"gender": r.gender, "age": r.age, "voice": r.voice} for name, r in roles.items()
    }
    manifest["cache"]["voices"] = cache_stats(cache, "voice", missed)
    save_manifest(run.work_dir, manifest)
    return timeline
