"""Staff analytics benchmark: GET /api/v1/admin/analytics for a year of daily data on 100k
jobs (and their 100k ledger lines, 2,000 creators), against two floors measured in the same
run: the same client's cheapest authenticated staff request (one row of the audit log: the
API's own cost) and one full scan of the jobs table's rows (`SELECT count(stage_timings)`:
what reading the data at all costs).

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/analytics.py

It migrates the database named by DATABASE_URL, inserts the rows with a few INSERT ...
SELECT generate_series statements (jobs spread evenly over the last 365 days: 80% completed,
10% failed with one of three codes, 10% queued; four job types; three timed stages each),
measures, and deletes everything it made. Prints a markdown table. Target: under a second.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filmstudio.settings")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.authentication import refresh_token_for  # noqa: E402
from accounts.models import User  # noqa: E402
from filmstudio.analytics import Window  # noqa: E402
from filmstudio.registry import analytics_sources  # noqa: E402
from jobs.analytics import stage_seconds  # noqa: E402

PREFIX = "bench-analytics-"

USERS_SQL = """
INSERT INTO accounts_user (password, email, first_name, last_name, role, is_active, is_staff,
                           is_superuser, date_joined, token_version)
SELECT '!', %(prefix)s || i || '@example.com', '', '', 'user', true, false, false,
       now() - (i * interval '1 day' * 365 / %(users)s), 0
FROM generate_series(1, %(users)s) AS i
"""
ACCOUNTS_SQL = """
INSERT INTO billing_creditaccount (user_id, plan, balance, allowance, allowance_period,
                                   shortfall, created_at, updated_at)
SELECT id, 'free', 0, 0, '', 0, now(), now() FROM accounts_user WHERE email LIKE %(like)s
"""
JOBS_SQL = """
INSERT INTO jobs_job (owner_id, type, status, priority, progress, current_stage, failed_stage,
    stage_attempt, attempts, sweeps, parameters, result, stage_timings, error_code,
    error_message, celery_task_id, cost, reservation_no, request_fingerprint, created_at,
    updated_at, started_at, finished_at)
SELECT u.ids[1 + i %% array_length(u.ids, 1)],
       (ARRAY['full_generation', 'script_analysis', 'voice_synthesis', 'music_generation'])
           [1 + i %% 4],
       CASE i %% 10 WHEN 0 THEN 'failed' WHEN 1 THEN 'queued' ELSE 'completed' END,
       'normal', 100, '', CASE WHEN i %% 10 = 0 THEN 'voice_synthesis' ELSE '' END, 0, 1, 0,
       '{}'::jsonb,
       CASE WHEN i %% 10 >= 2
            THEN '{"stages": {"video_composition": {"duration": 60.0}}}'::jsonb
            ELSE '{}'::jsonb END,
       jsonb_build_object(
           'script_analysis', jsonb_build_object('seconds', 1 + i %% 7),
           'voice_synthesis', jsonb_build_object('seconds', 5 + i %% 13),
           'video_composition', jsonb_build_object('seconds', 20 + i %% 31)),
       CASE WHEN i %% 10 = 0
            THEN (ARRAY['provider_down', 'stage_timeout', 'content_flagged'])[1 + i %% 3]
            ELSE '' END,
       '', '', 10, 1, '', t, t, t,
       CASE WHEN i %% 10 = 1 THEN NULL ELSE t + interval '4 minutes' END
FROM (SELECT i, now() - i * (interval '365 days' / %(jobs)s) AS t
      FROM generate_series(1, %(jobs)s) AS i) AS s,
     (SELECT array_agg(id) AS ids FROM accounts_user WHERE email LIKE %(like)s) AS u
"""
LEDGER_SQL = """
INSERT INTO billing_credittransaction (account_id, kind, amount, allowance_amount,
    balance_after, shortfall, job_id, payment_reference, stripe_event, stripe_payment_intent,
    reason, idempotency_key, created_at)
