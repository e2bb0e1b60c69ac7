"""Credits going back with their money: a refund or a dispute of a Stripe payment takes back
what the payment bought (`clawback`), and a dispute decided in our favour gives it back
(`reinstate`). Both lock the account row, happen once per key and never take the balance
below zero: what was spent already is recorded as the account's shortfall (visible to staff),
and a reinstatement clears the shortfall its claw-back recorded."""

from django.db import transaction
from django.db.models import Q, Sum

from ..models import CreditAccount, CreditTransaction
from .ledger import PAID_KINDS, Kind, _expire, _write, credit_account_lock

# Lines that moved credits back because of a payment's refund or dispute (and undid that).
RETURN_KINDS = (Kind.CLAWBACK, Kind.REINSTATE)


def credits_paid_by(*, account: CreditAccount, payment_intent: str) -> int:
    """Credits a Stripe payment put on the account and that did not expire unused."""
    paid = account.ledger.filter(kind__in=PAID_KINDS, stripe_payment_intent=payment_intent)
    granted = paid.aggregate(n=Sum("amount"))["n"] or 0
    periods = paid.filter(kind=Kind.MONTHLY_ALLOWANCE).values("payment_reference")
    expired = account.ledger.filter(kind=Kind.EXPIRE, payment_reference__in=periods)
    return granted + (expired.aggregate(n=Sum("amount"))["n"] or 0)


def _taken_back(account: CreditAccount, payment_intent: str) -> int:
    """What claw-backs of the payment took (credits and shortfall), less what reinstatements
    gave back (a reinstatement's shortfall is negative: the part it cleared)."""
    lines = account.ledger.filter(kind__in=RETURN_KINDS, stripe_payment_intent=payment_intent)
    totals = lines.aggregate(taken=Sum("amount"), short=Sum("shortfall"))
    return -(totals["taken"] or 0) + (totals["short"] or 0)


def credits_claw_back(
    *,
    user,
    owed: int,
    key: str,
    payment_intent: str,
    reference: str,
    reason: str,
    stripe_event: str = "",
    unless: str = "",
) -> CreditTransaction | None:
    """Take back up to `owed` credits paid with `payment_intent` (a refund or a dispute of it),
    once per `key`, atomically. Never more than that payment put on the account (less what
    expired unused and what earlier claw-backs still hold), never below zero: what the balance
    cannot cover is recorded as the line's and the account's shortfall. Credits leave the part
    they were added to first (the allowance for a plan's period, the rest for a purchase).
    None when nothing is owed, or when the line keyed `unless` exists (the dispute was
    already decided in our favour: see credits_reinstate)."""
    with transaction.atomic():
        account = credit_account_lock(user=user)
        existing = CreditTransaction.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        if unless and CreditTransaction.objects.filter(idempotency_key=unless).exists():
            return None
        already = _taken_back(account, payment_intent)
        owed = min(owed, credits_paid_by(account=account, payment_intent=payment_intent) - already)
        if owed <= 0:
            return None
        _expire(account)
        took = min(owed, account.balance)
        allowance_first = account.ledger.filter(
            Q(kind=Kind.MONTHLY_ALLOWANCE), stripe_payment_intent=payment_intent
        ).exists()
        lasting = account.balance - account.allowance
        from_allowance = min(account.allowance, took) if allowance_first else max(0, took - lasting)
        account.shortfall += owed - took
        return _write(
            account,
            kind=Kind.CLAWBACK,
            amount=-took,
            allowance_amount=-from_allowance,
            key=key,
            changed=("shortfall",),
            shortfall=owed - took,
            payment_reference=reference,
            reason=reason,
            stripe_event=stripe_event,
            stripe_payment_intent=payment_intent,
        )


def credits_reinstate(
    *,
    user,
    clawback_key: str,
    key: str,
    payment_intent: str,
    reference: str,
    reason: str,
    stripe_event: str = "",
) -> CreditTransaction:
    """Undo the claw-back written under `clawback_key` (a dispute we won), once per `key`,
    atomically: the credits it took come back and the shortfall it recorded is cleared. What
    it took from an allowance returns to the allowance while that period runs; once the period
    is over (expired or replaced since) that part is not given back, as it would have expired
    with its period. With no claw-back to undo (the dispute was won before its opening was
    processed) the line moves nothing and stops a later claw-back keyed `unless=key`."""
    with transaction.atomic():
        account = credit_account_lock(user=user)
        existing = CreditTransaction.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        _expire(account)
        taken = account.ledger.filter(idempotency_key=clawback_key).first()
        given = allowance = forgiven = 0
        if taken is not None:
            allowance = -taken.allowance_amount
            period_over = account.ledger.filter(
                id__gt=taken.id, kind__in=(Kind.EXPIRE, Kind.MONTHLY_ALLOWANCE)
            ).exists()
            forfeited = allowance if period_over else 0
            allowance -= forfeited
            given = -taken.amount - forfeited
            forgiven = min(taken.shortfall, account.shortfall)
        account.shortfall -= forgiven
        return _write(
            account,
            kind=Kind.REINSTATE,
            amount=given,
            allowance_amount=allowance,
            key=key,
            changed=("shortfall",),
            shortfall=-forgiven,
            payment_reference=reference,
            reason=reason,
            stripe_event=stripe_event,
            stripe_payment_intent=payment_intent,
        )
