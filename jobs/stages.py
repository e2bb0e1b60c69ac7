"""The stage table: every stage of every job type, declared once.

A stage is a unit of work a job runs in its own Celery task. Its one declaration says where it
runs (the job state it runs in, its queue), what it does (the film engine step whose product
it stores, or work registered by another app), what it costs (credits: a base and a price per
started minute), how long it takes (its share of the progress bar) and its time limits, and
which job types run it. Everything else is derived from this table: the job types' stage
lists, the Celery task per stage and its queue and limits, the overall progress, the price of
a job, which types read the screenplay or make the film, and the admin's labels.

A stage callable has the signature

    def work(job: Job, *, progress: Progress) -> dict

- `job` is a fresh Job row (read its `project`, `parameters`, `result`; do not save it).
- `progress(percent, message="")` reports progress within the stage (0–100). It also checks
  whether the job was cancelled or moved on and then raises `JobStopped`: call it between
  units of work (each shot, each file) so a cancel stops the stage within one unit. Let
  `JobStopped` propagate.
- Return a JSON-serialisable dict of outputs; it is stored in `job.result["stages"][stage]`.
  An `"assets": {"<name>": <Asset id>}` key is merged into `job.result["assets"]`.
- Raise any exception to fail the attempt: it is retried with backoff up to the stage's
  retry limit, then the job fails with `error_code` = the exception's `code` attribute (or
  "stage_failed") and `error_message` = str(exc). Must be safe to run again (a retry or a
  redelivery after a crash reruns the stage from the start).

The film stages' work is in jobs/film_stages.py (one function per stage, named like it).
`register_stage(name, callable)` puts another callable in front of it: the plug-in point
for another app's stages and for the engine's tests and benchmark (tests/jobs/stage_doubles.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from celery_app.queues import Queue

from .errors import JobStopped  # noqa: F401 (stage callables let it propagate; see above)
from .models import JobStatus, JobType


class Progress(Protocol):
    def __call__(self, percent: int, message: str = "") -> None: ...


StageCallable = Callable[..., dict]


@dataclass(frozen=True)
class Price:
    """Credits: `base` plus `per_minute` for every started minute of the film's length."""

    base: int
    per_minute: int


@dataclass(frozen=True)
class StageLimits:
    soft: int
    hard: int
    max_retries: int


@dataclass(frozen=True)
class Stage:
    name: str
    label: str  # what staff read in the admin
    status: str  # the machine state the job is in while this stage runs
    queue: Queue
    step: str | None  # the film engine step whose product it stores (film.pipeline.STEPS)
    price: Price
    weight: float  # its share of a whole film render's wall time: the progress bar
    types: frozenset[str]  # the job types that run it
    reads_script: bool = True  # its work starts from the project's screenplay
    makes_film: bool = False  # it stores the project's film: the project follows the job
    # Time limits and retry budget; None takes the site-wide settings. A setting
    # JOB_STAGE_OVERRIDES[name] wins over both (operators tune a stage without a release).
    soft_time_limit: int | None = None
    time_limit: int | None = None
    max_retries: int | None = None

    def limits(self) -> StageLimits:
        override = settings.JOB_STAGE_OVERRIDES.get(self.name, {})
        declared = {
            "soft": self.soft_time_limit or settings.JOB_STAGE_SOFT_TIME_LIMIT,
            "hard": self.time_limit or settings.JOB_STAGE_TIME_LIMIT,
            "max_retries": (
                settings.JOB_STAGE_MAX_RETRIES if self.max_retries is None else self.max_retries
            ),
        }
        return StageLimits(
            **{key: int(override.get(key, value)) for key, value in declared.items()}
        )


T = JobType
FILM = T.FULL_GENERATION
YOUTUBE = T.YOUTUBE_UPLOAD

