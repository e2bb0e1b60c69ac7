"""Chaos benchmark: jobs through real workers while the broker, the workers and the database
fail, with the sweeper run every JOB_SWEEP_EVERY seconds as beat runs it (60 in production).

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/chaos.py [--jobs N]

Its broker is a Redis of its own on a spare port (tests/redis_server.py), so it can be killed
and restarted empty; REDIS_URL stays the cache. Stages run with the tests' stage doubles
(tests/jobs/stage_doubles.py), each taking STAGE_SECONDS. Scenarios:

1. pool: a worker's pool process SIGKILLed `--kills` times in a row, each time a stage has
   just started (Celery hands the stage back at once);
2. worker: a whole worker SIGKILLed while `--jobs` jobs run; another worker is up. The broker
   would hand the stages back after its visibility timeout (an hour): the sweeper notices the
   silent heartbeats after JOB_HEARTBEAT_TIMEOUT;
3. redis: Redis restarted empty with `--jobs` jobs queued and running; the sweeper re-sends
   the lost messages after JOB_LOST_AFTER;
4. database: every PostgreSQL connection of the workers dropped mid-stage (the stage retries).

Prints, per scenario, how many jobs completed, how many were charged more than once, and the
time from the fault to the last job's completion. Uses the production defaults of the
sweeper's bounds unless --fast (10 s sweeps, 15 s heartbeat timeout, 10 s lost-after).
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filmstudio.settings")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402
from kombu import pools as kombu_pools  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from billing.models import CreditTransaction  # noqa: E402
from billing.services import credits_grant  # noqa: E402
from celery_app import app  # noqa: E402
from jobs import services  # noqa: E402
from jobs.models import Job, JobStatus  # noqa: E402
from projects.models import Project  # noqa: E402
from tests.jobs import stage_doubles  # noqa: E402
from tests.redis_server import RedisServer, children_of  # noqa: E402

STAGE_SECONDS = 2
JOB_TYPE = "image_generation"  # two stages: script analysis, then images


class Workers:
    def __init__(self, broker: RedisServer, env: dict):
        self.broker, self.env, self.procs = broker, env, []

    def start(self, name: str, concurrency: int = 2) -> subprocess.Popen:
        hostname = f"{name}-{uuid.uuid4().hex[:6]}@chaos"
        log = open(ROOT / "var" / f"chaos-{name}.log", "ab")  # noqa: SIM115
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("celery")), "-A", "celery_app", "worker",
             "-Q", "default,media,gpu", "--pool", "prefork", "--concurrency", str(concurrency),
             "-n", hostname, "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
             "--include", stage_doubles.MODULE],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, **self.env, "CELERY_BROKER_URL": self.broker.url,
                 "CELERY_RESULT_BACKEND": self.broker.url, "CONN_MAX_AGE": "0"},
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[hostname], timeout=0.5):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker {name} did not start; see var/chaos-{name}.log")
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.kill(proc)
        self.procs = []


def _use_broker(url: str) -> None:
    app.conf.broker_url = url
    app._after_fork()  # the connection and producer pools are built anew for `url`
    kombu_pools.reset()  # and kombu's own (a restarted Redis closed their connections)


def _submit(user, n: int) -> list[int]:
    ids = []
    for _ in range(n):
        project = Project.objects.create(
            owner=user, title="chaos", script="INT. ROOM - DAY\n\nA storm.\n", target_duration=30
        )
        stage_doubles.steer(
            project, delay={"script_analysis": STAGE_SECONDS, "image_generation": STAGE_SECONDS}
        )
        job, _ = services.job_create(user=user, project=project, job_type=JOB_TYPE)
        ids.append(job.pk)
    return ids


def _running(ids: list[int]) -> int:
    return Job.objects.filter(pk__in=ids, heartbeat_at__isnull=False).count()


def _wait(predicate, timeout: float, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def _finish(ids: list[int], *, sweep_every: float, timeout: float) -> float:
    """Sweep every `sweep_every` seconds (as beat) until every job is finished; the seconds
    it took."""
    started = last_sweep = time.monotonic()
    while time.monotonic() - started < timeout:
        if (
            not Job.objects.filter(pk__in=ids)
            .exclude(status__in=[JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED])
            .exists()
        ):
            return time.monotonic() - started
        if time.monotonic() - last_sweep >= sweep_every:
            services.jobs_sweep_stuck()
            last_sweep = time.monotonic()
        time.sleep(0.5)
    return float("nan")


def _outcome(name: str, ids: list[int], seconds: float) -> dict:
    completed = Job.objects.filter(pk__in=ids, status=JobStatus.COMPLETED).count()
    captures = [CreditTransaction.objects.filter(job_id=pk, kind="capture").count() for pk in ids]
    return {
        "scenario": name,
        "jobs": len(ids),
        "completed": completed,
        "charged more than once": sum(c > 1 for c in captures),
        "seconds": seconds,
    }


def scenario_pool(workers: Workers, user, kills: int, sweep_every: float) -> dict:
    worker = workers.start("pool", concurrency=1)
    ids = _submit(user, kills)
    seen = 0
    t0 = time.monotonic()
    for _ in range(kills):
        # A stage has just started (a new try event): kill the process running it.
        def new_try(seen=seen):
            return (
                Job.objects.filter(pk__in=ids, events__message__contains="started").count() > seen
            )

        _wait(new_try, timeout=60, every=0.1)
        seen = Job.objects.filter(pk__in=ids, events__message__contains="started").count()
        time.sleep(0.3)
        for child in children_of(worker.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
    _finish(ids, sweep_every=sweep_every, timeout=900)
    workers.stop_all()
    return _outcome(f"pool process SIGKILLed {kills}× in a row", ids, time.monotonic() - t0)


def scenario_worker(workers: Workers, user, n: int, sweep_every: float) -> dict:
    victim = workers.start("victim")
    workers.start("rescuer")
    ids = _submit(user, n)
    _wait(lambda: _running(ids) >= 2, timeout=60)
    workers.kill(victim)
    seconds = _finish(ids, sweep_every=sweep_every, timeout=900)
    workers.stop_all()
    return _outcome("whole worker SIGKILLed mid-stage", ids, seconds)


def scenario_redis(workers: Workers, user, n: int, sweep_every: float) -> dict:
    workers.start("redis")
    ids = _submit(user, n)
    _wait(lambda: _running(ids) >= 1, timeout=60)
    workers.broker.restart_empty()
    _use_broker(workers.broker.url)  # this process' pooled connections died with it
    seconds = _finish(ids, sweep_every=sweep_every, timeout=900)
    workers.stop_all()
    return _outcome("Redis restarted empty (jobs queued and mid-stage)", ids, seconds)


def scenario_database(workers: Workers, user, n: int, sweep_every: float) -> dict:
    workers.start("database")
    ids = _submit(user, n)
    _wait(lambda: _running(ids) >= 1, timeout=60)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    seconds = _finish(ids, sweep_every=sweep_every, timeout=900)
    workers.stop_all()
    return _outcome("PostgreSQL connections dropped mid-stage", ids, seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=10, help="jobs per scenario")
    parser.add_argument("--kills", type=int, default=20, help="pool processes killed")
    parser.add_argument("--fast", action="store_true", help="second-scale sweeper bounds")
    parser.add_argument(
        "--scenarios", default="pool,worker,redis,database", help="which, comma-separated"
    )
    args = parser.parse_args()
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        raise SystemExit("Set REDIS_URL: the benchmark needs Redis.")
    sweep_every = 10.0 if args.fast else 60.0
    if args.fast:
        settings.JOB_HEARTBEAT_TIMEOUT, settings.JOB_LOST_AFTER = 15, 10
    env = {
        # Stage limits well above a stage's STAGE_SECONDS; the broker's visibility timeout
        # stays the production hour, so only the sweeper can bring a dead worker's stage back.
        "JOB_STAGE_SOFT_TIME_LIMIT": "60",
        "JOB_STAGE_TIME_LIMIT": "70",
        "JOB_HEARTBEAT_INTERVAL": str(settings.JOB_HEARTBEAT_INTERVAL),
    }
    call_command("migrate", verbosity=0)
    (ROOT / "var").mkdir(exist_ok=True)
    broker = RedisServer(Path(tempfile.mkdtemp(prefix="chaos-redis-"))).start()
    saved = app.conf.broker_url
    _use_broker(broker.url)
    user = User.objects.create_user(f"chaos-{uuid.uuid4().hex[:8]}@example.com", "x")
    credits_grant(user=user, amount=10_000_000, reason="chaos benchmark")
    workers = Workers(broker, env)
    print("| scenario | jobs | completed | charged twice | fault → last job done |")
    print("| --- | --- | --- | --- | --- |", flush=True)
    scenarios = {
        "pool": (scenario_pool, args.kills),
        "worker": (scenario_worker, args.jobs),
        "redis": (scenario_redis, args.jobs),
        "database": (scenario_database, args.jobs),
    }
    scenarios = [scenarios[name] for name in args.scenarios.split(",")]
    try:
        for scenario, n in scenarios:
            r = scenario(workers, user, n, sweep_every)
            print(
                f"| {r['scenario']} | {r['jobs']} | {r['completed']} | "
                f"{r['charged more than once']} | {r['seconds']:.0f} s |",
                flush=True,
            )
    finally:
        workers.stop_all()
        _use_broker(saved)
        broker.kill()
        Project.objects.filter(owner=user).delete()
        user.delete()

    timeout, lost = settings.JOB_HEARTBEAT_TIMEOUT, settings.JOB_LOST_AFTER
    print(
        f"\nsweeps every {sweep_every:.0f} s; JOB_HEARTBEAT_TIMEOUT {timeout} s; "
        f"JOB_LOST_AFTER {lost} s; stages {STAGE_SECONDS} s each (stage doubles)"
    )


if __name__ == "__main__":
    main()
