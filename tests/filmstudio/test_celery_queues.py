"""Every task declares its own queue and its messages land there; beat names real tasks.

`celery_app` knows queues, not apps: there is no routing table, so a task that forgot its
queue would silently run on `default` (and a GPU stage on a CPU worker).
"""

import pytest
from django.conf import settings

from celery_app import app
from celery_app.queues import Queue
from celery_app.schedule import BEAT_SCHEDULE
from jobs.selectors import queue_depths
from jobs.stages import STAGES
from tests.celery_worker import purge_broker

# What the deployment relies on: GPU stages on the GPU workers, ffmpeg work on `media`.
EXPECTED = {
    "jobs.stage.image_generation": Queue.GPU,
    "jobs.stage.video_generation": Queue.GPU,
    "jobs.stage.video_composition": Queue.MEDIA,
    "jobs.stage.subtitle_generation": Queue.DEFAULT,
    "jobs.sweep_stuck": Queue.DEFAULT,
    "jobs.clean_work_dirs": Queue.MEDIA,
    "jobs.prune_film_cache": Queue.MEDIA,
    "billing.monthly_allowance": Queue.DEFAULT,
    "accounts.password_reset_email": Queue.DEFAULT,
    "media_library.video_process": Queue.MEDIA,
    "media_library.quotas_reset_weekly": Queue.MEDIA,
    "media_library.maintenance": Queue.MEDIA,
}


def _our_tasks() -> dict:
    app.loader.import_default_modules()  # every app's tasks.py, as a worker or beat loads them
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_declares_a_queue_the_workers_consume():
    tasks = _our_tasks()
    assert set(EXPECTED) <= set(tasks)
    for name, task in tasks.items():
        assert getattr(task, "queue_name", None) in set(Queue), f"{name} declares no queue"
    for name, stage in STAGES.items():
        assert tasks[f"jobs.stage.{name}"].queue_name == stage.queue
    for name, queue in EXPECTED.items():
        assert tasks[name].queue_name == queue, name


@pytest.mark.django_db
def test_every_task_is_published_to_the_queue_it_declares():
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("needs REDIS_URL (a real Redis broker)")
    purge_broker()
    try:
        for name, task in _our_tasks().items():
            before = queue_depths()
            # By name, as beat and other processes send it; Task.apply_async takes the same
            # route (it passes the task's own options to send_task).
            app.send_task(name, args=[0])
            after = queue_depths()
            grew = {queue for queue in after if after[queue] > before[queue]}
            declared = getattr(task, "queue_name", None)
            assert grew == {declared}, f"{name} went to {grew}, declares {declared}"
    finally:
        purge_broker()


def test_every_beat_entry_names_a_registered_task_and_expires():
    tasks = _our_tasks()
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in tasks
        assert entry["options"]["expires"] > 0
