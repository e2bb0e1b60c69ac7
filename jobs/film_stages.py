"""The film pipeline behind the job stages.

Each stage of `jobs.stages` runs steps of `jobs.pipeline.film` in the job's work dir and saves
what it made through Django storage as Assets of the project. The work dir holds the manifest
(breakdown, timeline, paths into the shared render cache), so every stage can run in its own
task, on its own worker, and run again after a retry or a crash.

Voice is the clock: line lengths decide every shot's length, so whatever needs a duration
(clips, the mix, subtitles, compose) first makes sure the timeline exists. Steps that already
ran are not run again, and per-shot work comes from the content-addressed cache, so a stage
that re-runs (retry, redelivery, a regenerate after one scene changed) only pays for what
changed. A stage that is missing its inputs (a work dir lost with a worker, or a job type
that starts late in the pipeline, such as `video_composition`) rebuilds them from the
project's screenplay, again mostly from the cache.
"""

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from filmstudio.errors import Forbidden
from jobs.pipeline import film
from jobs.pipeline.audio import write_wav
from jobs.pipeline.cache import FileCache
from jobs.pipeline.music import ambient_bed
from projects.models import Asset
from projects.services import asset_create_from_file, project_flag_for_review

from .models import Job, JobStatus, JobType
from .moderation import moderation_message, script_moderate
from .stages import Progress

logger = logging.getLogger(__name__)

# What each manifest entry needs before it can be made (in pipeline order).
STEPS = ("breakdown", "timeline", "images", "clips", "mix", "subtitles", "output")


def work_dir_for(job: Job) -> Path:
    return Path(settings.FILM_WORK_DIR) / f"job-{job.pk}"


def _cache_dir() -> Path:
    return Path(settings.FILM_CACHE_DIR)


def _fractions(progress: Progress, start: float = 0.0, end: float = 1.0):
    """Adapt the pipeline's progress (fraction 0-1, message) to the stage's (percent), as
    the part from `start` to `end` (fractions) of the stage."""

    def report(fraction: float, message: str = "") -> None:
        progress(int((start + (end - start) * fraction) * 100), message)

    return report


def _span(progress: Progress, start: int, end: int) -> Progress:
    """The stage's progress for one part of it: 0-100 of the part is `start`-`end` percent
    of the stage. (A `_fractions` reporter must not be passed where percents are reported:
    its percents would be read as fractions and jump the stage to 100 at once.)"""

    def report(percent: int, message: str = "") -> None:
        progress(start + (end - start) * percent // 100, message)

    return report


class ContentRefused(Exception):
    """Moderation refuses the screenplay a stage was about to render."""

    retryable = False  # the same script gets the same verdict until staff review it

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _analyse(job: Job, work: Path) -> None:
    """Parse the project's screenplay as it is now into a fresh manifest.

    The script was moderated when the job was created, but its owner may have edited it
    since (a queued job reads it only here), and the types that start late in the pipeline
    are not moderated at creation at all; so the text actually rendered is moderated here.
    """
    project = job.project
    try:
        verdict = script_moderate(project=project)
    except Forbidden as exc:
        raise ContentRefused(exc.code, str(exc.detail)) from exc
    if verdict is not None and verdict.flagged:
        project_flag_for_review(project=project)
        raise ContentRefused("content_flagged", moderation_message(verdict))
    film.analyse(
        work_dir=work,
        script_text=project.script,
        aspect=project.aspect_ratio,
        fps=project.frame_rate,
        # Frozen in the manifest: the clips stage draws burned-in subtitles into the clips.
        burn_subtitles=bool(job.parameters.get("burn_subtitles")),
    )


def _ensure(job: Job, upto: str, progress: Progress) -> dict:
    """Make every manifest entry up to and including `upto` exist; returns the manifest."""
    work, cache = work_dir_for(job), _cache_dir()
    wanted = STEPS[: STEPS.index(upto) + 1]
    manifest = film.load_manifest(work) if (work / film.MANIFEST).exists() else {}
    missing = [step for step in wanted if step not in manifest]
    for n, step in enumerate(missing):
        report = _fractions(progress, n / len(missing), (n + 1) / len(missing))
        if step == "breakdown":
            _analyse(job, work)
        elif step == "timeline":
            film.voices(work_dir=work, cache_dir=cache, progress=report)
        elif step == "images":
            film.images(work_dir=work, cache_dir=cache, progress=report)
        elif step == "clips":
            film.clips(work_dir=work, cache_dir=cache, progress=report)
        elif step == "mix":
            film.mix(work_dir=work, cache_dir=cache, progress=report)
        elif step == "subtitles":
            film.subtitles(work_dir=work)
        elif step == "output":
            film.compose(
                work_dir=work,
                out_path=work / "film.mp4",
                burn_subtitles=bool(job.parameters.get("burn_subtitles")),
            )
        progress(int((n + 1) / len(missing) * 100), f"{step} ready")
    return film.load_manifest(work)


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
    """Parse the screenplay into scenes, shots and lines, and (for every type that renders
    something timed) synthesise the narration, which fixes the timeline."""
    work = work_dir_for(job)
    _analyse(job, work)
    progress(10, "script analysed")
    manifest = film.load_manifest(work)
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
    if job.type != JobType.SCRIPT_ANALYSIS:
        film.voices(work_dir=work, cache_dir=_cache_dir(), progress=_fractions(progress, 0.1))
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
    manifest = _ensure(job, "breakdown", _span(progress, 0, 5))
    paths = film.images(
        work_dir=work_dir_for(job), cache_dir=_cache_dir(), progress=_fractions(progress, 0.05)
    )
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
        for n, path in enumerate(paths)
    ]
    return {"images": len(ids), "asset_ids": ids, "provider": provider}


