"""The stage registry: which stages a job type runs, in which state and queue, and the
callable that does each stage's work.

A stage callable has the signature

    def work(job: Job, *, progress: Progress) -> dict

- `job` is a fresh Job row (read its `project`, `parameters`, `result`; do not save it).
- `progress(percent, message="")` reports progress within the stage (0–100). It also checks
  whether the job was cancelled or moved on and then raises `JobStopped`: call it between
  units of work (each shot, each file) so a cancel stops the stage within one unit. Let
  `JobStopped` propagate.
- Return a JSON-serialisable dict of outputs; it is stored in `job.result["stages"][stage]`.
  An `"assets": {"<name>": <Asset id>}` key is merged into `job.result["assets"]` (the
  download endpoint serves `assets["film"]`, else the last asset added).
- Raise any exception to fail the attempt: it is retried with backoff up to the stage's
  retry limit, then the job fails with `error_code` = the exception's `code` attribute (or
  "stage_failed") and `error_message` = str(exc). Must be safe to run again (a retry or a
  redelivery after a crash reruns the stage from the start).

The film pipeline (jobs/film_stages.py) does every stage's work. `register_stage(name,
callable)` puts another callable in front of it: the plug-in point (the engine's tests and
benchmark register their doubles here, see tests/jobs/stage_doubles.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from celery_app.queues import Queue

from .errors import JobStopped  # noqa: F401 (stage callables let it propagate; see above)
from .models import JobStatus, JobType


class Progress(Protocol):
    def __call__(self, percent: int, message: str = "") -> None: ...


StageCallable = Callable[..., dict]


@dataclass(frozen=True)
class Stage:
    name: str
    status: str  # the machine state the job is in while this stage runs
    queue: Queue


# Every stage, in the order a full generation runs them.
STAGES: dict[str, Stage] = {
    s.name: s
    for s in [
        # Media, not default: it synthesises the narration, whose lengths are the timeline.
        Stage("script_analysis", JobStatus.PROCESSING, Queue.MEDIA),
        Stage("image_generation", JobStatus.GENERATING_IMAGES, Queue.GPU),
        Stage("video_generation", JobStatus.GENERATING_VIDEO, Queue.GPU),
        Stage("voice_synthesis", JobStatus.GENERATING_AUDIO, Queue.MEDIA),
        Stage("music_generation", JobStatus.GENERATING_AUDIO, Queue.MEDIA),
        Stage("video_composition", JobStatus.COMPOSING, Queue.MEDIA),
        Stage("subtitle_generation", JobStatus.COMPOSING, Queue.DEFAULT),
        Stage("thumbnail_generation", JobStatus.COMPOSING, Queue.MEDIA),
    ]
}

# What each job type runs. A type that needs the shot list analyses the script first.
JOB_TYPE_STAGES: dict[str, tuple[str, ...]] = {
    JobType.SCRIPT_ANALYSIS: ("script_analysis",),
    JobType.IMAGE_GENERATION: ("script_analysis", "image_generation"),
    JobType.VOICE_SYNTHESIS: ("script_analysis", "voice_synthesis"),
    JobType.VIDEO_COMPOSITION: ("video_composition",),
    JobType.SUBTITLE_GENERATION: ("script_analysis", "subtitle_generation"),
    JobType.THUMBNAIL_GENERATION: ("thumbnail_generation",),
    JobType.MUSIC_GENERATION: ("music_generation",),
    JobType.FULL_GENERATION: tuple(STAGES),
}

# Types whose input is the project's screenplay (validated and moderated when the job is
# created): every type but a music bed, which video_composition and thumbnail_generation
# rebuild their film from too.
SCRIPT_TYPES = frozenset(JOB_TYPE_STAGES) - {JobType.MUSIC_GENERATION}
# Types that produce the project's film: the project's status follows these jobs.
FILM_TYPES = frozenset({JobType.FULL_GENERATION, JobType.VIDEO_COMPOSITION})


def stages_for(job_type: str) -> tuple[str, ...]:
    return JOB_TYPE_STAGES[job_type]


def next_stage(job_type: str, stage: str) -> str | None:
    stages = stages_for(job_type)
    i = stages.index(stage)
    return stages[i + 1] if i + 1 < len(stages) else None


# Stage callables registered at run time, ahead of the film pipeline (tests, plug-ins).
_OVERRIDES: dict[str, StageCallable] = {}


def register_stage(name: str, work: StageCallable) -> None:
    """Make `work` do stage `name` (see the module docstring for the contract)."""
    if name not in STAGES:
        raise KeyError(f"unknown stage {name!r}; known: {sorted(STAGES)}")
    _OVERRIDES[name] = work


def unregister_stage(name: str) -> None:
    _OVERRIDES.pop(name, None)


def stage_callable(name: str) -> StageCallable:
    """What does stage `name`: a registered override, else the film pipeline."""
    if name in _OVERRIDES:
        return _OVERRIDES[name]
    from .film_stages import PIPELINE_STAGES  # imports the render engines: only when needed

    return PIPELINE_STAGES[name]
