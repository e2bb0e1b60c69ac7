"""The film engine behind the job stages.

Each stage of `jobs.stages` runs steps of the engine's step table (`film.pipeline`) in the
job's work dir and saves what it made through Django storage as Assets of the project. The
work dir holds the manifest (breakdown, timeline, paths into the render cache); it is pulled
from storage before a stage and pushed back after it (`jobs.film_storage`), and the render
cache's entries travel through storage too, so every stage can run in its own task, on any
worker on any host, and run again after a retry or a crash.

A stage asks the engine for the step whose output it stores (`_ensure`); the engine first
makes whatever that step needs and the manifest lacks. Voice is the clock: whatever needs a
duration (clips, the mix, subtitles, compose) first makes sure the timeline exists. Per-shot
work comes from the content-addressed cache, so a stage that re-runs (retry, redelivery, a
regenerate after one scene changed) only pays for what changed, and a stage that is missing
its inputs (a work dir lost with a worker, or a job type that starts late in the pipeline,
such as `video_composition`) rebuilds them from the project's screenplay.
"""

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from film import pipeline
from film.audio import write_wav
from film.cache import FileCache
from film.music import ambient_bed
from film.workspace import FilmRun, load_manifest
from filmstudio.errors import Forbidden
from projects.models import Asset
from projects.services import asset_create_from_file, project_flag_for_review

from .film_config import film_cache_dir, film_config
from .film_storage import (
    film_share,
    stored_workspaces,
    workspace_forget,
    workspace_pull,
    workspace_push,
)
from .models import Job, JobStatus, JobType
from .moderation import moderation_message, script_moderate
from .stages import STAGES, Progress

logger = logging.getLogger(__name__)


def work_dir_for(job: Job) -> Path:
    return Path(settings.FILM_WORK_DIR) / f"job-{job.pk}"


def _film_run(job: Job) -> FilmRun:
    """The engine's view of the job's film: its work dir, the site's configuration, and what
    the project and the job's parameters ask for."""
    project, work = job.project, work_dir_for(job)
    return FilmRun(
        work_dir=work,
        cache_dir=film_cache_dir(),
        config=film_config(),
        script=project.script,
        aspect=job.parameters.get("aspect_ratio") or project.aspect_ratio,
        fps=project.frame_rate,
        size=tuple(map(int, settings.FILM_FRAME_SIZE.split("x")))
        if settings.FILM_FRAME_SIZE
        else None,
        burn_subtitles=bool(job.parameters.get("burn_subtitles")),
        captions=job.parameters.get("captions") or project.captions,
        picture_source=project.picture_source,
        voice_source=project.voice_source,
        cast=tuple(sorted({**(project.cast or {}), **job.parameters.get("cast", {})}.items())),
        moderate=False,  # `_screen` applies the site's moderation policy first
        thumbnail_path=work / "thumbnail.jpg",
        thumbnail_at=job.parameters.get("at_seconds"),
        shared=film_share(),
    )


def _fractions(progress: Progress, start: float = 0.0, end: float = 1.0):
    """Adapt the engine's progress (fraction 0-1, message) to the stage's (percent), as
    the part from `start` to `end` (fractions) of the stage."""

    def report(fraction: float, message: str = "") -> None:
        progress(int((start + (end - start) * fraction) * 100), message)

    return report


class ContentRefused(Exception):
    """Moderation refuses the screenplay a stage was about to render."""

    retryable = False  # the same script gets the same verdict until staff review it

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _screen(job: Job) -> None:
    """Refuse (ContentRefused) a screenplay moderation flags or staff rejected.

    The script was moderated when the job was created, but its owner may have edited it
    since (a queued job reads it only when it is analysed), and the types that start late in
    the pipeline are not moderated at creation at all; so the text actually rendered is
    moderated whenever it is analysed.
    """
    project = job.project
    try:
        verdict = script_moderate(project=project)
    except Forbidden as exc:
        raise ContentRefused(exc.code, str(exc.detail)) from exc
    if verdict is not None and verdict.flagged:
        project_flag_for_review(project=project, flags=verdict.to_dict())
        raise ContentRefused("content_flagged", moderation_message(verdict))


def _ensure(
    job: Job,
    stage: str,
    progress: Progress,
    *,
    redo: bool = False,
    span: tuple[float, float] = (0.0, 1.0),
) -> dict:
    """Run the engine step of `stage` (its declaration in jobs/stages.py) and whatever it
    needs that the manifest lacks (with `redo`, the step itself again), screening the
    screenplay first when it is to be analysed; returns the manifest. The engine's progress
    is the `span` (fractions) of the stage's."""
    run = _film_run(job)
    step = STAGES[stage].step
    if step != "analyse":  # the analysis starts afresh; any other step goes on from storage
        try:
            workspace_pull(job_id=job.pk, work_dir=run.work_dir)
        except FileNotFoundError as exc:  # a stored file is gone: rebuild from the screenplay
            logger.warning("Job %s: %s; starting its film again", job.pk, exc)
            shutil.rmtree(run.work_dir, ignore_errors=True)
    steps = pipeline.plan(run, step, redo={step} if redo else ())
    if any(s.name == "analyse" for s in steps):
        _screen(job)
    pipeline.run_steps(run, steps, progress=_fractions(progress, *span))
    workspace_push(job_id=job.pk, work_dir=run.work_dir)
    return load_manifest(run.work_dir)


