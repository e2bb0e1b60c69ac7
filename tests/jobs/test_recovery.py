"""The sweeper recovers jobs whose broker message was lost (issue 9, F8) and stages whose
worker is gone (F9), and a replaced try can neither run on nor finish (never twice at once).
Service level; the same through real workers and a real Redis restart: test_outages.py."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jobs import services
from jobs.errors import JobStopped
from jobs.models import Job, JobStatus
from jobs.services import sweeper

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(user, project, fund):
    fund(user, 100)
    created, _ = services.job_create(user=user, project=project, job_type="image_generation")
    return Job.objects.get(pk=created.pk)


@pytest.fixture
def broker(monkeypatch):
    """What the broker holds, as the sweeper reads it."""
    held: set[str] = set()
    monkeypatch.setattr(sweeper, "queued_task_ids", lambda: held)
    return held


def _later(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


def test_a_queued_job_whose_message_the_broker_lost_is_sent_again(job, broker, settings):
    assert job.status == JobStatus.QUEUED and job.celery_task_id
    lost = job.celery_task_id

    assert services.jobs_sweep_stuck(now=_later(settings.JOB_LOST_AFTER - 5))["resent"] == 0
    assert services.jobs_sweep_stuck(now=_later(settings.JOB_LOST_AFTER + 5))["resent"] == 1

    job.refresh_from_db()
    assert job.celery_task_id not in ("", lost)
    assert job.events.filter(message__contains="broker lost its message").exists()
    # The old message, should it come back after all, is refused: the new task owns the stage.
    assert services.job_stage_begin(job_id=job.pk, stage="script_analysis", task_id=lost) is None


def test_a_queued_job_whose_message_the_broker_holds_is_left_alone(job, broker, settings):
    broker.add(job.celery_task_id)
    assert services.jobs_sweep_stuck(now=_later(3600))["resent"] == 0


def test_nothing_is_decided_while_the_broker_cannot_be_read(job, monkeypatch, settings):
    monkeypatch.setattr(sweeper, "queued_task_ids", lambda: None)
    assert services.jobs_sweep_stuck(now=_later(3600))["resent"] == 0


def test_a_job_between_two_stages_whose_next_message_was_lost_is_sent_again(job, broker):
    task = job.celery_task_id
    services.job_stage_begin(job_id=job.pk, stage="script_analysis", task_id=task)
    services.job_stage_finish(job_id=job.pk, stage="script_analysis", outputs={}, task_id=task)
    job.refresh_from_db()
    assert job.current_stage == "image_generation" and job.stage_started_at is None

    assert services.jobs_sweep_stuck(now=_later(600))["resent"] == 1


def test_a_stage_whose_worker_stopped_beating_is_requeued_and_the_old_try_stops(
    job, broker, settings
):
    old = job.celery_task_id
    begun = services.job_stage_begin(job_id=job.pk, stage="script_analysis", task_id=old)
    assert begun.heartbeat_at is not None
    broker.add(old)  # the dead worker's message waits, unacknowledged, for an hour

    quiet = settings.JOB_HEARTBEAT_TIMEOUT
    assert services.jobs_sweep_stuck(now=_later(quiet - 5))["requeued"] == 0
    assert services.jobs_sweep_stuck(now=_later(quiet + 5))["requeued"] == 1

    job.refresh_from_db()
    new = job.celery_task_id
    assert new != old and job.heartbeat_at is None and job.sweeps == 1
    assert job.events.filter(message__contains="stopped sending heartbeats").exists()
    # The old try (were it only slow) can no longer report, beat or finish...
    with pytest.raises(JobStopped):
        services.job_progress(
            job_id=job.pk, stage="script_analysis", status=job.status, percent=50, task_id=old
        )
    assert not services.heartbeat.heartbeat_beat(job_id=job.pk, task_id=old)
    done = services.job_stage_finish(
        job_id=job.pk, stage="script_analysis", outputs={}, task_id=old
    )
    assert done is None
    # ...and its redelivery is refused, while the new task runs the stage.
    assert services.job_stage_begin(job_id=job.pk, stage="script_analysis", task_id=old) is None
    assert services.job_stage_begin(job_id=job.pk, stage="script_analysis", task_id=new)


def test_a_running_try_that_beats_is_left_alone_however_long_it_runs(job, broker, settings):
    task = job.celery_task_id
    services.job_stage_begin(job_id=job.pk, stage="script_analysis", task_id=task)
    later = _later(settings.JOB_HEARTBEAT_TIMEOUT * 3)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=later - timedelta(seconds=1))

    assert services.jobs_sweep_stuck(now=later) == {"requeued": 0, "failed": 0, "resent": 0}


def test_a_retry_waiting_its_countdown_has_no_heartbeat_to_miss(job, broker, settings):
    task = job.celery_task_id
    services.job_stage_begin(job_id=job.pk, stage="script_analysis", task_id=task)
    services.job_stage_attempt_failed(
        job_id=job.pk, stage="script_analysis", error=RuntimeError("x"), retry_in=60, task_id=task
    )
    broker.add(task)  # the retry's message, held by the worker until its countdown ends

    assert Job.objects.get(pk=job.pk).heartbeat_at is None
    assert services.jobs_sweep_stuck(now=_later(settings.JOB_HEARTBEAT_TIMEOUT + 60)) == {
        "requeued": 0,
        "failed": 0,
        "resent": 0,
    }
