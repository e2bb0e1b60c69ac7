"""The job engine's part of the staff analytics: jobs created / completed / failed by type,
active creators, render and film minutes, the median and 95th percentile of each stage, and
the commonest failure codes. Each figure is one grouped query (filmstudio.analytics)."""

from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, FloatField, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from filmstudio.analytics import Window, bucketed

from .models import Job, JobStatus

# The film a full generation made: its length, as the composing stage reported it.
FILM_SECONDS = Cast(KT("result__stages__video_composition__duration"), FloatField())
RUN_TIME = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
TOP_FAILURE_CODES = 10

# Each stage's median and 95th percentile over the window's finished jobs, in one pass over
# their timings (PostgreSQL's ordered-set aggregates on the JSON of every row).
STAGE_PERCENTILES_SQL = """
SELECT t.key,
       count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY (t.value ->> 'seconds')::float),
       percentile_cont(0.95) WITHIN GROUP (ORDER BY (t.value ->> 'seconds')::float)
FROM jobs_job j CROSS JOIN LATERAL jsonb_each(j.stage_timings) AS t
WHERE j.finished_at >= %s AND j.finished_at < %s
  AND jsonb_typeof(t.value) = 'object' AND (t.value ->> 'seconds') IS NOT NULL
GROUP BY t.key ORDER BY t.key
"""


def _percentile(values: list[float], share: float) -> float:
    """Linear interpolation between closest ranks, as PostgreSQL's percentile_cont."""
    values = sorted(values)
    rank = share * (len(values) - 1)
    low = int(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


def stage_seconds(*, window: Window) -> dict[str, dict]:
    """{"stage": {"count", "median", "p95"}} over the jobs finished in the window."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(STAGE_PERCENTILES_SQL, [window.start, window.end])
            rows = cursor.fetchall()
        return {
            stage: {"count": n, "median": round(median, 3), "p95": round(p95, 3)}
            for stage, n, median, p95 in rows
        }
    # The embedded SQLite has no percentile aggregate: the same figures, read in Python.
    seconds: dict[str, list[float]] = {}
    finished = Job.objects.filter(**window.within("finished_at"))
    for timings in finished.values_list("stage_timings", flat=True).iterator():
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
    jobs = Job.objects.all()
    completed = jobs.filter(status=JobStatus.COMPLETED)
    failed = jobs.filter(status=JobStatus.FAILED)
    run_time = bucketed(completed, field="finished_at", window=window, value=Sum(RUN_TIME))
    film_seconds = bucketed(completed, field="finished_at", window=window, value=Sum(FILM_SECONDS))
    codes = (
        failed.filter(**window.within("finished_at"))
        .values("error_code")
        .annotate(count=Count("id"))
        .order_by("-count", "error_code")[:TOP_FAILURE_CODES]
    )
    return {
        "series": {
            "jobs_created": bucketed(jobs, field="created_at", window=window, by="type"),
            "jobs_completed": bucketed(completed, field="finished_at", window=window, by="type"),
            "jobs_failed": bucketed(failed, field="finished_at", window=window, by="type"),
            "active_creators": bucketed(
                jobs, field="created_at", window=window, value=Count("owner", distinct=True)
            ),
            "render_minutes": [round(d.total_seconds() / 60, 2) if d else 0 for d in run_time],
            "film_minutes": [round(s / 60, 2) for s in film_seconds],
        },
        "totals": {
            "stage_seconds": stage_seconds(window=window),
            "top_failure_codes": [
                {"code": row["error_code"], "count": row["count"]} for row in codes
            ],
        },
    }
