"""Scale benchmark: more workers, fair share, event streams, API reads, sharing nothing.

    DATABASE_URL=postgres://.../filmstudio_bench REDIS_URL=redis://... \\
        .venv/bin/python bench/scale.py [--only throughput,fairness,priority,streams,api,multihost]

Every figure is a ratio against a floor measured in the same run:

- throughput: jobs finished per second with two workers against one (stage doubles that
  sleep, so the engine's spreading of work is measured, not the CPU of a 2-core box);
- fairness: the wait before creator B's first job starts while creator A has 50 jobs in,
  with fair share (A on the pro plan: 3 running) and without (no limit), against the same job
  on an idle system;
- priority: the wait of a `high` job submitted behind 30 `low` ones on one busy worker,
  against a `low` one and against the same job on an idle system;
- streams: 1,000 open event streams on one uvicorn process: its memory and threads, and the
  p50/p99 of `GET /api/v1/plans` with and without them; then one event fanned out to all;
- api: `GET /api/v1/projects` and `GET /api/v1/jobs` (20 rows, authenticated) against bare
  Django views returning the same rows (bench/scale_urls.py), with queries per request;
- multihost: the cold render of examples/the_lighthouse.fountain (320x180, espeak) split over
  a gpu worker and a cpu worker through S3 (SeaweedFS) against one worker with local files.

It migrates the database, starts its own workers, server and S3, and deletes what it made.
"""

import argparse
import asyncio
import contextlib
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
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
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.authentication import refresh_token_for  # noqa: E402
from accounts.models import User  # noqa: E402
from billing.models import CreditAccount  # noqa: E402
from billing.services import credits_grant  # noqa: E402
from celery_app import app  # noqa: E402
from filmstudio.errors import DomainError  # noqa: E402
from jobs.models import Job, JobStatus  # noqa: E402
from jobs.services import job_cancel, job_create  # noqa: E402
from jobs.stages import STAGES  # noqa: E402
from projects.models import Project  # noqa: E402
from tests.jobs import stage_doubles  # noqa: E402
from tests.s3_server import ACCESS_KEY, SECRET_KEY, seaweed  # noqa: E402

PLANS_URL = "/api/v1/plans"
LOG_DIR = ROOT / "var"


def start_worker(queues: str, *, concurrency: int = 1, env=None, doubles: bool = True):
    hostname = f"scale-{uuid.uuid4().hex[:6]}@bench"
    LOG_DIR.mkdir(exist_ok=True)
    log = open(LOG_DIR / f"bench-scale-{hostname.split('@')[0]}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("celery")), "-A", "celery_app", "worker",
         "-Q", queues, "--pool", "prefork", "--concurrency", str(concurrency),
         "-n", hostname, "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
         *(["--include", stage_doubles.MODULE] if doubles else [])],
        cwd=ROOT, env={**os.environ, "CONN_MAX_AGE": "60", **(env or {})}, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[hostname], timeout=0.5):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"worker did not start; see {log.name}")
    return proc


def stop(*procs) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)


def purge() -> None:
    with app.connection_for_write() as conn:
        for queue in app.conf.task_queues:
            conn.default_channel.queue_purge(queue.name)


def new_user(plan: str = "free", credits: int = 1_000_000) -> User:
    user = User.objects.create_user(f"scale-{uuid.uuid4().hex[:8]}@example.com", "x")
    credits_grant(user=user, amount=credits, reason="benchmark")
    CreditAccount.objects.filter(user=user).update(plan_id=plan)
    return user


def new_project(user, script: str = "INT. ROOM - DAY\n\nMARA\nHello.\n") -> Project:
    return Project.objects.create(owner=user, title="bench", script=script, target_duration=30)