def _store(
    job: Job, *, kind: str, path: str | Path, key: str, content_type: str, metadata=None
) -> int:
    asset = asset_create_from_file(
        project=job.project,
        kind=kind,
        path=Path(path),
        content_type=content_type,
        metadata={**(metadata or {}), "job": job.pk, "key": key},
    )
    return asset.pk


# --- the stages -----------------------------------------------------------------------------


def script_analysis(job: Job, *, progress: Progress) -> dict:
    """Parse the screenplay (as it is now, moderated first) into scenes, shots and lines."""
    work = work_dir_for(job)
    # Always afresh: the screenplay may have changed since a previous try.
    manifest = _ensure(job, "script_analysis", progress, redo=True)
    breakdown_file = work / "breakdown.json"
    breakdown_file.write_text(json.dumps(manifest["breakdown"], indent=2), encoding="utf-8")
    breakdown = manifest["breakdown"]
    asset = _store(
        job,
        kind=Asset.Kind.BREAKDOWN,
        path=breakdown_file,
        key="breakdown",
        content_type="application/json",
    )
    shots = [shot for scene in breakdown["scenes"] for shot in scene["shots"]]
    return {
        "scenes": len(breakdown["scenes"]),
        "shots": len(shots),
        "lines": sum(len(shot["lines"]) for shot in shots),
        "characters": breakdown.get("characters", []),
        "assets": {"breakdown": asset},
    }


def image_generation(job: Job, *, progress: Progress) -> dict:
    """One still per shot (the storyboard renderer by default; see FILM_IMAGE_PROVIDER)."""
    manifest = _ensure(job, "image_generation", progress, redo=True)
    provider = manifest["config"]["image_provider"]
    ids = [
        _store(
            job,
            kind=Asset.Kind.IMAGE,
            path=path,
            key=f"image:{n}",
            content_type="image/png",
            metadata={"shot": n, "provider": provider},
        )
        for n, path in enumerate(manifest["images"])
    ]
    # Which shots were drawn anew (0-based); the others came from the render cache.
    rendered = manifest["cache"]["images"]["missed"]
    return {"images": len(ids), "asset_ids": ids, "provider": provider, "rendered_shots": rendered}


def video_generation(job: Job, *, progress: Progress) -> dict:
    """A pan-and-zoom clip per shot over its still, exactly as long as its lines."""
    manifest = _ensure(job, "video_generation", progress, redo=True)
    # A clip is one setup (segment): the shots any of whose setups were encoded anew (the
    # title and end cards belong to no shot).
    segments = manifest["segments"]
    encoded = {segments[n]["shot"] for n in manifest["cache"]["clips"]["missed"]}
    rendered = sorted(shot for shot in encoded if shot >= 0)
    return {"clips": len(manifest["clips"]), "rendered_shots": rendered}


def voice_synthesis(job: Job, *, progress: Progress) -> dict:
    """Every line voiced (the timeline: voice is the clock), each line's audio stored as its
    own Asset with its place on the timeline."""
    manifest = _ensure(job, "voice_synthesis", progress)
    lines = [line for shot in manifest["timeline"]["shots"] for line in shot["lines"]]
    ids = [
        _store(
            job,
            kind=Asset.Kind.AUDIO,
            path=line["audio"],
            key=f"voice:{line['line_id']}",
            content_type="audio/wav",
            metadata={
                key: line[key] for key in ("line_id", "speaker", "text", "start", "duration")
            },
        )
        for line in lines
    ]
    return {"lines": len(ids), "asset_ids": ids, "cast": manifest.get("cast", {})}


def music_generation(job: Job, *, progress: Progress) -> dict:
    """A music bed alone (no screenplay), as long as the parameters or the project say."""
    duration = float(job.parameters.get("target_duration") or job.project.target_duration)
    mood = job.parameters.get("mood") or "dark"
    samples = ambient_bed(duration, seed=job.project_id, mood=mood)
    path = work_dir_for(job) / "music.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, samples)
    progress(100, "music bed generated")
    asset = _store(
        job,
        kind=Asset.Kind.MUSIC,
        path=path,
        key="music",
        content_type="audio/wav",
        metadata={"duration": duration, "mood": mood},
    )
    return {"duration": duration, "assets": {"music": asset}}


