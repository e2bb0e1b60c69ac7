"""The delivery steps: the subtitle files, the MP4, and its thumbnail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from film import compose as composer
from film import ffmpeg_cli
from film.breakdown import Breakdown
from film.cache import atomic_write_text
from film.errors import RenderError
from film.steps.pictures import shot_clips, shot_context
from film.subtitles import cues_from_timeline, to_srt, to_vtt
from film.timeline import Timeline
from film.workspace import FilmRun, Progress, load_manifest, save_manifest


def subtitles(run: FilmRun, progress: Progress | None = None) -> tuple[str, str]:
    """Write `subtitles.srt` and `subtitles.vtt` from the line timings; returns their paths."""
    manifest = load_manifest(run.work_dir)
    config = manifest["config"]
    cues = cues_from_timeline(
        Timeline.from_dict(manifest["timeline"]),
        aspect=config.get("aspect", "16:9"),
        mode=config.get("captions", "all"),
    )
    srt, vtt = Path(run.work_dir) / "subtitles.srt", Path(run.work_dir) / "subtitles.vtt"
    atomic_write_text(srt, to_srt(cues))
    atomic_write_text(vtt, to_vtt(cues))
    manifest["subtitles"] = {"srt": str(srt), "vtt": str(vtt)}
    save_manifest(run.work_dir, manifest)
    return str(srt), str(vtt)


def compose(run: FilmRun, progress: Progress | None = None) -> dict[str, Any]:
    """The one ffmpeg run producing `run.film_path` (written to a temp name, then moved into
    place): the clips joined by stream copy, the mastered audio and the soft subtitle track.

    The clips step followed the burn-in choice frozen at analyse; when `run.burn_subtitles`
    asks for the other one, the clips of that kind are made first (from the cache when they
    exist, else encoded now, at the cost of the clips step). Returns ffprobe's streams and
    format; needs clips, mix and subtitles.
    """
    manifest = load_manifest(run.work_dir)
    config = manifest["config"]
    for needed in ("clips", "mix", "subtitles"):
        if needed not in manifest:
            raise RenderError("compose", f"stage {needed!r} has not run")
    burn = bool(run.burn_subtitles)
    clip_paths = manifest["clips"]
    if burn != manifest.get("clips_burned", False):
        clip_paths, stats = shot_clips(
            manifest, cache_dir=Path(run.cache_dir), burn=burn, shared=run.shared
        )
        manifest["cache"]["compose_clips"] = stats
    out_path = run.film_path
    out_path.parent.mkdir(parents=True, exist_ok=True)
    video = Path(run.work_dir) / "video.h264"
    composer.join_clips([Path(p) for p in clip_paths], video)
    tmp = out_path.with_name(f".{out_path.stem}.part.mp4")
    cmd = composer.compose_command(
        video=video,
        fps=config["fps"],
        mix=Path(manifest["mix"]["path"]),
        srt=Path(manifest["subtitles"]["srt"]),
        out_path=tmp,
        measured=manifest["mix"]["measured"],
        target_i=config["target_i"],
        target_tp=config["target_tp"],
    )
    try:
        composer.run_compose(cmd)
        tmp.replace(out_path)
    finally:
        tmp.unlink(missing_ok=True)
        video.unlink(missing_ok=True)
    info = ffmpeg_cli.probe(out_path)
    manifest["output"] = {
        "path": str(out_path),
        "probe": info,
        "duration": float(info["format"]["duration"]),
        "burned_subtitles": burn,
    }
    save_manifest(run.work_dir, manifest)
    return info


def thumbnail(run: FilmRun, progress: Progress | None = None) -> str:
    """JPEG of the frame at `run.thumbnail_at` seconds (kept within the film) when given;
    else of the middle of the shot with the most characters (the first such, else the middle
    shot). Written to `run.thumbnail_path`, by default beside the film."""
    manifest = load_manifest(run.work_dir)
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    timeline = Timeline.from_dict(manifest["timeline"])
    at = run.thumbnail_at
    if at is not None:
        # The last frame starts one frame before the end; a seek past it extracts nothing.
        at = min(max(0.0, float(at)), (timeline.total_frames - 1) / timeline.fps)
    else:
        shots = breakdown.shots
        best = max(
            range(len(shots)),
            key=lambda i: (
                len(shot_context(breakdown, shots[i]).characters),
                -abs(i - len(shots) // 2),
            ),
        )
        timing = timeline.shots[best]
        at = (timing.start_frame + timing.frames / 2) / timeline.fps
    film = Path(manifest["output"]["path"])
    target = Path(run.thumbnail_path) if run.thumbnail_path else film.with_suffix(".jpg")
    tmp = target.with_name(f".{target.stem}.part.jpg")
    composer.extract_frame(film, at=at, out_path=tmp)
    tmp.replace(target)
    manifest["thumbnail"] = str(target)
    save_manifest(run.work_dir, manifest)
    return str(target)
