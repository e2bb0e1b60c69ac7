"""What beat does for the allowances: the free plan's allowance for each calendar month, and
the expiry of allowances whose period is over (a spend expires them at once anyway; this
makes it visible on idle accounts)."""

from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ..models import CreditAccount, CreditTransaction, Plan
from . import ledger


def _month_bounds(period: str) -> tuple[datetime, datetime]:
    year, month = (int(part) for part in period.split("-"))
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def free_allowance_key(*, account_id: int, period: str) -> str:
    return f"allowance:{settings.DEFAULT_PLAN}:{period}:{account_id}"


def credits_monthly_allowance_all(*, period: str) -> int:
    """Grant the free plan's allowance for `period` ("YYYY-MM", UTC), expiring when the month
    ends, to every account on the free plan; returns how many this run granted. Skipped: an
    account opened in that month (its signup grant stands in for the month), and one whose
    paid period still runs (a cancelled subscription keeps its allowance to the period's end;
    a later run grants the free one). Safe to run any number of times, also two at once: each
    account is granted once per month (its ledger key)."""
    start, end = _month_bounds(period)
    plan = Plan.objects.filter(code=settings.DEFAULT_PLAN).first()
    if plan is None or plan.monthly_allowance <= 0 or end <= timezone.now():
        return 0
    granted_already = CreditTransaction.objects.filter(
        account=OuterRef("pk"),
        idempotency_key__startswith=f"allowance:{settings.DEFAULT_PLAN}:{period}:",
    )
    paid_period_runs = Q(allowance_expires_at__gt=timezone.now()) & ~Q(
        allowance_period__startswith=f"{plan.code}:"
    )
    due = (
        CreditAccount.objects.filter(plan_id=plan.code, created_at__lt=start)
        .exclude(paid_period_runs)
        .exclude(Exists(granted_already))
        .select_related("user")
    )
    granted = 0
    for account in due.iterator(chunk_size=500):
        _, written = ledger.allowance_open(
            user=account.user,
            credits=plan.monthly_allowance,
            period=f"{plan.code}:{period}",
            expires_at=end,
            key=free_allowance_key(account_id=account.pk, period=period),
            reason=f"{plan.name} allowance for {period}",
        )
        granted += written
    return granted


def credits_expire_all_due() -> int:
    """Expire what is left of every allowance whose period is over; returns how many."""
    due = CreditAccount.objects.filter(allowance__gt=0, allowance_expires_at__lte=timezone.now())
    return sum(
        ledger.credits_expire_due(account_id=pk) is not None
        for pk in due.values_list("pk", flat=True).iterator(chunk_size=500)
    )
