"""Every periodic task, in one place. Each entry expires so a backlog never piles up."""

from celery.schedules import crontab


def _expires(seconds: float) -> dict:
    """A run not started within `seconds` is dropped. django-celery-beat's DatabaseScheduler
    reads `expire_seconds` (it drops `expires`); Celery's own schedulers read `expires`."""
    return {"expires": seconds, "expire_seconds": seconds}


BEAT_SCHEDULE: dict[str, dict] = {
    # Stuck stages are found within a minute or two of passing their time limit + grace.
    "jobs-sweep-stuck": {
        "task": "jobs.sweep_stuck",
        "schedule": 60.0,
        "options": _expires(55),
    },
    # Waiting jobs whose owners have a free running slot (a raised limit); a job's end starts
    # the next one at once, so this is only the safety net.
    "jobs-admit-waiting": {
        "task": "jobs.admit_waiting",
        "schedule": 60.0,
        "options": _expires(55),
    },
    # The free plan's allowance for the calendar month: hourly, so a new month (and an account
    # back on the free plan after its paid period) is served within the hour; idempotent per
    # account and month, so a late or repeated run grants nothing twice.
    "billing-monthly-allowance": {
        "task": "billing.monthly_allowance",
        "schedule": crontab(minute=5),
        "options": _expires(50 * 60),
    },
    # Allowances whose period is over are written off within ten minutes (a spend does it at
    # once; this keeps idle accounts' balances true).
    "billing-expire-allowances": {
        "task": "billing.expire_allowances",
        "schedule": 600.0,
        "options": _expires(540),
    },
    # Weekly upload quotas start again on Sunday 00:00 UTC (counters are per week, so a
    # late run only delays dropping old rows, never lets anyone upload more).
    "media-quotas-reset-weekly": {
        "task": "media_library.quotas_reset_weekly",
        "schedule": crontab(minute=0, hour=0, day_of_week="sunday"),
        "options": _expires(6 * 3600),
    },
    # Pending videos whose processing message never reached the broker (it was down) or was
    # lost with it are sent again within a minute or two of MEDIA_RESEND_AFTER.
    "media-resend-unqueued": {
        "task": "media_library.resend_unqueued",
        "schedule": 60.0,
        "options": _expires(55),
    },
    # Videos left by a dead worker are re-queued; abandoned resumable uploads are freed.
    "media-maintenance": {
        "task": "media_library.maintenance",
        "schedule": crontab(minute=17),
        "options": _expires(50 * 60),
    },
    # Film work dirs of finished jobs (the films are in storage; the cache keeps the parts).
    "jobs-clean-work-dirs": {
        "task": "jobs.clean_work_dirs",
        "schedule": crontab(minute=41),
        "options": _expires(50 * 60),
    },
    # Rows of expired refresh tokens; a token past its expiry is refused anyway.
    "accounts-flush-expired-tokens": {
        "task": "accounts.flush_expired_tokens",
        "schedule": crontab(minute=23, hour=3),
        "options": _expires(6 * 3600),
    },
    # Render-cache entries nobody used for FILM_CACHE_MAX_AGE_DAYS.
    "jobs-prune-film-cache": {
        "task": "jobs.prune_film_cache",
        "schedule": crontab(minute=53, hour=4),
        "options": _expires(6 * 3600),
    },
}
