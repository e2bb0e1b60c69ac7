"""Film orchestration: stage functions over a work dir + `manifest.json`, and `render_film`.

Each stage reads the manifest, does its work, records its outputs and returns; so each can
run in its own Celery task or process, and a stage that already ran can simply be run again
(per-shot work comes from the cache). Stage order, and why:

1. `analyse`      script -> breakdown + the frozen render config (size, fps, providers,
                  whether subtitles are burned into the picture).
2. `moderate`     the lines through the moderation provider (result recorded, not enforced).
3. `voices`       every line synthesised -> exact durations -> the timeline. Voice is the
                  clock, so this precedes everything that has a duration.
4. `images`       one still per shot (independent of the timeline; may run beside 3).
5. `clips`        pan & zoom clip per shot, exactly as many frames as the timeline says;
                  with burned-in subtitles, the shot's own lines are drawn in this encode.
6. `mix`          voices on the timeline over the ducked music bed, peak-limited, and the
                  loudness analysis pass (audio only).
7. `subtitles`    SRT + WebVTT from the line timings.
8. `compose`      the one ffmpeg run producing the MP4: clips joined by stream copy (burned
                  in or not), the mastered audio, and the soft subtitle track.
9. `thumbnail`    a JPEG from the middle of a representative shot.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jobs.pipeline import clips as clip_engine
from jobs.pipeline import compose as composer
from jobs.pipeline.audio import SAMPLE_RATE, wav_duration, write_wav
from jobs.pipeline.breakdown import Breakdown, Shot
from jobs.pipeline.cache import FileCache, atomic_write_text, cache_key
from jobs.pipeline.casting import cast_voices
from jobs.pipeline.config import setting
from jobs.pipeline.enrichment import enrich_breakdown
from jobs.pipeline.errors import RenderError, ScriptError
from jobs.pipeline.fountain import validate_script
from jobs.pipeline.loudness import loudnorm_analyse, prepare_for_loudnorm
from jobs.pipeline.mixing import mix_soundtrack
from jobs.pipeline.music import ambient_bed
from jobs.pipeline.subtitles import cues_from_timeline, shot_cues, to_srt, to_vtt
from jobs.pipeline.timeline import Timeline, build_timeline
from jobs.providers.images import ShotContext, get_image_provider
from jobs.providers.moderation import ModerationResult, get_moderation_provider
from jobs.providers.voice import get_voice_provider

Progress = Callable[[float, str], None]
MANIFEST = "manifest.json"
SIZES = {"16:9": (1920, 1080), "9:16": (1080, 1920), "1:1": (1080, 1080)}


@dataclass
class FilmResult:
    output: str
    thumbnail: str
    duration: float
    srt: str
    vtt: str
    streams: list[dict[str, Any]]
    manifest: str
    stage_seconds: dict[str, float] = field(default_factory=dict)
    cache: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------------------------
# manifest


def load_manifest(work_dir: Path) -> dict[str, Any]:
    """The work dir's manifest; RenderError if `analyse` has not run there."""
    path = Path(work_dir) / MANIFEST
    if not path.exists():
        raise RenderError("manifest", f"{path} does not exist; run analyse first")
    return json.loads(path.read_text(encoding="utf-8"))


def save_manifest(work_dir: Path, manifest: dict[str, Any]) -> None:
    atomic_write_text(Path(work_dir) / MANIFEST, json.dumps(manifest, indent=1))


def _report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(1.0, max(0.0, fraction)), message)


def _cache_stats(cache: FileCache, kind: str, missed: list[Any]) -> dict[str, Any]:
    return {"hits": cache.hits[kind], "misses": cache.misses[kind], "missed": missed}


# --------------------------------------------------------------------------------------------
# stages


