"""Real Celery workers for tests: subprocesses of `celery -A celery_app worker` on the test
Redis broker and the pytest test database.

Use from a test module (or conftest) with `pytest_plugins = ["tests.celery_worker"]`:

    pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

    def test_something(celery_worker):          # one worker on every queue, started and pinged
        ...
    def test_two(celery_worker_factory):        # start as many as needed, with extra env
        a = celery_worker_factory(name="a", pool="solo", env={"JOB_STAGE_MAX_RETRIES": "1"})

Job stages run with the engine's doubles (tests/jobs/stage_doubles.py, steered per project)
unless the worker is started with `stage_doubles=False` (the film tests: the real pipeline).

The tests must be transactional (`django_db(transaction=True)`): the worker is another
process and only sees committed rows. Queues (and Redis' unacked bookkeeping) are purged
before and after every test; workers are killed at teardown and their logs are printed
when the test failed (they are also kept in the test's tmp_path).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))

# Short broker timings so a SIGKILLed worker's task comes back within seconds: the
# visibility timeout stays above every stage's hard time limit (see settings/celery.py).
WORKER_ENV = {
    "CELERY_VISIBILITY_TIMEOUT": "8",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    "JOB_STAGE_SOFT_TIME_LIMIT": "5",
    "JOB_STAGE_TIME_LIMIT": "6",
    "JOB_STAGE_MAX_RETRIES": "3",
    "JOB_RETRY_BACKOFF_BASE": "0.1",
    "JOB_RETRY_JITTER": "0.1",
    "LOG_LEVEL": "INFO",
}
# Loaded by the worker (`--include`): it registers the stage doubles when the worker starts.
STAGE_DOUBLES = "tests.jobs.stage_doubles"


def wait_for(predicate: Callable[[], object], *, timeout: float = 30, interval: float = 0.1):
    """Poll `predicate` until it returns something truthy; AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


def test_database_url() -> str:
    s = connection.settings_dict
    return (
        f"postgres://{s['USER']}:{s.get('PASSWORD') or ''}@{s['HOST'] or '127.0.0.1'}:"
        f"{s['PORT'] or 5432}/{s['NAME']}"
    )


test_database_url.__test__ = False  # not a test, despite the name


def purge_broker() -> None:
    """Empty every queue (all priority levels) and forget unacknowledged deliveries."""
    from celery_app import app

    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in app.conf.task_queues:
            with contextlib.suppress(Exception):
                channel.queue_purge(queue.name)
        client = getattr(channel, "client", None)
        if client is not None:  # Redis: a killed worker's deliveries wait here
            client.delete("unacked", "unacked_index", "unacked_mutex")


class Worker:
    def __init__(
        self, *, name: str, queues: str, pool: str, concurrency: int, include, env, log: Path
    ):
        self.hostname = f"{name}-{uuid.uuid4().hex[:6]}@tests"
        self.log_path = log
        self._log = open(log, "ab")  # noqa: SIM115 (open for the life of the worker)
        cmd = [
            CELERY,
            "-A",
            "celery_app",
            "worker",
            "-Q",
            queues,
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "-n",
            self.hostname,
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            *(["--include", ",".join(include)] if include else []),
        ]
        # Its own process group, so a kill reaches the pool's children too.
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        from celery_app import app

        def answered():
            if self.proc.poll() is not None:
                raise AssertionError(f"worker {self.hostname} exited:\n{self.logs()}")
            return app.control.ping(destination=[self.hostname], timeout=0.5)

        try:
            wait_for(answered, timeout=timeout, interval=0.2)
        except AssertionError:
            raise AssertionError(f"worker {self.hostname} not ready:\n{self.logs()}") from None

    def kill(self, sig=signal.SIGKILL) -> None:
        """Kill the whole worker (main process and pool) at once, like a lost machine."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()
        self._log.close()

    def logs(self) -> str:
        if not self._log.closed:  # stop() closes it; the logs are still read after a failure
            self._log.flush()
        return self.log_path.read_text(errors="replace")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _require_redis():
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("worker tests need REDIS_URL (a real Redis broker)")


@pytest.fixture
def celery_worker_factory(request, transactional_db, tmp_path, settings):
    """Start real workers: `factory(name="w", queues="default,media,gpu", pool="prefork",
    concurrency=2, env={...}, stage_doubles=True, ready=True) -> Worker` (pinged before it
    is returned)."""
    _require_redis()
    purge_broker()
    workers: list[Worker] = []
    base_env = {
        **os.environ,
        **WORKER_ENV,
        "DATABASE_URL": test_database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }

    def start(
        name: str = "worker",
        queues: str = "default,media,gpu",
        pool: str = "prefork",
        concurrency: int = 2,
        env: dict | None = None,
        stage_doubles: bool = True,
        ready: bool = True,
    ) -> Worker:
        worker = Worker(
            name=name,
            queues=queues,
            pool=pool,
            concurrency=concurrency,
            include=[STAGE_DOUBLES] if stage_doubles else [],
            env={**base_env, **(env or {})},
            log=tmp_path / f"celery-{name}-{len(workers)}.log",
        )
        workers.append(worker)
        if ready:
            worker.wait_ready()
        return worker

    yield start

    for worker in workers:
        worker.stop()
    purge_broker()
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        for worker in workers:
            print(f"\n===== log of {worker.hostname} ({worker.log_path}) =====\n{worker.logs()}")


@pytest.fixture
def film_worker(celery_worker_factory, tmp_path) -> Worker:
    """One real worker running the real film pipeline, with its own work dir and render
    cache. Film stages take seconds, not the engine tests' tenths: they get real limits."""
    return celery_worker_factory(
        stage_doubles=False,
        env={
            "JOB_STAGE_SOFT_TIME_LIMIT": "240",
            "JOB_STAGE_TIME_LIMIT": "250",
            "CELERY_VISIBILITY_TIMEOUT": "600",
            "FILM_WORK_DIR": str(tmp_path / "work"),
            "FILM_CACHE_DIR": str(tmp_path / "cache"),
        },
    )


@pytest.fixture
def celery_worker(celery_worker_factory) -> Worker:
    """One real worker consuming every queue (prefork, 2 processes)."""
    return celery_worker_factory()
