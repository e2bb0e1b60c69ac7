"""Outages and crashes through real workers (issue 9): the broker is a Redis of the test's own
(tests/redis_server.py) so it can be killed and restarted empty; workers are SIGKILLed whole
or a pool process at a time; PostgreSQL drops the workers' connections. Every job completes
and is charged once. The sweeper runs in the test (in production: beat, every minute), with
its bounds set to seconds. The long versions (more jobs, 20 kills): bench/chaos.py.
"""

import contextlib
import os
import signal
import time

import pytest
from django.db import connection

from billing.models import CreditTransaction
from celery_app import app
from jobs import services
from jobs.models import Job, JobStatus
from jobs.services import job_cost
from tests.celery_worker import wait_for
from tests.factories import ProjectFactory
from tests.redis_server import RedisServer, children_of

from .stage_doubles import steer

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker(celery_worker_factory, tmp_path):
    """Our own Redis as the broker, for this process and the workers it starts."""
    redis = RedisServer(tmp_path / "redis").start()
    saved = app.conf.broker_url
    _use_broker(redis.url)
    yield redis
    _use_broker(saved)
    redis.kill()


def _use_broker(url: str) -> None:
    # As after a fork: the app builds its connection and producer pools anew, for `url`.
    app.conf.broker_url = url
    app._after_fork()


def _worker(factory, redis: RedisServer, **options):
    env = {"CELERY_BROKER_URL": redis.url, "CELERY_RESULT_BACKEND": redis.url}
    env.update(options.pop("env", {}))
    return factory(env=env, **options)


def _create(client, project, job_type="image_generation") -> int:
    response = client.post("/api/v1/jobs", {"project": project.pk, "type": job_type}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _captures(job_id: int) -> int:
    return CreditTransaction.objects.filter(job_id=job_id, kind="capture").count()


def _started(job_id: int, stage: str, attempt: int = 1) -> bool:
    message = f"{stage}: try {attempt} started"
    return Job.objects.get(pk=job_id).events.filter(message=message).exists()


def _sweep_until_done(job_ids: list[int], *, timeout: float = 90) -> list[Job]:
    """Run the sweeper (as beat would) until every job is finished."""

    def done():
        services.jobs_sweep_stuck()
        jobs = list(Job.objects.filter(pk__in=job_ids))
        return (
            jobs if all(j.status in (JobStatus.COMPLETED, JobStatus.FAILED) for j in jobs) else None
        )

    return wait_for(done, timeout=timeout, interval=0.5)


def test_jobs_created_and_resets_asked_while_the_broker_is_down(
    broker, celery_worker_factory, auth_client, user, project, fund, settings
):
    settings.JOB_RESEND_AFTER = 0
    fund(user, job_cost(job_type="image_generation", target_duration=60))
    broker.kill()

    # The job is accepted (its row and reservation are committed; nothing is undone)...
    job_id = _create(auth_client, project)
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.celery_task_id) == (JobStatus.QUEUED, "")
    assert CreditTransaction.objects.filter(job_id=job_id, kind="reserve").count() == 1
    # ...a reset mail cannot be, and says so; login needs no broker and still works.
    reset = auth_client.post("/api/v1/auth/password/reset", {"email": user.email}, format="json")
    assert (reset.status_code, reset.json()["code"]) == (503, "service_unavailable")
    assert int(reset["Retry-After"]) > 0

    # The broker comes back (empty): the sweeper sends what could not be queued.
    broker.start()
    _worker(celery_worker_factory, broker)
    (job,) = _sweep_until_done([job_id])
    assert job.status == JobStatus.COMPLETED
    assert _captures(job_id) == 1


def test_redis_restarted_empty_with_jobs_queued_and_mid_stage(
    broker, celery_worker_factory, auth_client, user, fund, settings
):
    settings.JOB_LOST_AFTER = 1
    cost = job_cost(job_type="image_generation", target_duration=60)
    fund(user, 3 * cost)
    _worker(celery_worker_factory, broker, pool="solo", concurrency=1)
    projects = [ProjectFactory(owner=user, target_duration=60) for _ in range(3)]
    steer(projects[0], delay={"script_analysis": 3})
    running = _create(auth_client, projects[0])
    wait_for(lambda: _started(running, "script_analysis"))
    queued = [_create(auth_client, project) for project in projects[1:]]  # behind it

    broker.restart_empty()  # every queued message is gone

    jobs = _sweep_until_done([running, *queued], timeout=120)
    assert [job.status for job in jobs] == [JobStatus.COMPLETED] * 3
    assert [_captures(job.pk) for job in jobs] == [1, 1, 1]
    resent = Job.objects.filter(events__message__contains="broker lost its message")
    assert resent.exists()


def test_a_worker_killed_whole_mid_stage_resumes_on_another_within_the_heartbeat_timeout(
    celery_worker_factory, auth_client, user, project, fund, settings
):
    settings.JOB_HEARTBEAT_TIMEOUT = 3
    beats = {"JOB_HEARTBEAT_INTERVAL": "0.5", "CELERY_VISIBILITY_TIMEOUT": "3600"}
    fund(user, job_cost(job_type="image_generation", target_duration=60))
    victim = celery_worker_factory(name="victim", concurrency=1, env=beats)
    steer(project, delay={"image_generation": 4})
    job_id = _create(auth_client, project)
    wait_for(lambda: _started(job_id, "image_generation"))

    victim.kill()  # its message stays unacknowledged for the hour-long visibility timeout
    celery_worker_factory(name="rescuer", concurrency=1, env=beats)
    started = time.monotonic()
    (job,) = _sweep_until_done([job_id])

    assert job.status == JobStatus.COMPLETED
    assert time.monotonic() - started < 60  # not the broker's hour
    assert job.events.filter(message__contains="stopped sending heartbeats").exists()
    assert _started(job_id, "image_generation", attempt=2)
    assert _captures(job_id) == 1


def test_database_connections_dropped_mid_stage_the_stage_retries(
    celery_worker, auth_client, user, project, fund
):
    fund(user, job_cost(job_type="image_generation", target_duration=60))
    steer(project, delay={"image_generation": 3})
    job_id = _create(auth_client, project)
    wait_for(lambda: _started(job_id, "image_generation"))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

    job = wait_for(
        lambda: Job.objects.filter(pk=job_id, status=JobStatus.COMPLETED).first(), timeout=60
    )
    assert job.events.filter(message__contains="image_generation: try 1 failed").exists()
    assert _captures(job_id) == 1


def test_pool_processes_killed_again_and_again_the_job_completes_charged_once(
    celery_worker_factory, auth_client, user, project, fund
):
    fund(user, job_cost(job_type="image_generation", target_duration=60))
    worker = celery_worker_factory(concurrency=1)
    steer(project, delay={"image_generation": 3})
    job_id = _create(auth_client, project)
    for attempt in (1, 2):
        wait_for(lambda attempt=attempt: _started(job_id, "image_generation", attempt))
        for child in children_of(worker.proc.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)

    wait_for(lambda: Job.objects.filter(pk=job_id, status=JobStatus.COMPLETED).first(), timeout=90)
    assert _started(job_id, "image_generation", attempt=3)
    assert _captures(job_id) == 1