def analyse(
    *,
    work_dir: Path,
    script_text: str | bytes,
    aspect: str | None = None,
    size: tuple[int, int] | None = None,
    fps: int | None = None,
    script_format: str = "auto",
    image_provider: str | None = None,
    voice_provider: str | None = None,
    music: bool | None = None,
    burn_subtitles: bool = False,
) -> Breakdown:
    """Parse the script and start a fresh manifest in `work_dir` with the frozen config.

    `size` overrides the size given by `aspect` (previews, tests). `burn_subtitles` is
    frozen here because the clips stage draws the subtitles. Raises ScriptError.
    """
    breakdown = validate_script(script_text, format=script_format)
    # Image prompts and shot descriptions from an OpenAI-compatible model when one is
    # configured; otherwise (and on any remote failure) the rule-based analysis stands.
    breakdown = enrich_breakdown(breakdown)
    aspect = aspect or setting("FILM_DEFAULT_ASPECT", "16:9")
    if size is None:
        if aspect not in SIZES:
            raise ValueError(f"aspect must be one of {sorted(SIZES)}, not {aspect!r}")
        size = SIZES[aspect]
    config = {
        "aspect": aspect,
        "width": int(size[0]),
        "height": int(size[1]),
        "fps": int(fps or setting("FILM_FPS", 24)),
        "image_provider": image_provider or setting("FILM_IMAGE_PROVIDER", "storyboard"),
        "voice_provider": voice_provider or setting("FILM_VOICE_PROVIDER", "piper"),
        "music": setting("FILM_MUSIC_ENABLED", True) if music is None else music,
        "pause": float(setting("FILM_SHOT_PAUSE_SECONDS", 0.4)),
        "gap": float(setting("FILM_LINE_GAP_SECONDS", 0.25)),
        "preset": setting("FILM_X264_PRESET", "veryfast"),
        "crf": int(setting("FILM_X264_CRF", 21)),
        "target_i": float(setting("FILM_LOUDNESS_TARGET_LUFS", -14.0)),
        "target_tp": float(setting("FILM_TRUE_PEAK_DBTP", -1.5)),
        "burn_subtitles": bool(burn_subtitles),
    }
    Path(work_dir).mkdir(parents=True, exist_ok=True)
    save_manifest(
        work_dir,
        {
            "version": 1,
            "config": config,
            "breakdown": breakdown.to_dict(),
            "cache": {},
            "stage_seconds": {},
        },
    )
    return breakdown


def moderate(*, work_dir: Path, provider: str | None = None) -> ModerationResult:
    """Run every line (and the title) through moderation; records and returns the result."""
    manifest = load_manifest(work_dir)
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    name = provider or setting("FILM_MODERATION_PROVIDER", "local")
    texts = [breakdown.title] + [line.text for line in breakdown.lines]
    result = get_moderation_provider(name).moderate(texts)
    manifest["moderation"] = result.to_dict()
    save_manifest(work_dir, manifest)
    return result


def voices(*, work_dir: Path, cache_dir: Path, progress: Progress | None = None) -> Timeline:
    """Synthesise every line (48 kHz WAV, cached) and build the timeline from the durations."""
    manifest = load_manifest(work_dir)
    config = manifest["config"]
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    provider = get_voice_provider(config["voice_provider"])
    cast = cast_voices(breakdown.characters)
    cache = FileCache(cache_dir)
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
        _report(progress, (n + 1) / len(shots), f"voice for shot {shot.index + 1}")
    timeline = build_timeline(per_shot, fps=config["fps"], pause=config["pause"], gap=config["gap"])
    manifest["timeline"] = timeline.to_dict()
    manifest["cast"] = {name: profile.key for name, profile in cast.items()}
    manifest["cache"]["voices"] = _cache_stats(cache, "voice", missed)
    save_manifest(work_dir, manifest)
    return timeline


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


def images(*, work_dir: Path, cache_dir: Path, progress: Progress | None = None) -> list[str]:
    """One still per shot from the configured image provider (cached); returns the paths."""
    manifest = load_manifest(work_dir)
    config = manifest["config"]
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    provider = get_image_provider(config["image_provider"])
    size = (config["width"], config["height"])
    cache = FileCache(cache_dir)
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
        _report(progress, (n + 1) / len(shots), f"image for shot {shot.index + 1}")
    manifest["images"] = paths
    manifest["cache"]["images"] = _cache_stats(cache, "image", missed)
    save_manifest(work_dir, manifest)
    return paths