def video_generation(job: Job, *, progress: Progress) -> dict:
    """A pan-and-zoom clip per shot over its still, exactly as long as its lines."""
    _ensure(job, "images", _span(progress, 0, 30))
    paths = film.clips(
        work_dir=work_dir_for(job), cache_dir=_cache_dir(), progress=_fractions(progress, 0.3)
    )
    return {"clips": len(paths)}


def voice_synthesis(job: Job, *, progress: Progress) -> dict:
    """Every line's voice as its own audio Asset, with its place on the timeline."""
    manifest = _ensure(job, "timeline", progress)
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
    """The ambient bed mixed under the voices with ducking, measured for loudness. Without
    a screenplay timeline (a music-only job) it is the bed alone, as long as the project."""
    if job.type == JobType.MUSIC_GENERATION:
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
    manifest = _ensure(job, "mix", progress)
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
    """The one ffmpeg run: clips, soundtrack (normalised to -14 LUFS) and the subtitle track."""
    work = work_dir_for(job)
    manifest = _ensure(job, "subtitles", _span(progress, 0, 60))
    if "output" in manifest:
        # A rerun composes again: the parameters or the clips may have changed since.
        del manifest["output"]
        film.save_manifest(work, manifest)
    manifest = _ensure(job, "output", _span(progress, 60, 100))
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
    manifest = _ensure(job, "subtitles", progress)
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
    _ensure(job, "output", _span(progress, 0, 90))
    work = work_dir_for(job)
    at = job.parameters.get("at_seconds")
    path = film.thumbnail(work_dir=work, out_path=work / "thumbnail.jpg", at=at)
    asset = _store(
        job, kind=Asset.Kind.THUMBNAIL, path=path, key="thumbnail", content_type="image/jpeg"
    )
    if job.type == JobType.FULL_GENERATION:
        # The film and every file worth keeping are in storage now; the cache keeps the rest.
        shutil.rmtree(work, ignore_errors=True)
    return {"assets": {"thumbnail": asset}}


PIPELINE_STAGES: dict[str, Callable[..., dict]] = {
    "script_analysis": script_analysis,
    "image_generation": image_generation,
    "video_generation": video_generation,
    "voice_synthesis": voice_synthesis,
    "music_generation": music_generation,
    "video_composition": video_composition,
    "subtitle_generation": subtitle_generation,
    "thumbnail_generation": thumbnail_generation,
}


def film_work_dirs_clean(*, now=None) -> int:
    """Remove work dirs no job will need again: finished or cancelled jobs, and jobs that
    failed more than settings.FILM_WORK_KEEP_FAILED_DAYS ago (a retry resumes from its work
    dir, though it could rebuild it from the cache). Returns how many were removed."""
    from datetime import timedelta

    from django.utils import timezone

    root = Path(settings.FILM_WORK_DIR)
    if not root.is_dir():
        return 0
    now = now or timezone.now()
    ids = {
        int(path.name.removeprefix("job-")): path
        for path in root.iterdir()
        if path.is_dir() and path.name.startswith("job-") and path.name[4:].isdigit()
    }
    cutoff = now - timedelta(days=settings.FILM_WORK_KEEP_FAILED_DAYS)
    live = set(
        Job.objects.filter(pk__in=ids)
        .exclude(status__in=[JobStatus.COMPLETED, JobStatus.CANCELLED])
        .exclude(status=JobStatus.FAILED, updated_at__lt=cutoff)
        .values_list("pk", flat=True)
    )
    removed = 0
    for job_id, path in ids.items():
        if job_id not in live:  # includes dirs whose job row is gone
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def film_cache_prune() -> int:
    """Delete render-cache entries unused for settings.FILM_CACHE_MAX_AGE_DAYS days."""
    cache = FileCache(_cache_dir())
    return cache.prune(unused_for=settings.FILM_CACHE_MAX_AGE_DAYS * 86400)
