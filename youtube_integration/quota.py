"""Data API quota: which day Google counts a call on, when that day ends, and the ledger.

Google resets every Cloud project's quota at midnight Pacific time; a call costs its units
(settings.YOUTUBE_QUOTA_COSTS) whether it succeeds or not, so every call that reached
Google is recorded: per day and Cloud project (QuotaUsage), and on the upload it served.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import QuotaUsage, Upload


def quota_zone() -> ZoneInfo:
    return ZoneInfo(settings.YOUTUBE_QUOTA_TIMEZONE)


def quota_day(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(quota_zone()).date()


def quota_next_reset(now: dt.datetime | None = None) -> dt.datetime:
    """The next midnight in Google's quota time zone (a UTC datetime)."""
    local = (now or timezone.now()).astimezone(quota_zone())
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), quota_zone())
    return midnight.astimezone(dt.UTC)


def cloud_project() -> str:
    """The Cloud project the quota belongs to: settings.YOUTUBE_QUOTA_PROJECT, else the
    project number every OAuth client id starts with (`<number>-<hash>.apps...`)."""
    if settings.YOUTUBE_QUOTA_PROJECT:
        return settings.YOUTUBE_QUOTA_PROJECT
    prefix = settings.YOUTUBE_CLIENT_ID.split("-", 1)[0]
    return prefix if prefix.isdigit() else (settings.YOUTUBE_CLIENT_ID[:100] or "unconfigured")


def quota_charge(*, method: str, upload_id: int | None = None, now=None) -> int:
    """Record one call of `method` (e.g. "videos.insert"); returns the units it cost."""
    units = int(settings.YOUTUBE_QUOTA_COSTS.get(method, 1))
    day, project = quota_day(now), cloud_project()
    with transaction.atomic():
        # Insert-if-missing first, so two first calls of a day cannot collide on the insert.
        QuotaUsage.objects.bulk_create(
            [QuotaUsage(day=day, cloud_project=project)], ignore_conflicts=True
        )
        usage = QuotaUsage.objects.select_for_update().get(day=day, cloud_project=project)
        by_method = dict(usage.by_method)
        by_method[method] = by_method.get(method, 0) + units
        usage.units += units
        usage.by_method = by_method
        usage.save(update_fields=["units", "by_method", "updated_at"])
        if upload_id is not None:
            Upload.objects.filter(pk=upload_id).update(quota_units=F("quota_units") + units)
    return units