def _shot_clips(
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
        _report(progress, (n + 1) / len(timeline.shots), f"clip for shot {shot.index + 1}")
    return paths, _cache_stats(cache, "clip", missed)


def clips(*, work_dir: Path, cache_dir: Path, progress: Progress | None = None) -> list[str]:
    """Encode one clip per shot, as long as the timeline says (cached), with the shot's
    subtitles burned in when the config says so; needs voices+images."""
    manifest = load_manifest(work_dir)
    if "timeline" not in manifest or "images" not in manifest:
        raise RenderError("clips", "run voices and images first")
    burn = bool(manifest["config"].get("burn_subtitles", False))
    paths, stats = _shot_clips(manifest, cache_dir=cache_dir, burn=burn, progress=progress)
    manifest["clips"] = paths
    manifest["clips_burned"] = burn
    # compose may need the other kind of clip (see compose); they live in the same cache.
    manifest["clips_cache_dir"] = str(cache_dir)
    manifest["cache"]["clips"] = stats
    save_manifest(work_dir, manifest)
    return paths


def mix(*, work_dir: Path, cache_dir: Path, progress: Progress | None = None) -> dict[str, float]:
    """Voices + ducked music -> a cached WAV, peak-limited so linear loudnorm applies;
    returns the loudnorm measurement (also stored in the manifest)."""
    manifest = load_manifest(work_dir)
    config = manifest["config"]
    timeline = Timeline.from_dict(manifest["timeline"])
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    music_spec: dict[str, Any] | None = None
    if config["music"]:
        first = breakdown.scenes[0].time_of_day.upper() if breakdown.scenes else ""
        mood = "bright" if first in ("DAY", "MORNING", "AFTERNOON") else "dark"
        music_spec = {"seed": int(cache_key({"title": breakdown.title})[:8], 16), "mood": mood}
    _report(progress, 0.3, "mixing soundtrack")
    cache = FileCache(cache_dir)
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
        _, result = prepare_for_loudnorm(
            soundtrack,
            write=write_wav,
            path=tmp,
            target_i=config["target_i"],
            target_tp=config["target_tp"],
        )
        measured.update(result)

    path, hit = cache.get_or_create("mix", inputs, ".wav", make)
    sidecar = path.with_suffix(".json")
    if hit and sidecar.exists():
        measured = json.loads(sidecar.read_text(encoding="utf-8"))
    elif hit:
        measured = loudnorm_analyse(
            path, target_i=config["target_i"], target_tp=config["target_tp"]
        )
    if not sidecar.exists():
        atomic_write_text(sidecar, json.dumps(measured))
    manifest["mix"] = {"path": str(path), "measured": measured}
    manifest["cache"]["mix"] = _cache_stats(cache, "mix", [] if hit else ["mix"])
    save_manifest(work_dir, manifest)
    _report(progress, 1.0, "soundtrack measured")
    return measured


def subtitles(*, work_dir: Path) -> tuple[str, str]:
    """Write `subtitles.srt` and `subtitles.vtt`; returns their paths."""
    manifest = load_manifest(work_dir)
    cues = cues_from_timeline(Timeline.from_dict(manifest["timeline"]))
    srt, vtt = Path(work_dir) / "subtitles.srt", Path(work_dir) / "subtitles.vtt"
    atomic_write_text(srt, to_srt(cues))
    atomic_write_text(vtt, to_vtt(cues))
    manifest["subtitles"] = {"srt": str(srt), "vtt": str(vtt)}
    save_manifest(work_dir, manifest)
    return str(srt), str(vtt)


def compose(
    *, work_dir: Path, out_path: Path, burn_subtitles: bool | None = None
) -> dict[str, Any]:
    """The one ffmpeg run producing the MP4 (written to a temp name, then moved into place).

    The clips are joined by stream copy, burned in or not. `burn_subtitles` defaults to the
    choice frozen at `analyse` (which the clips stage followed); when a caller asks for the
    other one, the clips of that kind are made first (from the cache when they exist, else
    encoded now, at the cost of the clips stage). Returns ffprobe's streams/format; needs
    clips, mix and subtitles.
    """
    manifest = load_manifest(work_dir)
    config = manifest["config"]
    for needed in ("clips", "mix", "subtitles"):
        if needed not in manifest:
            raise RenderError("compose", f"stage {needed!r} has not run")
    burn = config.get("burn_subtitles", False) if burn_subtitles is None else burn_subtitles
    clip_paths = manifest["clips"]
    if bool(burn) != manifest.get("clips_burned", False):
        cache_dir = manifest.get("clips_cache_dir") or Path(clip_paths[0]).parents[2]
        clip_paths, stats = _shot_clips(manifest, cache_dir=Path(cache_dir), burn=bool(burn))
        manifest["cache"]["compose_clips"] = stats
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    concat = Path(work_dir) / "clips.ffconcat"
    composer.write_concat_list([Path(p) for p in clip_paths], concat)
    tmp = out_path.with_name(f".{out_path.stem}.part.mp4")
    graph = composer.build_compose(
        concat_list=concat,
        mix=Path(manifest["mix"]["path"]),
        srt=Path(manifest["subtitles"]["srt"]),
        out_path=tmp,
        measured=manifest["mix"]["measured"],
        target_i=config["target_i"],
        target_tp=config["target_tp"],
    )
    try:
        composer.run_compose(graph)
        tmp.replace(out_path)
    finally:
        tmp.unlink(missing_ok=True)
    info = composer.probe(out_path)
    manifest["output"] = {
        "path": str(out_path),
        "probe": info,
        "duration": float(info["format"]["duration"]),
        "burned_subtitles": bool(burn),
    }
    save_manifest(work_dir, manifest)
    return info


def thumbnail(*, work_dir: Path, out_path: Path | None = None, at: float | None = None) -> str:
    """JPEG of the frame at `at` seconds (kept within the film) when given; else of the
    middle of the shot with the most characters (the first such, else the middle shot)."""
    manifest = load_manifest(work_dir)
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    timeline = Timeline.from_dict(manifest["timeline"])
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
    target = Path(out_path) if out_path else Path(manifest["output"]["path"]).with_suffix(".jpg")
    tmp = target.with_name(f".{target.stem}.part.jpg")
    composer.extract_frame(Path(manifest["output"]["path"]), at=at, out_path=tmp)
    tmp.replace(target)
    manifest["thumbnail"] = str(target)
    save_manifest(work_dir, manifest)
    return str(target)


# --------------------------------------------------------------------------------------------
# everything


# Share of the progress bar per stage, roughly their share of the wall time.
_WEIGHTS = {
    "analyse": 0.01,
    "moderate": 0.03,
    "voices": 0.2,
    "images": 0.05,
    "clips": 0.55,
    "mix": 0.06,
    "subtitles": 0.01,
    "compose": 0.08,
    "thumbnail": 0.01,
}


def render_film(
    script_text: str | bytes,
    *,
    aspect: str = "16:9",
    out_path: Path,
    work_dir: Path,
    cache_dir: Path,
    progress: Progress | None = None,
    burn_subtitles: bool = False,
    size: tuple[int, int] | None = None,
    fps: int | None = None,
    music: bool | None = None,
    moderation: bool = True,
) -> FilmResult:
    """Run every stage in order and return the result.

    Raises ScriptError for a bad script (code "flagged" when moderation flags it) and
    RenderError when a render step fails. The MP4 and thumbnail appear atomically.
    """
    done = 0.0
    seconds: dict[str, float] = {}

    def stage(name: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
        nonlocal done
        start = time.perf_counter()
        if "progress" in fn.__code__.co_varnames:
            weight, base = _WEIGHTS[name], done
            kwargs["progress"] = lambda f, msg: _report(progress, base + weight * f, msg)
        result = fn(**kwargs)
        seconds[name] = round(time.perf_counter() - start, 3)
        done += _WEIGHTS[name]
        _report(progress, done, f"{name} done")
        return result

    work_dir, cache_dir = Path(work_dir), Path(cache_dir)
    stage(
        "analyse",
        analyse,
        work_dir=work_dir,
        script_text=script_text,
        aspect=aspect,
        size=size,
        fps=fps,
        music=music,
        burn_subtitles=burn_subtitles,
    )
    if moderation:
        verdict = stage("moderate", moderate, work_dir=work_dir)
        if verdict.flagged:
            raise ScriptError("flagged", f"Moderation flagged: {sorted(verdict.categories)}")
    stage("voices", voices, work_dir=work_dir, cache_dir=cache_dir)
    stage("images", images, work_dir=work_dir, cache_dir=cache_dir)
    stage("clips", clips, work_dir=work_dir, cache_dir=cache_dir)
    stage("mix", mix, work_dir=work_dir, cache_dir=cache_dir)
    srt, vtt = stage("subtitles", subtitles, work_dir=work_dir)
    info = stage(
        "compose", compose, work_dir=work_dir, out_path=out_path, burn_subtitles=burn_subtitles
    )
    thumb = stage("thumbnail", thumbnail, work_dir=work_dir)
    manifest = load_manifest(work_dir)
    manifest["stage_seconds"] = seconds
    save_manifest(work_dir, manifest)
    return FilmResult(
        output=str(out_path),
        thumbnail=thumb,
        duration=float(info["format"]["duration"]),
        srt=srt,
        vtt=vtt,
        streams=info["streams"],
        manifest=str(work_dir / MANIFEST),
        stage_seconds=seconds,
        cache=manifest["cache"],
    )


def clear_work_dir(work_dir: Path) -> None:
    """Remove a job's work dir (the cache is shared and kept)."""
    shutil.rmtree(work_dir, ignore_errors=True)
