"""The analyse step: script -> breakdown, and the render settings frozen in a fresh manifest."""

from __future__ import annotations

from pathlib import Path

from film.breakdown import Breakdown
from film.enrichment import enrich_breakdown
from film.errors import ScriptError
from film.fountain import validate_script
from film.moderation import moderate_breakdown
from film.providers.registry import engine_for_source
from film.workspace import FilmRun, Progress, save_manifest

SIZES = {"16:9": (1920, 1080), "9:16": (1080, 1920), "1:1": (1080, 1080)}


def analyse(run: FilmRun, progress: Progress | None = None) -> Breakdown:
    """Parse the script, moderate it (when `run.moderate`), enrich it, and start a fresh
    manifest with the frozen render settings.

    Moderation reads the script before anything is made from it or sent anywhere else (the
    enrichment model); a flagged script leaves no manifest. `burn_subtitles` is frozen here
    because the clips step draws the subtitles. Raises ScriptError ("flagged" when
    moderation flags it).
    """
    config = run.config
    breakdown = validate_script(run.script, limits=config.script)
    verdict = moderate_breakdown(breakdown, config) if run.moderate else None
    if verdict is not None and verdict.flagged:
        raise ScriptError("flagged", f"Moderation flagged: {sorted(verdict.categories)}")
    # Image prompts and shot descriptions from an OpenAI-compatible model when one is
    # configured; otherwise (and on any remote failure) the rule-based analysis stands.
    breakdown = enrich_breakdown(breakdown, config)
    render = config.render
    if (run.captions or render.captions) not in ("all", "dialogue"):
        raise ValueError(f"captions must be 'all' or 'dialogue', not {run.captions!r}")
    aspect = run.aspect or render.aspect
    size = run.size
    if size is None:
        if aspect not in SIZES:
            raise ValueError(f"aspect must be one of {sorted(SIZES)}, not {aspect!r}")
        size = SIZES[aspect]
    frozen = {
        "aspect": aspect,
        "width": int(size[0]),
        "height": int(size[1]),
        "fps": int(run.fps or render.fps),
        "image_provider": engine_for_source("image", run.picture_source, config),
        "voice_provider": engine_for_source("voice", run.voice_source, config),
        "music": render.music if run.music is None else run.music,
        "pause": float(render.shot_pause_seconds),
        "gap": float(render.line_gap_seconds),
        "preset": render.x264_preset,
        "crf": int(render.x264_crf),
        "target_i": float(render.loudness_target_lufs),
        "target_tp": float(render.true_peak_dbtp),
        "burn_subtitles": bool(run.burn_subtitles),
        "captions": run.captions or render.captions,
        "cast": dict(run.cast),
        "lead_in": round(render.intro_seconds * int(run.fps or render.fps)),
        "tail": round(render.outro_seconds * int(run.fps or render.fps)),
    }
    Path(run.work_dir).mkdir(parents=True, exist_ok=True)
    manifest = {
        "version": 1,
        "config": frozen,
        "breakdown": breakdown.to_dict(),
        "cache": {},
        "stage_seconds": {},
    }
    if verdict is not None:
        manifest["moderation"] = verdict.to_dict()
    save_manifest(run.work_dir, manifest)
    return breakdown