SELECT a.id, 'reserve', -10, 0, 0, 0, j.id, '', '', '', '', %(prefix)s || j.id, j.created_at
FROM jobs_job j JOIN billing_creditaccount a ON a.user_id = j.owner_id
JOIN accounts_user u ON u.id = j.owner_id WHERE u.email LIKE %(like)s
"""
CLEANUP_SQL = [
    "DELETE FROM billing_credittransaction WHERE account_id IN (SELECT a.id FROM "
    "billing_creditaccount a JOIN accounts_user u ON u.id = a.user_id WHERE u.email LIKE "
    "%(like)s)",
    "DELETE FROM jobs_job WHERE owner_id IN (SELECT id FROM accounts_user WHERE email LIKE "
    "%(like)s)",
    "DELETE FROM billing_creditaccount WHERE user_id IN (SELECT id FROM accounts_user WHERE "
    "email LIKE %(like)s)",
    "DELETE FROM accounts_user WHERE email LIKE %(like)s",
]


def cleanup(params: dict) -> None:
    User.objects.filter(email=f"{PREFIX}staff@example.com").delete()  # its tokens cascade
    with connection.cursor() as cursor:
        for statement in CLEANUP_SQL:
            cursor.execute(statement, params)


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def timed(action, repeat: int) -> list[float]:
    action()  # warm: connections, plans, caches
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="leave the rows (to EXPLAIN)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    params = {"prefix": PREFIX, "like": f"{PREFIX}%", "users": args.users, "jobs": args.jobs}
    cleanup(params)  # what an interrupted run left
    with connection.cursor() as cursor:  # and the dead rows of earlier runs
        cursor.execute("VACUUM FULL jobs_job, billing_credittransaction, accounts_user")
    with connection.cursor() as cursor:
        started = time.perf_counter()
        for statement in (USERS_SQL, ACCOUNTS_SQL, JOBS_SQL, LEDGER_SQL):
            cursor.execute(statement, params)
        # What autovacuum does on a live site: statistics, and the visibility map that lets
        # the analytics read the covering indexes alone.
        for table in ("jobs_job", "billing_credittransaction", "accounts_user"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        built = time.perf_counter() - started
    staff = User.objects.create_user(email=f"{PREFIX}staff@example.com", role="staff")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh_token_for(staff).access_token}")
    today = timezone.now().date()
    year = {"from": today.replace(year=today.year - 1).isoformat(), "to": today.isoformat()}

    def analytics():
        response = client.get("/api/v1/admin/analytics", {**year, "interval": "day"})
        assert response.status_code == 200, response.content[:300]
        return response.json()

    def floor_request():
        assert client.get("/api/v1/admin/audit", {"page_size": 1}).status_code == 200

    def floor_scan():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(stage_timings) FROM jobs_job")
            cursor.fetchone()

    window = Window.of(first=today.replace(year=today.year - 1), last=today, interval="day")
    try:
        body = analytics()
        per_source = {
            name: median_ms(timed(lambda source=source: source(window=window), 3))
            for name, source in analytics_sources
        }
        stages = median_ms(timed(lambda: stage_seconds(window=window), 3))
        request = timed(analytics, args.repeat)
        api_floor = timed(floor_request, args.repeat)
        scan_floor = timed(floor_scan, args.repeat)
    finally:
        if not args.keep:
            cleanup(params)
    created = sum(sum(v) for v in body["series"]["jobs_created"].values())
    print(f"{args.jobs} jobs and ledger lines, {args.users} creators inserted in {built:.1f} s\n")
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| buckets (days) · jobs counted by the series | {len(body['buckets'])} · {created} |")
    print(
        f"| median GET /admin/analytics, a year by day ({args.repeat}) | {median_ms(request)} ms |"
    )
    print(f"| median GET /admin/audit (one row), the API floor | {median_ms(api_floor)} ms |")
    scan = median_ms(scan_floor)
    print(f"| median SELECT count(stage_timings) FROM jobs_job, the scan floor | {scan} ms |")
    print(
        f"| analytics ÷ full scans of the jobs table | "
        f"{statistics.median(request) / statistics.median(scan_floor):.1f}× |"
    )
    for name, ms in per_source.items():
        print(f"| of which source `{name}` | {ms} ms |")
    print(f"| of which the stage percentiles (jobs) | {stages} ms |")
    verdict = "met" if statistics.median(request) < 1 else "NOT met"
    print(f"| under a second (target) | **{verdict}** |")


if __name__ == "__main__":
    main()
