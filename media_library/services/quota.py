"""Weekly upload quotas in bytes, counted atomically per user and UTC week."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from filmstudio.selectors import site_config_get

from ..errors import QuotaExceeded
from ..models import UploadQuota


def quota_week_start(now: dt.datetime | None = None) -> dt.date:
    """The Sunday (UTC) the current quota week began on; beat resets on Sunday 00:00 UTC."""
    today = (now or timezone.now()).astimezone(dt.UTC).date()
    # date.weekday(): Monday is 0 ... Sunday is 6.
    return today - dt.timedelta(days=(today.weekday() + 1) % 7)


def seconds_until_next_week(now: dt.datetime | None = None) -> int:
    now = (now or timezone.now()).astimezone(dt.UTC)
    start = dt.datetime.combine(quota_week_start(now), dt.time(), tzinfo=dt.UTC)
    return max(1, int((start + dt.timedelta(days=7) - now).total_seconds()))


def quota_reserve(*, user, nbytes: int, week: dt.date | None = None) -> dt.date:
    """Count `nbytes` against the user's quota for the week, or raise QuotaExceeded.

    Atomic: one conditional UPDATE adds the bytes only if the total stays within the limit,
    so parallel uploads can never together slip past it. Returns the week charged (pass it
    to `quota_release` to give the bytes back)."""
    week = week or quota_week_start()
    limit = site_config_get().weekly_upload_quota_bytes
    if nbytes > limit:
        raise QuotaExceeded(
            "This file alone is larger than the weekly upload quota.",
            retry_after=None,
        )
    UploadQuota.objects.get_or_create(user=user, week_start=week)
    with transaction.atomic():
        updated = UploadQuota.objects.filter(
            user=user, week_start=week, bytes_used__lte=limit - nbytes
        ).update(bytes_used=F("bytes_used") + nbytes)
    if not updated:
        raise QuotaExceeded(retry_after=seconds_until_next_week())
    return week


def quota_true_up(*, user, reserved: int, actual: int, week: dt.date) -> None:
    """Make a reservation of `reserved` bytes exactly `actual`: release the excess, or add
    the shortfall atomically (QuotaExceeded if it does not fit; the `reserved` bytes stay
    reserved then, for the caller to release with the rest of its clean-up)."""
    if actual > reserved:
        quota_reserve(user=user, nbytes=actual - reserved, week=week)
    else:
        quota_release(user=user, nbytes=reserved - actual, week=week)


def quota_release(*, user, nbytes: int, week: dt.date) -> None:
    """Give back bytes reserved for an upload that was refused or abandoned."""
    if nbytes <= 0:
        return
    UploadQuota.objects.filter(user=user, week_start=week).update(
        bytes_used=Greatest(F("bytes_used") - nbytes, 0)
    )


def quotas_reset_weekly(*, now: dt.datetime | None = None) -> int:
    """Drop the counters of past weeks (the current week starts from zero on its own).
    Idempotent; returns how many rows were removed."""
    deleted, _ = UploadQuota.objects.filter(week_start__lt=quota_week_start(now)).delete()
    return deleted


def quota_used(*, user, week: dt.date | None = None) -> int:
    row = UploadQuota.objects.filter(user=user, week_start=week or quota_week_start()).first()
    return row.bytes_used if row else 0
