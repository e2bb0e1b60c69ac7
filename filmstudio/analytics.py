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


def grouped(
    queryset: QuerySet, *, field: str, window: Window, by: str | None = None, **figures: Any
) -> dict[str, Any]:
    """One grouped query: each named aggregate of `figures` per bucket of `field` within the
    window, as a list aligned on `window.buckets()` (0 for an empty bucket); with `by`, one
    such list per value of the `by` column, groups whose figure is 0 everywhere left out.
    Returns {figure name: list, or {group: list}}."""
    qs = queryset.filter(**window.within(field)).annotate(bucket=window.trunc(field))
    columns = ["bucket", by] if by else ["bucket"]
    rows = qs.order_by().values(*columns).annotate(**figures).values(*columns, *figures)
    buckets = window.buckets()
    points: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in figures}
    for row in rows:
        group = str(row[by]) if by else ""
        for name in figures:
            points[name].setdefault(group, {})[_key(row["bucket"])] = row[name] or 0
    result: dict[str, Any] = {}
    for name, groups in points.items():
        if by is None:
            result[name] = aligned(groups.get("", {}), buckets)
        else:
            result[name] = {
                group: aligned(values, buckets)
                for group, values in sorted(groups.items())
                if any(values.values())
            }
    return result


def bucketed(
    queryset: QuerySet, *, field: str, window: Window, value: Any = None, by: str | None = None
) -> list | dict[str, list]:
    """`grouped` with one figure (`Count("*")` by default)."""
    value = Count("*") if value is None else value
    return grouped(queryset, field=field, window=window, by=by, figure=value)["figure"]


def total(series: dict[str, list], window: Window) -> list:
    """The bucket-wise sum of grouped series ({group: list} → list)."""
    lists = list(series.values()) or [aligned({}, window.buckets())]
    return [sum(values) for values in zip(*lists, strict=True)]


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