# Every stage, in the order a full generation runs them. The states must follow the state
# machine's order (jobs/state.py) within every job type: a job never walks back.
# Prices are chosen so that a full generation costs 10 + 10 a minute, the sum of its stages.
STAGES: dict[str, Stage] = {
    s.name: s
    for s in [
        # Parse and moderate the screenplay: light work, on the default queue.
        Stage(
            "script_analysis", "Script analysis", JobStatus.PROCESSING, Queue.DEFAULT,
            step="analyse", price=Price(1, 0), weight=0.04,
            types=frozenset({T.SCRIPT_ANALYSIS, T.IMAGE_GENERATION, T.VOICE_SYNTHESIS,
                             T.SUBTITLE_GENERATION, FILM}),
        ),
        # Every line voiced: their lengths are the film's clock, so the voices come before
        # any picture is cut to them (still "processing" in the state machine).
        Stage(
            "voice_synthesis", "Voice synthesis", JobStatus.PROCESSING, Queue.MEDIA,
            step="voices", price=Price(1, 2), weight=0.2,
            types=frozenset({T.VOICE_SYNTHESIS, FILM}),
        ),
        Stage(
            "image_generation", "Image generation (one still per shot)",
            JobStatus.GENERATING_IMAGES, Queue.GPU,
            step="images", price=Price(3, 4), weight=0.05,
            types=frozenset({T.IMAGE_GENERATION, FILM}),
        ),
        # The moving picture: one clip per shot from its still, exactly as long as its lines.
        Stage(
            "video_generation", "Video generation (one clip per shot)",
            JobStatus.GENERATING_VIDEO, Queue.GPU,
            step="clips", price=Price(0, 0), weight=0.55,
            types=frozenset({FILM}),
        ),
        # The voices over the ducked music bed, peak-limited and measured: the soundtrack.
        Stage(
            "audio_mix", "Soundtrack mix", JobStatus.GENERATING_AUDIO, Queue.MEDIA,
            step="mix", price=Price(2, 2), weight=0.06,
            types=frozenset({FILM}),
        ),
        # A music bed alone, as long as the project (no screenplay involved).
        Stage(
            "music_generation", "Music generation", JobStatus.GENERATING_AUDIO, Queue.MEDIA,
            step=None, price=Price(2, 2), weight=0.06,
            types=frozenset({T.MUSIC_GENERATION}), reads_script=False,
        ),
        Stage(
            "subtitle_generation", "Subtitle generation", JobStatus.COMPOSING, Queue.DEFAULT,
            step="subtitles", price=Price(0, 1), weight=0.01,
            types=frozenset({T.SUBTITLE_GENERATION, FILM}),
        ),
        # The one ffmpeg run that makes the MP4.
        Stage(
            "video_composition", "Video composition (the film)", JobStatus.COMPOSING,
            Queue.MEDIA, step="compose", price=Price(2, 1), weight=0.08,
            types=frozenset({T.VIDEO_COMPOSITION, FILM}), makes_film=True,
        ),
        Stage(
            "thumbnail_generation", "Thumbnail", JobStatus.COMPOSING, Queue.MEDIA,
            step="thumbnail", price=Price(1, 0), weight=0.01,
            types=frozenset({T.THUMBNAIL_GENERATION, FILM}),
        ),
        # Publishing to YouTube (work registered by youtube_integration; free: the film was
        # paid for). Network-bound, so the default queue. The upload resumes its session from
        # Google's offset on every try, so its limits bound one try, not the whole file: 50
        # minutes keeps it under the broker's one-hour visibility timeout.
        Stage(
            "youtube_upload", "YouTube: upload the video", JobStatus.PROCESSING, Queue.DEFAULT,
            step=None, price=Price(0, 0), weight=0.9, types=frozenset({YOUTUBE}),
            reads_script=False, soft_time_limit=50 * 60, time_limit=52 * 60, max_retries=5,
        ),
        Stage(
            "youtube_thumbnail", "YouTube: set the thumbnail", JobStatus.PROCESSING,
            Queue.DEFAULT, step=None, price=Price(0, 0), weight=0.03,
            types=frozenset({YOUTUBE}), reads_script=False,
        ),
        Stage(
            "youtube_captions", "YouTube: add the captions", JobStatus.PROCESSING,
            Queue.DEFAULT, step=None, price=Price(0, 0), weight=0.04,
            types=frozenset({YOUTUBE}), reads_script=False,
        ),
        Stage(
            "youtube_playlist", "YouTube: add to the playlist", JobStatus.PROCESSING,
            Queue.DEFAULT, step=None, price=Price(0, 0), weight=0.03,
            types=frozenset({YOUTUBE}), reads_script=False,
        ),
    ]
}  # fmt: skip

