import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from filmstudio.analytics import INTERVALS, MAX_BUCKETS, Window, analytics


def _total(values) -> float:
    if isinstance(values, dict):
        return sum(_total(v) for v in values.values())
    return sum(values) if isinstance(values, list) else 0


class Command(BaseCommand):
    help = (
        "What the staff analytics show (GET /api/v1/admin/analytics), in the terminal: each "
        "series' total and its last buckets, the stage durations and the top failure codes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="how far back (default 30)")
        parser.add_argument("--interval", choices=INTERVALS, default="day")
        parser.add_argument("--last", type=int, default=7, help="buckets shown per series")

    def handle(self, *args, days: int, interval: str, last: int, **options):
        today = timezone.now().date()
        window = Window.of(first=today - dt.timedelta(days=days - 1), last=today, interval=interval)
        if len(window.buckets()) > MAX_BUCKETS:
            raise CommandError(f"At most {MAX_BUCKETS} buckets; use --interval week.")
        figures = analytics(window=window)
        buckets = figures["buckets"][-last:]
        self.stdout.write(f"{figures['from']} → {figures['to']} by {interval}")
        self.stdout.write(
            f"{'series':34} {'total':>10}  " + " ".join(f"{b[5:]:>7}" for b in buckets)
        )
        for name, values in figures["series"].items():
            groups = values if isinstance(values, dict) else {"": values}
            for group, points in groups.items():
                label = f"{name}[{group}]" if group else name
                row = " ".join(f"{p:>7.6g}" for p in points[-last:])
                self.stdout.write(f"{label:34} {_total(points):>10.6g}  {row}")
        jobs = figures["totals"].get("jobs", {})
        self.stdout.write("\nstage                      count   median s    p95 s")
        for stage, s in jobs.get("stage_seconds", {}).items():
            self.stdout.write(f"{stage:24} {s['count']:>7} {s['median']:>10} {s['p95']:>8}")
        self.stdout.write("\ntop failure codes")
        for row in jobs.get("top_failure_codes", []):
            self.stdout.write(f"  {row['code'] or '(none)':30} {row['count']:>6}")
