"""The job engine's part of the staff analytics: jobs created / completed / failed by type,
active creators, render and film minutes, the median and 95th percentile of each stage, and
the commonest failure codes. Each figure is one grouped query (filmstudio.analytics)."""

from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, FloatField, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from filmstudio.analytics import Window, bucketed, grouped, total

from .models import Job, JobStatus
from .stages import STAGES

# The film a full generation made: its length, as the composing stage reported it.
FILM_SECONDS = Cast(KT("result__stages__video_composition__duration"), FloatField())
RUN_TIME = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
TOP_FAILURE_CODES = 10

# Each stage's median and 95th percentile over the window's most recent finished jobs, at
# most this many: a bounded sort whatever the table holds (a percentile over 20,000 jobs is
# within a fraction of a per cent of the whole year's), read newest first by the index.
STAGE_SAMPLE = 20_000
# One ordered-set aggregate per stage of the stage table (PostgreSQL).
STAGE_COLUMNS = (
    "count(j.stage_timings -> %s ->> 'seconds'), "
    "percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP "
    "(ORDER BY (j.stage_timings -> %s ->> 'seconds')::float)"
)


def _stage_percentiles_sql() -> str:
    columns = ", ".join([STAGE_COLUMNS] * len(STAGES))
    return (
        f"SELECT {columns} FROM (SELECT stage_timings FROM jobs_job "
        "WHERE finished_at >= %s AND finished_at < %s ORDER BY finished_at DESC LIMIT %s) j"
    )


def _percentile(values: list[float], share: float) -> float:
    """Linear interpolation between closest ranks, as PostgreSQL's percentile_cont."""
    values = sorted(values)
    rank = share * (len(values) - 1)
    low = int(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


def stage_seconds(*, window: Window) -> dict[str, dict]:
    """{"stage": {"count", "median", "p95"}} over the jobs finished in the window (the
    latest STAGE_SAMPLE of them)."""
    if connection.vendor == "postgresql":
        params = [name for name in STAGES for _ in range(2)]
        params += [window.start, window.end, STAGE_SAMPLE]
        with connection.cursor() as cursor:
            cursor.execute(_stage_percentiles_sql(), params)
            row = cursor.fetchone()
        figures = {}
        for index, stage in enumerate(STAGES):
            count, (median, p95) = row[2 * index], row[2 * index + 1] or (None, None)
            if count:
                figures[stage] = {"count": count, "median": round(median, 3), "p95": round(p95, 3)}
        return dict(sorted(figures.items()))
    # The embedded SQLite has no percentile aggregate: the same figures, read in Python.
    seconds: dict[str, list[float]] = {}
    finished = Job.objects.filter(**window.within("finished_at")).order_by("-finished_at")
    for timings in finished.values_list("stage_timings", flat=True)[:STAGE_SAMPLE]:
        for stage, timing in (timings or {}).items():
            if isinstance(timing, dict) and timing.get("seconds") is not None:
                seconds.setdefault(stage, []).append(float(timing["seconds"]))
    return {
        stage: {
            "count": len(values),
            "median": round(_percentile(values, 0.5), 3),
            "p95": round(_percentile(values, 0.95), 3),
        }
        for stage, values in sorted(seconds.items())
    }


def jobs_series(*, window: Window) -> dict:
    """Three scans of the jobs table (by creation, by end, the stage timings) and one of
    the failures' codes."""
    jobs = Job.objects.all()
    done = Q(status=JobStatus.COMPLETED)
    created = grouped(
        jobs,
        field="created_at",
        window=window,
        by="type",
        created=Count("*"),
    )["created"]
    creators = Count("owner", distinct=True)
    creators = bucketed(jobs, field="created_at", window=window, value=creators)
    ended = grouped(
        jobs.filter(status__in=[JobStatus.COMPLETED, JobStatus.FAILED]),
        field="finished_at",
        window=window,
        by="type",
        completed=Count("status", filter=done),
        failed=Count("status", filter=Q(status=JobStatus.FAILED)),
        run_time=Sum(RUN_TIME, filter=done),
        film_seconds=Sum(FILM_SECONDS, filter=done),
    )
    run_seconds = {
        group: [d.total_seconds() if d else 0 for d in values]
        for group, values in ended["run_time"].items()
    }
    codes = (
        jobs.filter(status=JobStatus.FAILED, **window.within("finished_at"))
        .values("error_code")
        .annotate(count=Count("*"))
        .order_by("-count", "error_code")[:TOP_FAILURE_CODES]
    )
    return {
        "series": {
            "jobs_created": created,
            "jobs_completed": ended["completed"],
            "jobs_failed": ended["failed"],
            "active_creators": creators,
            "render_minutes": [round(s / 60, 2) for s in total(run_seconds, window)],
            "film_minutes": [round(s / 60, 2) for s in total(ended["film_seconds"], window)],
        },
        "totals": {
            "stage_seconds": stage_seconds(window=window),
            "top_failure_codes": [
                {"code": row["error_code"], "count": row["count"]} for row in codes
            ],
        },
    }