# --- derived ----------------------------------------------------------------------------------

JOB_TYPE_STAGES: dict[str, tuple[str, ...]] = {
    job_type: tuple(name for name, stage in STAGES.items() if job_type in stage.types)
    for job_type in JobType.values
}
# Types whose input is the project's screenplay (validated and moderated at creation).
SCRIPT_TYPES = frozenset(
    t for t, names in JOB_TYPE_STAGES.items() if any(STAGES[n].reads_script for n in names)
)
# Types that make the project's film: the project's status follows these jobs.
FILM_TYPES = frozenset(
    t for t, names in JOB_TYPE_STAGES.items() if any(STAGES[n].makes_film for n in names)
)
STAGE_LABELS: dict[str, str] = {name: stage.label for name, stage in STAGES.items()}
# Types another app starts through its own endpoint, because it holds the job's input (the
# Upload of a YouTube publication): POST /jobs does not offer them.
APP_STARTED_TYPES = frozenset({YOUTUBE})


def stages_for(job_type: str) -> tuple[str, ...]:
    return JOB_TYPE_STAGES[job_type]


def next_stage(job_type: str, stage: str) -> str | None:
    stages = stages_for(job_type)
    i = stages.index(stage)
    return stages[i + 1] if i + 1 < len(stages) else None


def job_price(job_type: str) -> Price:
    """What a job of `job_type` costs: the sum of its stages' prices."""
    prices = [STAGES[name].price for name in stages_for(job_type)]
    return Price(sum(p.base for p in prices), sum(p.per_minute for p in prices))


def progress_share(job_type: str, stage: str, percent: int) -> float:
    """How far (0-1) a job of `job_type` is when `stage` is `percent` done: the stages'
    weights are their shares of the whole."""
    names = stages_for(job_type)
    weights = [STAGES[n].weight for n in names]
    i = names.index(stage)
    done = sum(weights[:i]) + weights[i] * max(0, min(percent, 100)) / 100
    return done / (sum(weights) or 1.0)


# Stage callables registered at run time, ahead of the film pipeline (plug-ins, tests).
_OVERRIDES: dict[str, StageCallable] = {}


def register_stage(name: str, work: StageCallable) -> None:
    """Make `work` do stage `name` (see the module docstring for the contract)."""
    if name not in STAGES:
        raise KeyError(f"unknown stage {name!r}; known: {sorted(STAGES)}")
    _OVERRIDES[name] = work


def unregister_stage(name: str) -> None:
    _OVERRIDES.pop(name, None)


def registered_stages() -> dict[str, StageCallable]:
    """The callables registered so far (an app's stages), to put back after a temporary
    override such as the engine tests' doubles."""
    return dict(_OVERRIDES)


def stage_callable(name: str) -> StageCallable:
    """What does stage `name`: a registered override, else its function in film_stages."""
    if name in _OVERRIDES:
        return _OVERRIDES[name]
    from .film_stages import PIPELINE_STAGES  # imports the render engines: only when needed

    if name not in PIPELINE_STAGES:
        raise LookupError(f"stage {name!r} has no work: its app did not register_stage it")
    return PIPELINE_STAGES[name]
