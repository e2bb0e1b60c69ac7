"""The step table, and how a film is made from it.

Every step is declared once in `STEPS`: its name, the manifest entry it writes, the steps
whose entries it reads, its function, and its share of a whole render's wall time (the
progress bar). In table order, and why:

1. `analyse`    script -> breakdown (moderated first) + the frozen render settings (size,
                fps, providers, whether subtitles are burned into the picture).
2. `voices`     every line synthesised -> exact durations -> the timeline. Voice is the
                clock, so this precedes everything that has a duration.
3. `images`     one still per shot (independent of the timeline).
4. `clips`      pan & zoom clip per shot, exactly as many frames as the timeline says;
                with burned-in subtitles, the shot's own lines are drawn in this encode.
5. `mix`        voices on the timeline over the ducked music bed, peak-limited, and the
                loudness analysis pass (audio only).
6. `subtitles`  SRT + WebVTT from the line timings.
7. `compose`    the one ffmpeg run producing the MP4: clips joined by stream copy (burned
                in or not), the mastered audio, and the soft subtitle track.
8. `thumbnail`  a JPEG from the middle of a representative shot.

`ensure(run, step)` makes what one step needs and then that step, skipping whatever the
manifest already holds; `render_film` makes everything afresh. FilmStudio's job stages and
`make_film` are the two callers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from film.steps.analyse import analyse
from film.steps.delivery import compose, subtitles, thumbnail
from film.steps.pictures import clips, images
from film.steps.soundtrack import mix
from film.steps.voices import voices
from film.workspace import MANIFEST, FilmRun, Progress, load_manifest, report, save_manifest


@dataclass(frozen=True)
class Step:
    name: str
    product: str  # the manifest entry it writes
    needs: tuple[str, ...]  # the steps whose entries it reads
    run: Callable[[FilmRun, Progress | None], Any]
    weight: float  # share of a whole render's wall time


STEPS: dict[str, Step] = {
    step.name: step
    for step in [
        Step("analyse", "breakdown", (), analyse, 0.04),
        Step("voices", "timeline", ("analyse",), voices, 0.2),
        Step("images", "images", ("analyse",), images, 0.05),
        Step("clips", "clips", ("voices", "images"), clips, 0.55),
        Step("mix", "mix", ("voices",), mix, 0.06),
        Step("subtitles", "subtitles", ("voices",), subtitles, 0.01),
        Step("compose", "output", ("clips", "mix", "subtitles"), compose, 0.08),
        Step("thumbnail", "thumbnail", ("compose",), thumbnail, 0.01),
    ]
}


def plan(run: FilmRun, target: str, *, redo: Collection[str] = ()) -> list[Step]:
    """The steps to run, in table order, so that `target` has run: of `target` and the steps
    it needs (transitively), those whose entry the manifest lacks, those named in `redo`,
    and those that read the entry of a step that runs."""
    wanted, pending = set(), [target]
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted.add(name)
            pending.extend(STEPS[name].needs)
    path = Path(run.work_dir) / MANIFEST
    manifest = load_manifest(run.work_dir) if path.exists() else {}
    todo: dict[str, Step] = {}
    for step in STEPS.values():
        stale = any(need in todo for need in step.needs)
        if step.name in wanted and (stale or step.name in redo or step.product not in manifest):
            todo[step.name] = step
    return list(todo.values())


def run_steps(
    run: FilmRun, steps: list[Step], *, progress: Progress | None = None
) -> dict[str, float]:
    """Run `steps` in order, sharing the progress (0-1) among them by weight; returns the
    seconds each took."""
    total = sum(step.weight for step in steps) or 1.0
    done = 0.0
    seconds: dict[str, float] = {}
    for step in steps:
        started = time.perf_counter()
        step.run(run, _part(progress, done / total, step.weight / total))
        seconds[step.name] = round(time.perf_counter() - started, 3)
        done += step.weight
        report(progress, done / total, f"{step.name} done")
    return seconds


def ensure(
    run: FilmRun, target: str, *, progress: Progress | None = None, redo: Collection[str] = ()
) -> dict[str, float]:
    """Run what `plan` says; returns the seconds each step took."""
    return run_steps(run, plan(run, target, redo=redo), progress=progress)


def _part(progress: Progress | None, base: float, share: float) -> Progress:
    """A step's progress (0-1) as the part from `base` to `base + share` of the whole."""
    return lambda fraction, message: report(progress, base + share * fraction, message)


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


def render_film(run: FilmRun, *, progress: Progress | None = None) -> FilmResult:
    """Run every step, from a fresh analysis of `run.script`, and return the result.

    Raises ScriptError for a bad script (code "flagged" when moderation flags it) and
    RenderError when a render step fails. The MP4 and thumbnail appear atomically.
    """
    seconds = ensure(run, "thumbnail", progress=progress, redo=STEPS)
    manifest = load_manifest(run.work_dir)
    manifest["stage_seconds"] = seconds
    save_manifest(run.work_dir, manifest)
    output = manifest["output"]
    return FilmResult(
        output=output["path"],
        thumbnail=manifest["thumbnail"],
        duration=output["duration"],
        srt=manifest["subtitles"]["srt"],
        vtt=manifest["subtitles"]["vtt"],
        streams=output["probe"]["streams"],
        manifest=str(Path(run.work_dir) / MANIFEST),
        stage_seconds=seconds,
        cache=manifest["cache"],
    )
