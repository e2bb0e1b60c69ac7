"""Job engine benchmark: API submissions per second, and the latency from submitting a job
to its first stage starting on a real worker, against a bare Celery no-op round trip on the
same broker, measured in the same run.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/jobs.py [--jobs N]

It migrates the database named by DATABASE_URL, starts one worker subprocess (prefork, 2
processes, every queue), creates a throwaway user and project, and deletes them at the end.
Prints a markdown table. The engine is measured, not the film pipeline: the worker runs every
stage with the tests' stage doubles (tests/jobs/stage_doubles.py: a few progress reports, no
render work), and the bare round trip is their no-op task.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filmstudio.settings")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.authentication import refresh_token_for  # noqa: E402
from accounts.models import User  # noqa: E402
from billing.services import credits_grant  # noqa: E402
from celery_app import app  # noqa: E402
from jobs.models import Job  # noqa: E402
from projects.models import Project  # noqa: E402
from tests.jobs import stage_doubles  # noqa: E402
from tests.jobs.stage_doubles import noop  # noqa: E402


def start_worker() -> tuple[subprocess.Popen, str]:
    hostname = f"bench-{uuid.uuid4().hex[:6]}@bench"
    log = open(ROOT / "var" / "bench-jobs-worker.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("celery")), "-A", "celery_app", "worker",
         "-Q", "default,media,gpu", "--pool", "prefork", "--concurrency", "2",
         "-n", hostname, "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
         "--include", stage_doubles.MODULE],
        cwd=ROOT, env={**os.environ, "CONN_MAX_AGE": "60"}, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[hostname], timeout=0.5):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"worker did not start; see {log.name}")
    return proc, hostname


def first_stage_started(job_id: int, timeout: float = 30):
    """The worker-side time the job's first stage began (its 'try 1 started' event)."""
    # Look only after a pause: polling the database in a tight loop would compete with the
    # worker for the CPU and slow down the very thing being measured.
    time.sleep(0.15)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.filter(pk=job_id).values("stage_timings", "current_stage").first()
        timings = job["stage_timings"] or {}
        if timings:
            first = next(iter(timings.values()))
            return datetime.fromisoformat(first["started_at"])
        time.sleep(0.02)
    raise SystemExit(f"job {job_id} never started")


def median_ms(values) -> float:
    return round(statistics.median(values) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=200, help="jobs in the throughput burst")
    parser.add_argument("--samples", type=int, default=40, help="latency samples of each kind")
    args = parser.parse_args()
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        raise SystemExit("Set REDIS_URL: the benchmark measures the Redis broker.")

    call_command("migrate", verbosity=0)
    user = User.objects.create_user(f"bench-{uuid.uuid4().hex[:8]}@example.com", "x")
    project = Project.objects.create(
        owner=user, title="bench", script="INT. ROOM - DAY\n\nA bench.\n", target_duration=30
    )
    credits_grant(user=user, amount=10_000_000, reason="benchmark")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh_token_for(user).access_token}")
    body = {"project": project.pk, "type": "script_analysis"}
    proc, hostname = start_worker()
    try:
        # Warm-up: connections, imports, the worker's pool processes.
        for _ in range(5):
            noop.apply_async(args=[1]).get(timeout=10)
            first_stage_started(client.post("/api/v1/jobs", body, format="json").json()["id"])

        # 1. Bare broker round trip: publish a no-op, a worker runs it, the result comes back.
        bare = []
        for _ in range(args.samples):
            t0 = time.perf_counter()
            noop.apply_async(args=[1]).get(timeout=10)
            bare.append(time.perf_counter() - t0)

        # 2. Job latency, one at a time (empty queue): from sending the POST to the worker
        #    starting the first stage, and from the row's creation to that start.
        from_post, from_row, from_queued = [], [], []
        for _ in range(args.samples):
            sent = timezone.now()
            job = client.post("/api/v1/jobs", body, format="json").json()
            started = first_stage_started(job["id"])
            row = Job.objects.get(pk=job["id"])
            queued = row.events.get(to_status="queued", from_status="validating").at
            from_post.append((started - sent).total_seconds())
            from_row.append((started - row.created_at).total_seconds())
            # The "queued" event is written last in the creating transaction, just before the
            # commit that publishes the first stage: this is the engine's own latency.
            from_queued.append((started - queued).total_seconds())

        # 3. Submission throughput through the API (the worker drains the queue meanwhile).
        t0 = time.perf_counter()
        for _ in range(args.jobs):
            response = client.post("/api/v1/jobs", body, format="json")
            assert response.status_code == 201, response.content
        elapsed = time.perf_counter() - t0
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        # Stage tasks of the burst that the worker did not reach must not run in a later run.
        with app.connection_for_write() as conn:
            for queue in app.conf.task_queues:
                conn.default_channel.queue_purge(queue.name)
        Project.objects.filter(owner=user).delete()
        user.delete()

    rate = args.jobs / elapsed
    ratio = statistics.median(from_queued) / statistics.median(bare)
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| jobs submitted per second (API, sequential, {args.jobs} jobs) | {rate:.1f} |")
    mean_ms = elapsed / args.jobs * 1000
    print(f"| mean API time per submission (the same burst) | {mean_ms:.1f} ms |")
    print(f"| median bare Celery no-op round trip ({args.samples}) | {median_ms(bare)} ms |")
    print(
        f"| median POST sent → first stage started ({args.samples}) | {median_ms(from_post)} ms |"
    )
    print(f"| median job row inserted → first stage started | {median_ms(from_row)} ms |")
    print(f"| median job queued (commit) → first stage started | {median_ms(from_queued)} ms |")
    print(f"| queued → started / bare round trip (target ≤ 2×) | {ratio:.2f}× |")
    print("\nstage work: stage doubles; broker: Redis; worker: prefork, 2 processes")


if __name__ == "__main__":
    main()
