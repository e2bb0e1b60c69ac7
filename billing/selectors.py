"""Reads of billing: the ledger, the catalogue, the subscription and the invoices. Reads only:
accounts are opened when their user is created (`accounts.services.user_setup`;
billing/migrations/0004 opened those of earlier users)."""

from datetime import UTC, datetime

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone
from djstripe import models as djstripe

from .models import CreditAccount, CreditPack, CreditTransaction, Plan
from .stripe_api import ENDED_STATUSES


def credit_account_summary(*, user) -> dict:
    """The user's plan code and balance, e.g. {"plan": "free", "balance": 100}. A user
    without an account (only one made behind the platform's back, e.g. a raw INSERT) reads
    as the default plan with nothing in it; nothing is written."""
    account = CreditAccount.objects.filter(user=user).only("plan", "balance").first()
    if account is None:
        return {"plan": settings.DEFAULT_PLAN, "balance": 0}
    return {"plan": account.plan_id, "balance": account.balance}


def credit_balance(*, user) -> int:
    return credit_account_summary(user=user)["balance"]


def credit_transactions_for(*, user, kind: str | None = None) -> QuerySet[CreditTransaction]:
    """The user's ledger, newest first; only lines of `kind` when given."""
    lines = CreditTransaction.objects.filter(account__user=user)
    if kind:
        lines = lines.filter(kind=kind)
    return lines.order_by("-created_at", "-id")


def plans_list() -> QuerySet[Plan]:
    """The plans on offer (the default plan included), in display order."""
    return Plan.objects.filter(is_active=True)


def packs_list() -> QuerySet[CreditPack]:
    return CreditPack.objects.filter(is_active=True)


def subscription_current(*, user) -> dict:
    """The user's plan and subscription: plan, status (Stripe's, or `active` for the default
    plan), the current period's end, whether it is cancelled at that end, and the allowance
    left this period (0 once its period is over, even before beat writes the expiry)."""
    account = CreditAccount.objects.select_related("plan").filter(user=user).first()
    plan = account.plan if account else Plan.objects.get(code=settings.DEFAULT_PLAN)
    now = timezone.now()
    allowance_live = account and account.allowance_expires_at and account.allowance_expires_at > now
    subscription = (
        djstripe.Subscription.objects.filter(customer__subscriber=user)
        .exclude(stripe_data__status__in=ENDED_STATUSES)
        .order_by("-created", "-djstripe_id")
        .first()
    )
    current = {
        "plan": plan,
        "status": "active",
        "current_period_end": account.allowance_expires_at if allowance_live else None,
        "cancel_at_period_end": False,
        "allowance_left": account.allowance if allowance_live else 0,
        "balance": account.balance if account else 0,
        "stripe_subscription": None,
    }
    if subscription is not None:
        data = subscription.stripe_data
        items = (data.get("items") or {}).get("data") or [{}]
        ends = items[0].get("current_period_end") or data.get("current_period_end")
        current.update(
            status=data.get("status"),
            current_period_end=datetime.fromtimestamp(int(ends), UTC) if ends else None,
            cancel_at_period_end=bool(data.get("cancel_at_period_end")),
            stripe_subscription=subscription.id,
        )
    return current


def invoices_for(*, user) -> QuerySet:
    """The user's Stripe invoices (dj-stripe's mirror, kept by the webhooks), newest first."""
    return djstripe.Invoice.objects.filter(customer__subscriber=user).order_by(
        "-created", "-djstripe_id"
    )


def ledger_sum(*, account: CreditAccount) -> int:
    return account.ledger.aggregate(total=Sum("amount"))["total"] or 0


def allowance_sum(*, account: CreditAccount) -> int:
    return account.ledger.aggregate(total=Sum("allowance_amount"))["total"] or 0


# --- staff


def user_billing_section(*, user) -> dict:
    """The billing part of the staff's user detail: plan, balance, allowance, shortfall and
    the ledger summed by kind (one grouped query) with its last lines."""
    from django.db.models import Count

    account = CreditAccount.objects.filter(user=user).first()
    if account is None:
        return {"plan": settings.DEFAULT_PLAN, "balance": 0, "ledger": {}, "recent": []}
    by_kind = account.ledger.values("kind").annotate(count=Count("id"), total=Sum("amount"))
    recent = account.ledger.order_by("-created_at", "-id").values(
        "id", "kind", "amount", "balance_after", "reason", "created_at"
    )[:10]
    return {
        "plan": account.plan_id,
        "balance": account.balance,
        "allowance": account.allowance,
        "allowance_expires_at": account.allowance_expires_at,
        "shortfall": account.shortfall,
        "ledger": {row["kind"]: {"count": row["count"], "total": row["total"]} for row in by_kind},
        "recent": list(recent),
    }


def credits_series(*, window) -> dict:
    """The billing part of the staff analytics: credits granted (by staff and at sign-up),
    purchased, given as allowances, spent on jobs (reserved less refunded) and expired, and
    the revenue Stripe invoices collected (cents, by currency)."""
    from django.db.models import BigIntegerField
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast

    from filmstudio.analytics import bucketed

    Kind = CreditTransaction.Kind
    # One scan of the ledger: every kind's sum per bucket.
    by_kind = bucketed(
        CreditTransaction.objects.all(), field="created_at", window=window, value=Sum("amount"),
        by="kind",
    )  # fmt: skip
    zero = [0] * len(window.buckets())

    def kinds(*names: str, sign: int = 1) -> list:
        return [sign * sum(v) for v in zip(*(by_kind.get(n, zero) for n in names), strict=True)]

    paid = djstripe.Invoice.objects.filter(stripe_data__status="paid").annotate(
        invoice_currency=KT("stripe_data__currency")
    )
    revenue = bucketed(
        paid,
        field="created",
        window=window,
        value=Sum(Cast(KT("stripe_data__amount_paid"), BigIntegerField())),
        by="invoice_currency",
    )
    return {
        "series": {
            "credits_granted": kinds(Kind.GRANT),
            "credits_purchased": kinds(Kind.PURCHASE),
            "credits_allowance": kinds(Kind.MONTHLY_ALLOWANCE),
            # Reservations are negative, refunds positive: spent = -(reserve + refund).
            "credits_spent": kinds(Kind.RESERVE, Kind.REFUND, sign=-1),
            "credits_expired": kinds(Kind.EXPIRE, sign=-1),
            "revenue_cents": revenue,
        }
    }


def credits_metrics() -> list[tuple]:
    """Credits moved so far, by kind of ledger line (granted, purchased, reserved, refunded,
    expired...), for /metrics."""
    totals = CreditTransaction.objects.order_by().values_list("kind").annotate(s=Sum("amount"))
    return [
        ("filmstudio_credits", "Sum of ledger amounts by kind.", {"kind": kind}, total or 0)
        for kind, total in totals
    ]
