"""The voices step: every line synthesised, and the timeline from their exact lengths.

Voice is the clock, so this precedes every step that needs a duration.
"""

from __future__ import annotations

from pathlib import Path

from film.audio import SAMPLE_RATE, wav_duration, write_wav
from film.breakdown import Breakdown
from film.cache import FileCache
from film.casting import cast_voices
from film.errors import RenderError
from film.providers.registry import get_provider
from film.timeline import Timeline, build_timeline
from film.workspace import FilmRun, Progress, cache_stats, load_manifest, report, save_manifest


def voices(run: FilmRun, progress: Progress | None = None) -> Timeline:
    """Synthesise every line (48 kHz WAV, cached) and build the timeline from the durations."""
    manifest = load_manifest(run.work_dir)
    config = manifest["config"]
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    provider = get_provider("voice", config["voice_provider"], run.config)
    cast = cast_voices(breakdown.characters)
    cache = FileCache(run.cache_dir)
    missed: list[str] = []
    per_shot: list[list[tuple[str, str, str, float, str]]] = []
    shots = breakdown.shots
    for n, shot in enumerate(shots):
        placed = []
        for k, line in enumerate(shot.lines):
            profile = cast.get(line.speaker) or cast_voices([line.speaker])[line.speaker]
            inputs = {
                "provider": provider.name,
                "version": provider.version,
                "voice": profile.key,
                "text": line.text,
                "rate": SAMPLE_RATE,
            }

            def make(tmp: Path, text: str = line.text, profile=profile) -> None:
                samples = provider.synthesize(text=text, profile=profile)
                if samples.size == 0:
                    raise RenderError("voices", f"no audio for {text!r}")
                write_wav(tmp, samples)

            path, hit = cache.get_or_create("voice", inputs, ".wav", make)
            line_id = f"{shot.index}.{k}"
            if not hit:
                missed.append(line_id)
            placed.append((line_id, line.speaker, line.text, wav_duration(path), str(path)))
        per_shot.append(placed)
        report(progress, (n + 1) / len(shots), f"voice for shot {shot.index + 1}")
    timeline = build_timeline(per_shot, fps=config["fps"], pause=config["pause"], gap=config["gap"])
    manifest["timeline"] = timeline.to_dict()
    manifest["cast"] = {name: profile.key for name, profile in cast.items()}
    manifest["cache"]["voices"] = cache_stats(cache, "voice", missed)
    save_manifest(run.work_dir, manifest)
    return timeline
