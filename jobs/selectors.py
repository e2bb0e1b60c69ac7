"""Reads of jobs: scoped to their owner in one place, and the staff queue statistics."""

from collections import defaultdict
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from celery_app.queues import Queue
from filmstudio.errors import NotFound

from . import state
from .models import Job, JobBatch, JobEvent, JobStatus


def jobs_for_user(*, user) -> QuerySet[Job]:
    """The user's jobs: the one place job reads are scoped to their owner."""
    return Job.objects.filter(owner=user)


def jobs_list(*, user, filters: dict | None = None) -> QuerySet[Job]:
    """The user's jobs, newest first, filtered. A list row names its project by id only, so
    the project (its screenplay with it) is not read."""
    filters = filters or {}
    qs = jobs_for_user(user=user)
    for name in ("status", "type"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("project"):
        qs = qs.filter(project_id=filters["project"])
    if filters.get("batch"):
        qs = qs.filter(batch_id=filters["batch"])
    return qs.order_by("-created_at", "-id")


def _get(qs: QuerySet[Job], job_id, *, with_events: bool) -> Job:
    if with_events:
        qs = qs.prefetch_related(Prefetch("events", queryset=JobEvent.objects.order_by("id")))
    try:
        return qs.get(pk=job_id)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise NotFound("Job not found.") from None


def job_get_for_user(*, user, job_id, with_events: bool = False) -> Job:
    """The user's job, or NotFound (another user's job does not exist for them)."""
    return _get(jobs_for_user(user=user).select_related("project"), job_id, with_events=with_events)


def job_get(*, job_id, with_events: bool = False) -> Job:
    """Any job (staff), or NotFound."""
    qs = Job.objects.select_related("project", "owner")
    return _get(qs, job_id, with_events=with_events)


def batch_get_for_user(*, user, batch_id) -> JobBatch:
    """The user's batch with its jobs (one query for them), or NotFound."""
    jobs = Prefetch("jobs", queryset=Job.objects.select_related("project").order_by("id"))
    try:
        return JobBatch.objects.prefetch_related(jobs).get(owner=user, pk=batch_id)
    except (JobBatch.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound("Batch not found.") from None


def batch_summary(*, batch: JobBatch) -> dict:
    """How a batch stands: its jobs, how many are in each status, and its overall progress
    (the mean of its jobs'), from the prefetched jobs."""
    jobs = list(batch.jobs.all())
    counts: dict[str, int] = defaultdict(int)
    for job in jobs:
        counts[job.status] += 1
    progress = round(sum(job.progress for job in jobs) / len(jobs)) if jobs else 0
    done = all(job.status in state.TERMINAL for job in jobs)
    return {
        "id": batch.pk,
        "created_at": batch.created_at,
        "finished": done,
        "progress": progress,
        "counts": dict(counts),
        "jobs": jobs,
    }


def job_status(*, job_id: int) -> str | None:
    """The job's status now, or None when it is gone."""
    return Job.objects.filter(pk=job_id).values_list("status", flat=True).first()


def job_events_after(*, job_id: int, after_id: int = 0, limit: int = 200) -> list[JobEvent]:
    return list(JobEvent.objects.filter(job_id=job_id, id__gt=after_id).order_by("id")[:limit])


def queue_depths() -> dict[str, int | None]:
    """Messages waiting per queue, read from the broker (all priority levels). None when the
    broker cannot be reached (stats must still answer)."""
    from celery_app import app

    depths: dict[str, int | None] = {}
    try:
        with app.connection_for_read() as conn:
            channel = conn.default_channel
            for queue in Queue:
                try:
                    depths[queue.value] = channel.queue_declare(
                        queue=queue.value, passive=True
                    ).message_count
                except Exception:  # a queue nobody declared yet holds nothing
                    depths[queue.value] = 0
    except Exception:
        depths = {queue.value: None for queue in Queue}
    return depths


# Mean stage durations are computed over at most this many recently finished jobs, so the
# staff page stays one bounded query however busy the day was.
STATS_SAMPLE = 500


def queue_stats() -> dict:
    """Staff numbers: broker depth per queue, jobs running, failures in 24 h, and the mean
    seconds of each stage over recent finished jobs."""
    since = timezone.now() - timedelta(hours=24)
    running = Job.objects.filter(status__in=state.WORKING).count()
    waiting = Job.objects.filter(status=JobStatus.QUEUED).count()
    failed = Job.objects.filter(status=JobStatus.FAILED, finished_at__gte=since).count()
    totals: dict[str, list[float]] = defaultdict(list)
    recent = (
        Job.objects.filter(finished_at__gte=since)
        .order_by("-finished_at")
        .values_list("stage_timings", flat=True)[:STATS_SAMPLE]
    )
    for timings in recent:
        for stage, timing in (timings or {}).items():
            if timing and timing.get("seconds") is not None:
                totals[stage].append(float(timing["seconds"]))
    return {
        "queues": queue_depths(),
        "running": running,
        "queued": waiting,
        "failed_24h": failed,
        "mean_stage_seconds": {
            stage: round(sum(values) / len(values), 3) for stage, values in sorted(totals.items())
        },
    }


# --- staff


def failed_jobs(*, filters: dict | None = None) -> QuerySet[Job]:
    """Failed jobs, most recent failure first, with their owner and project; `filters`:
    `code` (error code), `type`, `stage` (the failed stage), `since` (failed at or after)."""
    filters = filters or {}
    qs = Job.objects.filter(status=JobStatus.FAILED).select_related("owner", "project")
    if filters.get("code"):
        qs = qs.filter(error_code=filters["code"])
    if filters.get("type"):
        qs = qs.filter(type=filters["type"])
    if filters.get("stage"):
        qs = qs.filter(failed_stage=filters["stage"])
    if filters.get("since"):
        qs = qs.filter(finished_at__gte=filters["since"])
    return qs.order_by("-finished_at", "-id")


def users_with_failed_jobs() -> QuerySet:
    """The ids of users who have at least one failed job (the staff user list's filter)."""
    return Job.objects.filter(status=JobStatus.FAILED).values("owner_id")


def user_jobs_section(*, user) -> dict:
    """The jobs part of the staff's user detail: counts by status and the last failures."""
    by_status = dict(
        Job.objects.filter(owner=user)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    recent_failures = (
        Job.objects.filter(owner=user, status=JobStatus.FAILED)
        .order_by("-finished_at", "-id")
        .values("id", "type", "failed_stage", "error_code", "attempts", "finished_at")[:5]
    )
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "recent_failures": list(recent_failures),
    }


def workers_online() -> int | None:
    """Celery workers answering a ping (cached 15 s: a scrape must not wait on every worker);
    None when the broker cannot be reached."""
    from django.core.cache import cache

    from celery_app import app

    cached = cache.get("metrics:workers")
    if cached is not None:
        return cached
    try:
        replies = app.control.inspect(timeout=0.5).ping() or {}
    except Exception:
        return None
    cache.set("metrics:workers", len(replies), timeout=15)
    return len(replies)


def jobs_metrics() -> list[tuple]:
    """The job engine's state for /metrics: jobs by status, queue depth, workers online."""
    by_status = dict(
        Job.objects.order_by()
        .values_list("status")
        .annotate(n=Count("*"))
        .values_list("status", "n")
    )
    samples = [
        ("filmstudio_jobs", "Jobs by status.", {"status": status}, by_status.get(status, 0))
        for status in JobStatus.values
    ]
    samples += [
        ("filmstudio_queue_depth", "Messages waiting per queue.", {"queue": queue}, depth)
        for queue, depth in queue_depths().items()
    ]
    samples.append(("filmstudio_workers", "Celery workers answering.", {}, workers_online()))
    return samples
