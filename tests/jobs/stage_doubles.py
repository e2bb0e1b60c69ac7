"""Stage doubles: the job engine's tests and benchmark run every stage with this instead of
the film pipeline, so they measure and exercise the engine, not the renderer.

A double reports progress in a few steps and returns a marker. It is steered per project,
through the Django cache (Redis in the tests, so a worker process sees it too), never
through the API:

    steer(project, delay={"image_generation": 4}, fail={"video_generation": 2})

makes the image stage of that project's jobs take 4 seconds and the first 2 tries of its video
stage raise StageDoubleFailure.

In-process, `install()` / `uninstall()` register the doubles (tests/jobs/conftest.py does it
for every test there). A worker loads them with `celery ... worker --include
tests.jobs.stage_doubles` (tests/celery_worker.py, bench/jobs.py): they are installed when
the worker starts. The module also has the benchmark's no-op task.
"""

import time

from celery import shared_task
from celery.signals import worker_init
from django.core.cache import cache

from celery_app.queues import Queue
from jobs.stages import STAGES, Progress, register_stage, registered_stages, unregister_stage

MODULE = __name__
STEPS = 4
# Long enough for any test or benchmark run; the test suite clears the cache around each test.
CONTROLS_TTL = 3600


class StageDoubleFailure(Exception):
    code = "stage_double_failure"


def _key(project_id: int) -> str:
    return f"stage-doubles:project:{project_id}"


def steer(project, *, delay: dict | None = None, fail: dict | None = None) -> None:
    """Set how the doubles run the stages of `project`'s jobs: `delay` {stage: seconds},
    `fail` {stage: n} (the first n tries of the stage raise)."""
    controls = {"delay": delay or {}, "fail": fail or {}}
    cache.set(_key(project.pk), controls, timeout=CONTROLS_TTL)


def stage_double(job, *, progress: Progress) -> dict:
    stage = job.current_stage
    controls = cache.get(_key(job.project_id)) or {}
    fail_first = int(controls.get("fail", {}).get(stage, 0))
    delay = float(controls.get("delay", {}).get(stage, 0))
    for step in range(STEPS):
        if delay:
            time.sleep(delay / STEPS)
        if step == 0 and job.stage_attempt <= fail_first:
            raise StageDoubleFailure(f"stage double {stage} failed on try {job.stage_attempt}")
        progress(int((step + 1) * 100 / STEPS), f"{stage}: step {step + 1}/{STEPS}")
    return {"stage_double": True}


# What apps had registered before the doubles went in (youtube_integration's stages).
_displaced: dict = {}


def install() -> None:
    _displaced.update(registered_stages())
    for name in STAGES:
        register_stage(name, stage_double)


def uninstall() -> None:
    for name in STAGES:
        unregister_stage(name)
    for name, work in _displaced.items():
        if work is not stage_double:
            register_stage(name, work)


@worker_init.connect
def _install_in_worker(**_) -> None:
    # Connected when a worker imports this module (--include); it fires in the worker's main
    # process before the pool forks, so every pool process runs the doubles.
    install()


@shared_task(name="stage_doubles.noop", queue_name=Queue.DEFAULT, ignore_result=False)
def noop(value=None):
    """Does nothing: the benchmark's bare broker round trip."""
    return value