def wait_until(predicate, timeout: float = 600, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(interval)
    raise SystemExit("benchmark condition not met in time")


def started_after_created(job_id: int) -> float:
    job = wait_until(lambda: Job.objects.filter(pk=job_id, started_at__isnull=False).first())
    return (job.started_at - job.created_at).total_seconds()


def pct(values, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def row(*cells) -> None:
    print("| " + " | ".join(str(c) for c in cells) + " |")


# --- throughput -------------------------------------------------------------------------


def throughput(n_jobs: int = 16, delay: float = 0.1) -> None:
    def run(workers: int) -> float:
        procs = [start_worker("default,media,gpu") for _ in range(workers)]
        try:
            user = new_user()
            project = new_project(user)
            stage_doubles.steer(project, delay=dict.fromkeys(STAGES, delay))
            t0 = time.monotonic()
            ids = [
                job_create(user=user, project=project, job_type="full_generation")[0].pk
                for _ in range(n_jobs)
            ]
            wait_until(
                lambda: Job.objects.filter(pk__in=ids, status=JobStatus.COMPLETED).count() == n_jobs
            )
            return n_jobs / (time.monotonic() - t0)
        finally:
            stop(*procs)

    with override_settings(JOB_RUNNING_LIMITS={}, JOB_RUNNING_LIMIT_DEFAULT=0):
        one, two = run(1), run(2)
    print(f"\n### Throughput ({n_jobs} full generations, 9 stages of {delay} s each)\n")
    row("workers (1 process each)", "jobs finished per second", "against one worker")
    row("---", "---", "---")
    row(1, f"{one:.2f}", "1.00× (the floor)")
    row(2, f"{two:.2f}", f"**{two / one:.2f}×** (ideal 2×)")


# --- fairness ---------------------------------------------------------------------------


def fairness(backlog: int = 50, delay: float = 0.2) -> None:
    procs = [start_worker("default,media,gpu") for _ in range(2)]
    results = {}
    try:
        for case, limits in [
            ("idle system", None),
            ("A's 50 jobs in, fair share", {"free": 1, "pro": 3}),
            ("A's 50 jobs in, no limit", {}),
        ]:
            with override_settings(
                JOB_RUNNING_LIMITS=limits or {}, JOB_RUNNING_LIMIT_DEFAULT=0 if not limits else 1
            ):
                a = new_user(plan="pro")
                a_project = new_project(a)
                stage_doubles.steer(a_project, delay=dict.fromkeys(STAGES, delay))
                a_jobs = []
                if limits is not None:
                    a_jobs = [
                        job_create(user=a, project=a_project, job_type="full_generation")[0]
                        for _ in range(backlog)
                    ]
                    time.sleep(1.0)  # A's jobs are running: the queue is in its steady state
                b = new_user()
                b_project = new_project(b)
                stage_doubles.steer(b_project, delay=dict.fromkeys(STAGES, delay))
                b_job = job_create(user=b, project=b_project, job_type="full_generation")[0]
                results[case] = started_after_created(b_job.pk)
                for job in Job.objects.filter(pk__in=[j.pk for j in a_jobs + [b_job]]):
                    with contextlib.suppress(DomainError):  # it finished meanwhile
                        job_cancel(job=job)
                purge()
                time.sleep(delay * 2)  # the stages that were running finish
    finally:
        stop(*procs)
    floor = results["idle system"]
    print(f"\n### Fairness (2 workers; stages of {delay} s; A on pro: 3 running at once)\n")
    row("creator B's first job", "wait before its first stage starts", "against idle")
    row("---", "---", "---")
    for case, wait in results.items():
        row(case, f"{wait * 1000:.0f} ms", f"{wait / floor:.1f}×")
    print(f"\nOne stage's time: {delay * 1000:.0f} ms.")


# --- priority ---------------------------------------------------------------------------


def priority(backlog: int = 30, delay: float = 0.1) -> None:
    proc = start_worker("default")
    results = {}
    try:
        with override_settings(JOB_RUNNING_LIMITS={}, JOB_RUNNING_LIMIT_DEFAULT=0):
            user = new_user()
            project = new_project(user)
            stage_doubles.steer(project, delay={"script_analysis": delay})
            for case, ahead in [("normal", 0), ("low", backlog), ("high", backlog)]:
                for _ in range(ahead):
                    job_create(user=user, project=project, job_type="script_analysis",
                               priority="low")  # fmt: skip
                job = job_create(
                    user=user, project=project, job_type="script_analysis", priority=case
                )[0]
                results[case] = started_after_created(job.pk)
                purge()
                time.sleep(delay * 3)
    finally:
        stop(proc)
    print(f"\n### Priority on Redis (one worker process; {backlog} low jobs of {delay} s queued)\n")
    row("the job submitted last", "wait before it starts", "against idle")
    row("---", "---", "---")
    row("on an idle system (the floor)", f"{results['normal'] * 1000:.0f} ms", "1.0×")
    for case in ("low", "high"):
        wait = results[case]
        row(
            f"`{case}`, behind the backlog",
            f"{wait * 1000:.0f} ms",
            f"{wait / results['normal']:.1f}×",
        )


# --- streams ----------------------------------------------------------------------------


def _proc_status(pid: int) -> dict:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return {"rss_mb": int(fields["VmRSS"].split()[0]) / 1024, "threads": int(fields["Threads"])}


def _latencies(port: int, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        urllib.request.urlopen(f"http://127.0.0.1:{port}{PLANS_URL}", timeout=30).read()
        out.append(time.perf_counter() - t0)
    return out


def streams(n_streams: int = 1000, n_requests: int = 300) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < 2 * n_streams + 200:
        raise SystemExit(f"open-file limit {hard} is too low for {n_streams} streams")
    port = int(os.environ.get("BENCH_PORT", "0")) or _free_port()
    log = open(LOG_DIR / "bench-scale-uvicorn.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("uvicorn")), "filmstudio.asgi:application",
         "--port", str(port), "--lifespan", "off", "--no-access-log", "--log-level", "warning"],
        # One user opens them all: the per-user cap (JOB_EVENTS_MAX_STREAMS_PER_USER) is lifted.
        cwd=ROOT, env={**os.environ, "CONN_MAX_AGE": "0",
                       "JOB_EVENTS_MAX_STREAMS_PER_USER": str(n_streams)}, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    user = new_user()
    job = job_create(user=user, project=new_project(user), job_type="script_analysis")[0]
    token = str(refresh_token_for(user).access_token)
    path = f"/api/v1/jobs/{job.pk}/events"
    try:
        wait_until(lambda: _answers(port), timeout=60, interval=0.3)
        _latencies(port, 20)  # warm-up
        idle = _proc_status(server.pid)
        without = _latencies(port, n_requests)

        async def scenario():
            opened = []
            for _ in range(0, n_streams, 25):
                batch = await asyncio.gather(*(_open(port, path, token) for _ in range(25)))
                for reader, writer in batch:
                    await _until(reader, b'"to_status": "queued"')
                    opened.append((reader, writer))
            loaded = _proc_status(server.pid)
            with_streams = await asyncio.to_thread(_latencies, port, n_requests)
            t0 = time.perf_counter()
            await asyncio.to_thread(job_cancel, job=job)
            await asyncio.gather(*(_until(r, b'"status": "cancelled"') for r, _ in opened))
            fanned = time.perf_counter() - t0
            for _, writer in opened:
                writer.close()
            return loaded, with_streams, fanned

        loaded, with_streams, fanned = asyncio.run(scenario())
    finally:
        purge()
        stop(server)
        log.close()
    p50, p99 = pct(without, 0.5), pct(without, 0.99)
    s50, s99 = pct(with_streams, 0.5), pct(with_streams, 0.99)
    print(f"\n### {n_streams} open event streams on one uvicorn process\n")
    row("measure", "no streams (floor)", f"{n_streams} streams open", "ratio")
    row("---", "---", "---", "---")
    row(
        f"`GET {PLANS_URL}` p50",
        f"{p50 * 1000:.1f} ms",
        f"{s50 * 1000:.1f} ms",
        f"{s50 / p50:.2f}×",
    )
    row(
        f"`GET {PLANS_URL}` p99 (target ≤ 1.5×)",
        f"{p99 * 1000:.1f} ms",
        f"{s99 * 1000:.1f} ms",
        f"**{s99 / p99:.2f}×**",
    )
    row("server memory (RSS)", f"{idle['rss_mb']:.0f} MB", f"{loaded['rss_mb']:.0f} MB", "")
    row("server threads", idle["threads"], loaded["threads"], "")
    print(f"\nOne event (the cancel) reached all {n_streams} streams in {fanned * 1000:.0f} ms.")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        return (
            urllib.request.urlopen(f"http://127.0.0.1:{port}{PLANS_URL}", timeout=2).status == 200
        )
    except Exception:
        return False


async def _open(port: int, path: str, token: str):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
    )
    await writer.drain()
    return reader, writer


async def _until(reader, marker: bytes) -> None:
    seen = b""
    while marker not in seen:
        chunk = await asyncio.wait_for(reader.read(65536), 120)
        if not chunk:
            raise SystemExit(f"a stream closed early: {seen[-300:]!r}")
        seen = seen[-1000:] + chunk


# --- api --------------------------------------------------------------------------------


def api(n: int = 300, turn: int = 10) -> None:
    from bench import scale_urls

    user = new_user()
    projects = [new_project(user) for _ in range(20)]
    with override_settings(JOB_RUNNING_LIMITS={}, JOB_RUNNING_LIMIT_DEFAULT=0):
        for project in projects:
            job_create(user=user, project=project, job_type="script_analysis")
    purge()
    scale_urls.BENCH_USER_ID["id"] = user.pk
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh_token_for(user).access_token}")
    results = {}
    with override_settings(ROOT_URLCONF="bench.scale_urls"):
        for name, api_path, bare_path in [
            ("projects", "/api/v1/projects?page_size=20", "/bare/projects"),
            ("jobs", "/api/v1/jobs?page_size=20", "/bare/jobs"),
        ]:
            for path in (api_path, bare_path):
                for _ in range(20):
                    assert client.get(path).status_code == 200  # warm-up
            queries = []  # counted at the cursor: the test client may reconnect per request

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                client.get(api_path)
            # The two paths take turns, so load from other processes on a shared box falls on
            # both alike instead of on whichever ran in its window.
            spent = {api_path: 0.0, bare_path: 0.0}
            for _ in range(n // turn):
                for path in (api_path, bare_path):
                    t0 = time.perf_counter()
                    for _ in range(turn):
                        client.get(path)
                    spent[path] += time.perf_counter() - t0
            rates = {path: n // turn * turn / seconds for path, seconds in spent.items()}
            results[name] = (rates[api_path], rates[bare_path], len(queries))
    print(
        f"\n### API reads (20 rows, authenticated, {n} sequential requests each, in turns "
        f"of {turn}, in-process)\n"
    )
    row("endpoint", "requests/s", "bare view (floor)", "ratio (target ≥ 0.5)", "queries")
    row("---", "---", "---", "---", "---")
    for name, (rate, bare, count) in results.items():
        row(f"`GET /api/v1/{name}`", f"{rate:.0f}", f"{bare:.0f}", f"**{rate / bare:.2f}**", count)


# --- multihost --------------------------------------------------------------------------


def multihost() -> None:
    script = (ROOT / "examples" / "the_lighthouse.fountain").read_text()
    film_env = {"FILM_VOICE_PROVIDER": "espeak", "FILM_FRAME_SIZE": "320x180"}

    def render(workers: list[tuple[str, int]], env: dict, var: Path) -> float:
        procs = []
        for n, (queues, concurrency) in enumerate(workers):
            host = var / f"host{n}"
            host_env = {
                **film_env,
                **env,
                "FILMSTUDIO_VAR_DIR": str(host),
                "MEDIA_ROOT": str(env.get("MEDIA_ROOT", host / "media")),
                "FILM_WORK_DIR": str(host / "work"),
                "FILM_CACHE_DIR": str(host / "cache"),
            }
            procs.append(start_worker(queues, concurrency=concurrency, env=host_env, doubles=False))
        try:
            user = new_user()
            job = job_create(
                user=user, project=new_project(user, script), job_type="full_generation"
            )[0]
            done = wait_until(
                lambda: Job.objects.filter(
                    pk=job.pk, status__in=[JobStatus.COMPLETED, JobStatus.FAILED]
                ).first(),
                timeout=1800,
                interval=0.5,
            )
            if done.status != JobStatus.COMPLETED:
                raise SystemExit(f"render failed: {done.error_message}")
            return (done.finished_at - done.created_at).total_seconds()
        finally:
            stop(*procs)

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        var = Path(folder)
        local = render([("default,media,gpu", 2)], {"MEDIA_ROOT": str(var / "local-media")}, var)
        (var / "s3").mkdir()
        with seaweed(var / "s3") as (endpoint, client):
            client.create_bucket(Bucket="bench")
            s3 = {
                "AWS_STORAGE_BUCKET_NAME": "bench",
                "AWS_S3_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "AWS_S3_REGION_NAME": "us-east-1",
            }
            shared = render([("gpu", 1), ("default,media", 1)], s3, var / "split")
    print("\n### Sharing nothing: a cold render of the example (320x180, espeak)\n")
    row("setup", "job created → completed", "against one worker, local files")
    row("---", "---", "---")
    row("one worker (2 processes, every queue), local files", f"{local:.1f} s", "1.00× (floor)")
    row("gpu worker + cpu worker (1 process each), through S3", f"{shared:.1f} s",
        f"**{shared / local:.2f}×**")  # fmt: skip


SECTIONS = {
    "throughput": throughput,
    "fairness": fairness,
    "priority": priority,
    "streams": streams,
    "api": api,
    "multihost": multihost,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    args = parser.parse_args()
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        raise SystemExit("Set REDIS_URL: the benchmark measures the Redis broker.")
    call_command("migrate", verbosity=0)
    before = set(User.objects.values_list("pk", flat=True))
    try:
        for name in args.only.split(","):
            SECTIONS[name]()
    finally:
        purge()
        User.objects.exclude(pk__in=before).delete()  # their projects and jobs go with them


if __name__ == "__main__":
    main()
