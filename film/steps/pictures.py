"""The picture steps.

`images`: with the drawn scenery (the default), each scene's place is read from its heading
and action and painted once in depth layers (cached as one stacked PNG), and each shot gets a
still of its place with its cast (the project's image assets, the thumbnail). With another
engine (generated images, stock, the creator's library), each shot gets that engine's still.

`clips`: the film is cut into setups (`film.shotplan`); each becomes one raw H.264 clip of
exactly its frames (`film.camera`), cached by everything that decides its pixels, with its
captions drawn in when subtitles are burned in. Two encodes run side by side (one thread
each: on 2 cores that is ~25% less CPU than one encoder on two threads).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from PIL import Image

from film import camera
from film.breakdown import Breakdown, Shot
from film.cache import FileCache, SharedStore
from film.captions import caption_top, cues_for_timeline, layout
from film.errors import RenderError
from film.figures import Figure, figure_for
from film.places import Place, place_for
from film.providers.images import ShotContext
from film.providers.registry import get_provider
from film.scenery import LAYERS, light_for
from film.shotplan import Segment, onstage_by_shot, plan_segments
from film.staging import card_layers, framed, still_layers, title_rows
from film.timeline import Timeline
from film.workspace import FilmRun, Progress, cache_stats, load_manifest, report, save_manifest

CLIP_VERSION = "craft-5"
WORKERS = 2


def shot_context(breakdown: Breakdown, shot: Shot) -> ShotContext:
    """What the picture of `shot` should show, for engines that picture one shot at a time."""
    scene = breakdown.scene_of(shot)
    present = onstage_by_shot(breakdown).get(shot.index, [])
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


def scene_places(breakdown: Breakdown) -> list[Place]:
    places: list[Place] = []
    for scene in breakdown.scenes:
        action = " ".join(s.description for s in scene.shots if s.kind in ("action", "prose"))
        places.append(
            place_for(
                int_ext=scene.int_ext,
                location=scene.location or scene.heading,
                time_of_day=scene.time_of_day,
                action=action,
                previous=places[-1] if places else None,
            )
        )
    return places


def figures_of(manifest: dict[str, Any], breakdown: Breakdown) -> list[Figure]:
    roles = manifest.get("roles", {})
    return [
        figure_for(
            name,
            gender=roles.get(name, {}).get("gender", "n"),
            age=roles.get(name, {}).get("age", "adult"),
            order=i,
        )
        for i, name in enumerate(breakdown.characters)
    ]


def _stack(layers: dict[str, Image.Image], path: Path) -> None:
    width, height = layers[LAYERS[0]].size
    stacked = Image.new("RGBA", (width, height * len(LAYERS)))
    for i, name in enumerate(LAYERS):
        stacked.paste(layers[name], (0, i * height))
    stacked.save(path, format="PNG", compress_level=1)


def _unstack(path: str | Path) -> dict[str, Image.Image]:
    stacked = Image.open(path).convert("RGBA")
    height = stacked.height // len(LAYERS)
    return {
        name: stacked.crop((0, i * height, stacked.width, (i + 1) * height))
        for i, name in enumerate(LAYERS)
    }


def images(run: FilmRun, progress: Progress | None = None) -> list[str]:
    """A still per shot (and, for the drawn scenery, each scene's layers); returns the stills."""
    manifest = load_manifest(run.work_dir)
    config = manifest["config"]
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    provider = get_provider("image", config["image_provider"], run.config)
    size = (config["width"], config["height"])
    cache = run.cache()
    paths: list[str] = []
    missed: list[int] = []
    scenery: dict[str, Any] | None = None
    if getattr(provider, "layered", False):
        places = scene_places(breakdown)
        layer_paths = []
        for n, place in enumerate(places):
            inputs = {
                "provider": provider.name,
                "version": provider.version,
                "size": size,
                "place": asdict(place),
                "seed": n,
            }

            def paint(tmp: Path, place: Place = place, n: int = n) -> None:
                _stack(provider.layers(place, size, seed=n), tmp)

            path, _ = cache.get_or_create("layers", inputs, ".png", paint)
            layer_paths.append(str(path))
        scenery = {"places": [asdict(p) for p in places], "layers": layer_paths}
    figures = figures_of(manifest, breakdown)
    shots = breakdown.shots
    onstage = onstage_by_shot(breakdown)
    unstacked: dict[str, dict[str, Image.Image]] = {}
    for n, shot in enumerate(shots):
        context = shot_context(breakdown, shot)
        inputs: dict[str, Any] = {
            "provider": provider.name,
            "version": provider.version,
            "size": size,
            "shot": context.cache_fields(),
        }
        if scenery is not None:
            scene = breakdown.scene_of(shot).index
            inputs["layers"] = Path(scenery["layers"][scene]).name
            inputs["staging"] = CLIP_VERSION
            inputs["figures"] = [
                asdict(f) for f in figures if f.name in onstage.get(shot.index, [])
            ]

        def make(tmp: Path, context: ShotContext = context, shot: Shot = shot) -> None:
            if scenery is None:
                provider.render(shot=context, size=size, out_path=tmp)
                return
            scene = breakdown.scene_of(shot).index
            place = Place(**scenery["places"][scene])
            path = scenery["layers"][scene]
            if path not in unstacked:  # a scene's layers are read once for all its shots
                unstacked[path] = _unstack(path)
            layers, _ = framed(
                unstacked[path],
                figures,
                size=size,
                framing="wide",
                focus=None,
                present=context.characters,
                light=light_for(place),
                aspect=config.get("aspect"),
            )
            flat = camera.flatten(layers)
            left = (flat.width - size[0]) // 2
            flat.crop((left, 0, left + size[0], size[1])).convert("RGB").save(
                tmp, format="PNG", compress_level=1
            )

        path, hit = cache.get_or_create("image", inputs, ".png", make)
        if not hit:
            missed.append(shot.index)
        paths.append(str(path))
        report(progress, (n + 1) / len(shots), f"image for shot {shot.index + 1}")
    manifest["images"] = paths
    manifest["scenery"] = scenery
    manifest["cache"]["images"] = cache_stats(cache, "image", missed)
    save_manifest(run.work_dir, manifest)
    return paths


def _segment_layers(
    seg: Segment, manifest, breakdown, figures, size, layer_cache
) -> tuple[dict, Any, dict]:
    """The layers of one setup, what decides them (for the clip's cache key) and where its
    characters stand (their boxes in the frame)."""
    scenery = manifest.get("scenery")
    if seg.kind in ("title", "end"):
        rows = (
            title_rows(breakdown.title, breakdown.title_page)
            if seg.kind == "title"
            else [(breakdown.end_card or "The End", 0.085)]
        )
        return card_layers(size, rows), {"card": rows}, {}
    if scenery is None:
        still = manifest["images"][seg.shot]
        return still_layers(Image.open(still), size), {"still": Path(still).name}, {}
    path = scenery["layers"][seg.scene]
    if path not in layer_cache:
        layer_cache[path] = _unstack(path)
    place = Place(**scenery["places"][seg.scene])
    layers, boxes = framed(
        layer_cache[path],
        figures,
        size=size,
        framing=seg.framing,
        focus=seg.focus,
        present=seg.present,
        light=light_for(place),
        aspect=manifest["config"].get("aspect"),
    )
    key = {
        "layers": Path(path).name,
        "figures": [asdict(f) for f in figures if f.name in seg.present],
    }
    return layers, key, boxes


def shot_clips(
    manifest: dict[str, Any],
    *,
    cache_dir: Path,
    burn: bool,
    progress: Progress | None = None,
    shared: SharedStore | None = None,
) -> tuple[list[str], dict[str, Any]]:
    """One cached raw H.264 clip per setup, captions drawn in when `burn`; returns the
    paths (in film order) and the cache stats."""
    config = manifest["config"]
    timeline = Timeline.from_dict(manifest["timeline"])
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    size, fps = (config["width"], config["height"]), config["fps"]
    aspect = config.get("aspect", "16:9")
    segments = [Segment(**s) for s in manifest["segments"]]
    figures = figures_of(manifest, breakdown)
    cues = (
        cues_for_timeline(timeline, aspect=aspect, mode=config.get("captions", "all"))
        if burn
        else []
    )
    places = (manifest.get("scenery") or {}).get("places")
    cache = FileCache(cache_dir, shared=shared)
    layer_cache: dict[str, dict] = {}
    missed: list[int] = []
    done: list[int] = []
    lock = threading.Lock()
    stage: list[dict] = [{} for _ in segments]

    def one(n: int) -> str:
        seg = segments[n]
        layers, picture, boxes = _segment_layers(
            seg, manifest, breakdown, figures, size, layer_cache
        )
        stage[n] = boxes
        place = Place(**places[seg.scene]) if places and seg.scene >= 0 else None
        shown = [
            (
                max(0, round(c.start * fps) - seg.start_frame),
                min(seg.frames, round(c.end * fps) - seg.start_frame),
                c,
            )
            for c in cues
            if round(c.end * fps) > seg.start_frame
            and round(c.start * fps) < seg.start_frame + seg.frames
        ]
        move = camera.Segment(
            seg.frames,
            seg.motion,
            seg.fade_in,
            seg.fade_out,
            weather=place.weather if place else "clear",
            outdoors=bool(place and not place.interior),
        )
        inputs = {
            "v": CLIP_VERSION,
            "picture": picture,
            "framing": seg.framing,
            "focus": seg.focus,
            "move": asdict(move),
            "size": size,
            "fps": fps,
            "crf": config["crf"],
            "preset": config["preset"],
            "cues": [(a, b, c.lines) for a, b, c in shown],
        }

        def make(tmp: Path) -> None:
            work = tmp.with_suffix(".work")
            try:
                camera.render_segment(
                    layers,
                    move,
                    size=size,
                    fps=fps,
                    out_path=tmp,
                    work=work,
                    tiles=Path(cache_dir) / "tiles",
                    seed=n,
                    crf=config["crf"],
                    preset=config["preset"],
                    cues=[(a, b, layout(c, size, aspect)) for a, b, c in shown],
                )
            finally:
                for f in work.glob("*") if work.exists() else []:
                    f.unlink()
                if work.exists():
                    work.rmdir()

        path, hit = cache.get_or_create("clip", inputs, ".h264", make)
        with lock:  # clips finish out of order: the bar counts them, so it never goes back
            if not hit:
                missed.append(n)
            done.append(n)
            what = f"shot {seg.shot + 1}" if seg.kind == "shot" else f"the {seg.kind} card"
            report(progress, len(done) / len(segments), f"clip for {what}")
        return str(path)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        paths = list(pool.map(one, range(len(segments))))
    # Where each setup's characters stand (frame pixels, before the camera moves), and the
    # highest a caption reaches: what a test or a bench checks to see no caption covers anyone.
    manifest["stage"] = {"caption_top": caption_top(size, aspect), "figures": stage}
    return paths, cache_stats(cache, "clip", sorted(missed))


def clips(run: FilmRun, progress: Progress | None = None) -> list[str]:
    """Plan the setups and encode one clip per setup (cached), with the captions burned in
    when the frozen settings say so; needs voices and images."""
    manifest = load_manifest(run.work_dir)
    if "timeline" not in manifest or "images" not in manifest:
        raise RenderError("clips", "run voices and images first")
    breakdown = Breakdown.from_dict(manifest["breakdown"])
    timeline = Timeline.from_dict(manifest["timeline"])
    manifest["segments"] = [s.to_dict() for s in plan_segments(breakdown, timeline)]
    burn = bool(manifest["config"].get("burn_subtitles", False))
    paths, stats = shot_clips(
        manifest, cache_dir=run.cache_dir, burn=burn, progress=progress, shared=run.shared
    )
    manifest["clips"] = paths
    manifest["clips_burned"] = burn
    manifest["cache"]["clips"] = stats
    save_manifest(run.work_dir, manifest)
    return paths