def audio_mix(job: Job, *, progress: Progress) -> dict:
    """The soundtrack: the voices on the timeline over the music bed, ducked under speech,
    peak-limited and measured for loudness."""
    manifest = _ensure(job, "audio_mix", progress)
    asset = _store(
        job,
        kind=Asset.Kind.MUSIC,
        path=manifest["mix"]["path"],
        key="soundtrack",
        content_type="audio/wav",
        metadata={"loudness": manifest["mix"]["measured"]},
    )
    return {"loudness": manifest["mix"]["measured"], "assets": {"soundtrack": asset}}


def video_composition(job: Job, *, progress: Progress) -> dict:
    """The one ffmpeg run: clips, soundtrack (normalised to -14 LUFS) and the subtitle track.
    A rerun composes again: the parameters or the clips may have changed since."""
    manifest = _ensure(job, "video_composition", progress, redo=True)
    output = manifest["output"]
    video = next(s for s in output["probe"]["streams"] if s.get("codec_type") == "video")
    asset = _store(
        job,
        kind=Asset.Kind.FILM,
        path=output["path"],
        key="film",
        content_type="video/mp4",
        metadata={
            "duration": output["duration"],
            "width": video.get("width"),
            "height": video.get("height"),
            "streams": output["probe"]["streams"],
            "format": output["probe"].get("format", {}),
        },
    )
    return {"duration": output["duration"], "assets": {"film": asset}}


def subtitle_generation(job: Job, *, progress: Progress) -> dict:
    """SRT and WebVTT from the exact timing of every synthesised line."""
    manifest = _ensure(job, "subtitle_generation", progress)
    srt = _store(
        job,
        kind=Asset.Kind.SUBTITLES,
        path=manifest["subtitles"]["srt"],
        key="subtitles:srt",
        content_type="application/x-subrip",
    )
    vtt = _store(
        job,
        kind=Asset.Kind.SUBTITLES,
        path=manifest["subtitles"]["vtt"],
        key="subtitles:vtt",
        content_type="text/vtt",
    )
    return {"assets": {"subtitles_srt": srt, "subtitles_vtt": vtt}}


def thumbnail_generation(job: Job, *, progress: Progress) -> dict:
    """A JPEG from the middle of the most representative shot of the film, or from the
    `at_seconds` parameter's frame."""
    manifest = _ensure(job, "thumbnail_generation", progress, redo=True)
    asset = _store(
        job,
        kind=Asset.Kind.THUMBNAIL,
        path=manifest["thumbnail"],
        key="thumbnail",
        content_type="image/jpeg",
    )
    if job.type == JobType.FULL_GENERATION:
        # The film and every file worth keeping are in storage now; the cache keeps the rest.
        shutil.rmtree(work_dir_for(job), ignore_errors=True)
        workspace_forget(job_id=job.pk)
    return {"assets": {"thumbnail": asset}}


# The work of every film stage of the table: the function named like the stage.
PIPELINE_STAGES: dict[str, Callable[..., dict]] = {
    name: work for name in STAGES if callable(work := globals().get(name))
}


def film_work_dirs_clean(*, now=None) -> int:
    """Remove work dirs no job will need again, here and in storage: finished or cancelled
    jobs, and jobs that failed more than settings.FILM_WORK_KEEP_FAILED_DAYS ago (a retry
    resumes from its stored work dir, though it could rebuild it from the cache). The local
    ones are this host's (scratch: another host's go when they fail or finish, or with it).
    Returns how many local dirs were removed."""
    from datetime import timedelta

    from django.utils import timezone

    root = Path(settings.FILM_WORK_DIR)
    now = now or timezone.now()
    ids = {
        int(path.name.removeprefix("job-")): path
        for path in (root.iterdir() if root.is_dir() else [])
        if path.is_dir() and path.name.startswith("job-") and path.name[4:].isdigit()
    }
    stored = stored_workspaces()
    cutoff = now - timedelta(days=settings.FILM_WORK_KEEP_FAILED_DAYS)
    live = set(
        Job.objects.filter(pk__in=[*ids, *stored])
        .exclude(status__in=[JobStatus.COMPLETED, JobStatus.CANCELLED])
        .exclude(status=JobStatus.FAILED, updated_at__lt=cutoff)
        .values_list("pk", flat=True)
    )
    for job_id in set(stored) - live:
        workspace_forget(job_id=job_id)
    removed = 0
    for job_id, path in ids.items():
        if job_id not in live:  # includes dirs whose job row is gone
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def film_cache_prune() -> int:
    """Delete render-cache entries unused for settings.FILM_CACHE_MAX_AGE_DAYS days."""
    cache = FileCache(film_cache_dir())
    return cache.prune(unused_for=settings.FILM_CACHE_MAX_AGE_DAYS * 86400)
