"""Every periodic task, in one place. Each entry expires so a backlog never piles up."""

from celery.schedules import crontab  # noqa: F401

BEAT_SCHEDULE: dict[str, dict] = {}
