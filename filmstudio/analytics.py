"""The staff analytics (GET /api/v1/admin/analytics): the time axis, the one grouped-query
helper every app's contribution uses, and the assembly of what the apps registered
(`filmstudio.registry.analytics_sources`).

Every figure is computed by the database: one GROUP BY per series over the requested range
(`bucketed`), never a loop over rows, so a year of daily data on 100k jobs stays one short
request (bench/analytics.py).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDay, TruncWeek

from .registry import analytics_sources

INTERVALS = ("day", "week")
# A year and a bit of daily points; a longer range is asked for by the week.
MAX_BUCKETS = 400


@dataclass(frozen=True)
class Window:
    """[start, end) in UTC, cut into day or week (Monday) buckets."""

    start: datetime
    end: datetime
    interval: str

    @classmethod
    def of(cls, *, first: date, last: date, interval: str) -> "Window":
        """The window covering the days `first` to `last` inclusive (weeks start Monday)."""
        if interval == "week":
            first = first - timedelta(days=first.weekday())
        start = datetime.combine(first, time.min, tzinfo=UTC)
        end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC)
        return cls(start=start, end=end, interval=interval)

    @property
    def step(self) -> timedelta:
        return timedelta(days=7 if self.interval == "week" else 1)

    def buckets(self) -> list[str]:
        keys, at = [], self.start
        while at < self.end:
            keys.append(at.date().isoformat())
            at += self.step
        return keys

    def trunc(self, field: str):
        kind = TruncWeek if self.interval == "week" else TruncDay
        return kind(field, tzinfo=UTC)

    def within(self, field: str) -> dict[str, datetime]:
        return {f"{field}__gte": self.start, f"{field}__lt": self.end}


def _key(value) -> str:
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def bucketed(
    queryset: QuerySet, *, field: str, window: Window, value: Any = None, by: str | None = None
) -> list | dict[str, list]:
    """One grouped query: `value` (an aggregate, `Count("id")` by default) per bucket of
    `field` within the window, as a list aligned on `window.buckets()` (0 for an empty
    bucket); with `by`, one such list per value of the `by` column ({"film": [...]})."""
    value = Count("id") if value is None else value
    qs = queryset.filter(**window.within(field)).annotate(bucket=window.trunc(field))
    columns = ["bucket", by] if by else ["bucket"]
    rows = qs.order_by().values(*columns).annotate(figure=value).values_list(*columns, "figure")
    buckets = window.buckets()
    if by is None:
        points = {_key(bucket): figure or 0 for bucket, figure in rows}
        return aligned(points, buckets)
    grouped: dict[str, dict[str, Any]] = {}
    for bucket, group, figure in rows:
        grouped.setdefault(str(group), {})[_key(bucket)] = figure or 0
    return {group: aligned(points, buckets) for group, points in sorted(grouped.items())}


def aligned(points: dict[str, Any], buckets: list[str]) -> list:
    """A series as a list in bucket order, 0 where a bucket had nothing."""
    return [points.get(bucket, 0) for bucket in buckets]


def analytics(*, window: Window) -> dict:
    """Every registered source's figures over the window. A source returns {"series":
    {name: [one value per bucket] or {group: [...]}}, "totals": {...}}."""
    series: dict[str, Any] = {}
    totals: dict[str, Any] = {}
    for name, source in analytics_sources:
        figures = source(window=window)
        series.update(figures.get("series", {}))
        if figures.get("totals"):
            totals[name] = figures["totals"]
    return {
        "from": window.start.date(),
        "to": (window.end - timedelta(days=1)).date(),
        "interval": window.interval,
        "buckets": window.buckets(),
        "series": series,
        "totals": totals,
    }
