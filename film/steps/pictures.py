"""The picture steps: one still per shot (`images`), then one clip per shot over it (`clips`),
exactly as many frames as the timeline says, with the shot's own lines drawn in when the
subtitles are burned in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from film import clips as clip_engine
from film.breakdown import Breakdown, Shot
from film.cache import FileCache, atomic_write_text
from film.errors import RenderError
from film.providers.images import ShotContext
from film.providers.registry import get_provider
from film.subtitles import shot_cues, to_srt
from film.timeline import Timeline
from film.workspace import FilmRun, Progress, cache_stats, load_manifest, report, save_manifest


def shot_context(breakdown: Breakdown, shot: Shot) -> ShotContext:
    """What the picture of `shot` should show: the speakers, plus characters the action
    names (Fountain writes a character's name in the action when they are on screen)."""
    scene = breakdown.scene_of(shot)
    present = list(shot.characters)
    action = " ".join(line.text for line in shot.lines if line.is_narration).upper()
    for name in scene.characters:
        if name not in present and f" {name} " in f" {action.replace(',', ' ')} ":
            present.append(name)
    return ShotContext(
        index=shot.index,
        kind=shot.kind,
        heading=scene.heading,
        int_ext=scene.int_ext,
        location=scene.location,
        time_of_day=scene.time_of_day,
        caption=shot.description if shot.kind != "card" else shot.lines[0].text,
        prompt=shot.image_prompt,
        characters=present,
    )


def images(run: FilmRun, progress: Progress | None = None) -> list[str]:
    """One still per shot from the configured image provider (cached); returns the paths."""
    manifest = load_manifest(run.work_dir)
    config = manifest["config"]
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    provider = get_provider("image", config["image_provider"], run.config)
    size = (config["width"], config["height"])
    cache = FileCache(run.cache_dir)
    paths: list[str] = []
    missed: list[int] = []
    shots = breakdown.shots
    for n, shot in enumerate(shots):
        context = shot_context(breakdown, shot)
        inputs = {
            "provider": provider.name,
            "version": provider.version,
            "size": size,
            "shot": context.cache_fields(),
        }

        def make(tmp: Path, context: ShotContext = context) -> None:
            provider.render(shot=context, size=size, out_path=tmp)

        path, hit = cache.get_or_create("image", inputs, ".png", make)
        if not hit:
            missed.append(shot.index)
        paths.append(str(path))
        report(progress, (n + 1) / len(shots), f"image for shot {shot.index + 1}")
    manifest["images"] = paths
    manifest["cache"]["images"] = cache_stats(cache, "image", missed)
    save_manifest(run.work_dir, manifest)
    return paths


def shot_clips(
    manifest: dict[str, Any],
    *,
    cache_dir: Path,
    burn: bool,
    progress: Progress | None = None,
) -> tuple[list[str], dict[str, Any]]:
    """One cached clip per shot, with the shot's own cues burned in when `burn`; returns the
    paths and the cache stats. A burned clip's key holds its cues and their style, so soft
    and burned clips are cached side by side (a shot without lines shares the soft clip)."""
    config = manifest["config"]
    timeline = Timeline.from_dict(manifest["timeline"])
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    size = (config["width"], config["height"])
    per_shot_cues = shot_cues(timeline) if burn else [[] for _ in timeline.shots]
    cache = FileCache(cache_dir)
    paths: list[str] = []
    missed: list[int] = []
    for n, (shot, timing, image, cues) in enumerate(
        zip(breakdown.shots, timeline.shots, manifest["images"], per_shot_cues, strict=True)
    ):
        motion = clip_engine.motion_for(f"{shot.index}:{shot.description}")
        inputs: dict[str, Any] = {
            "image": Path(image).name,
            "frames": timing.frames,
            "fps": config["fps"],
            "size": size,
            "motion": motion,
            "preset": config["preset"],
            "crf": config["crf"],
            "encoder": clip_engine.ENCODER_VERSION,
        }
        if cues:
            # The SRT holds milliseconds: the key uses what is actually drawn.
            inputs["subtitles"] = {
                "cues": [(round(c.start, 3), round(c.end, 3), c.text) for c in cues],
                "style": clip_engine.SUBTITLE_STYLE,
            }

        def make(
            tmp: Path,
            image: str = image,
            frames: int = timing.frames,
            motion: str = motion,
            cues: list = cues,
        ) -> None:
            srt = tmp.with_suffix(".srt") if cues else None
            try:
                if srt is not None:
                    atomic_write_text(srt, to_srt(cues))
                clip_engine.render_clip(
                    image=Path(image),
                    out_path=tmp,
                    frames=frames,
                    size=size,
                    fps=config["fps"],
                    motion=motion,
                    preset=config["preset"],
                    crf=config["crf"],
                    subtitles=srt,
                )
            finally:
                if srt is not None:
                    srt.unlink(missing_ok=True)

        path, hit = cache.get_or_create("clip", inputs, ".mp4", make)
        if not hit:
            missed.append(shot.index)
        paths.append(str(path))
        report(progress, (n + 1) / len(timeline.shots), f"clip for shot {shot.index + 1}")
    return paths, cache_stats(cache, "clip", missed)


def clips(run: FilmRun, progress: Progress | None = None) -> list[str]:
    """Encode one clip per shot, as long as the timeline says (cached), with the shot's
    subtitles burned in when the frozen settings say so; needs voices and images."""
    manifest = load_manifest(run.work_dir)
    if "timeline" not in manifest or "images" not in manifest:
        raise RenderError("clips", "run voices and images first")
    burn = bool(manifest["config"].get("burn_subtitles", False))
    paths, stats = shot_clips(manifest, cache_dir=run.cache_dir, burn=burn, progress=progress)
    manifest["clips"] = paths
    manifest["clips_burned"] = burn
    manifest["cache"]["clips"] = stats
    save_manifest(run.work_dir, manifest)
    return paths
