"""Every movement of credits. Each one locks the account row, writes its ledger line (after
the expiry of an allowance whose period is over, if any) and moves the balance in the same
transaction; a unique idempotency key makes a repeated call (a retried task, a replayed
request or webhook) a no-op that returns the first result.

The balance has two parts: the allowance (a plan's credits for the current period: spent
first, and what is left of it expires when the period ends) and the rest (purchases and
grants, which never expire). Each line records the part of its amount that moved the
allowance, so the ledger sums to the balance and to the allowance."""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from filmstudio.errors import PaymentRequired
from filmstudio.services import audit_log

from ..errors import InvalidAmount, UnknownPlan
from ..models import CreditAccount, CreditTransaction, Plan

Kind = CreditTransaction.Kind
# Lines that put credits bought with a Stripe payment on the account: what a refund or a
# dispute of that payment takes back.
PAID_KINDS = (Kind.PURCHASE, Kind.MONTHLY_ALLOWANCE)


def credit_account_get_or_create(*, user) -> CreditAccount:
    """Return the user's account, opening it with the signup grant
    (settings.CREDITS_SIGNUP_GRANT) if they have none. Called when a user is created
    (`accounts.services.user_setup`), and by any movement that finds no account. Safe to call
    concurrently: exactly one account and one signup grant ever exist per user."""
    account = CreditAccount.objects.filter(user=user).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            account = CreditAccount.objects.create(user=user, plan_id=settings.DEFAULT_PLAN)
            grant = settings.CREDITS_SIGNUP_GRANT
            if grant > 0:
                account.balance = grant
                account.save(update_fields=["balance", "updated_at"])
                CreditTransaction.objects.create(
                    account=account,
                    kind=Kind.GRANT,
                    amount=grant,
                    balance_after=grant,
                    reason="Welcome credits",
                    idempotency_key=f"signup:{user.pk}",
                )
    except IntegrityError:
        # Another request created it between our read and our insert.
        account = CreditAccount.objects.get(user=user)
    return account


def credit_account_lock(*, user) -> CreditAccount:
    """The user's account, row-locked until the transaction ends: every movement of one
    account is serialised behind this lock (the account is opened if missing)."""
    account = CreditAccount.objects.select_for_update().filter(user=user).first()
    if account is None:
        credit_account_get_or_create(user=user)
        account = CreditAccount.objects.select_for_update().get(user=user)
    return account


def _write(
    account: CreditAccount,
    *,
    kind: str,
    amount: int,
    key: str,
    allowance_amount: int = 0,
    changed: tuple[str, ...] = (),
    **fields,
) -> CreditTransaction:
    """One ledger line; moves the locked account's balance and allowance by it and saves them
    (with the `changed` fields the caller set on the account)."""
    account.balance += amount
    account.allowance += allowance_amount
    account.save(update_fields=["balance", "allowance", "updated_at", *changed])
    return CreditTransaction.objects.create(
        account=account,
        kind=kind,
        amount=amount,
        allowance_amount=allowance_amount,
        balance_after=account.balance,
        idempotency_key=key,
        **fields,
    )


def _expire(account: CreditAccount, *, only_if_due: bool = True) -> CreditTransaction | None:
    """What is left of the allowance goes (an `expire` line): when its period is over, or
    (`only_if_due=False`) because a new period replaces it."""
    if account.allowance <= 0:
        return None
    ends = account.allowance_expires_at
    if only_if_due and ends is not None and ends > timezone.now():
        return None
    left = account.allowance
    return _write(
        account,
        kind=Kind.EXPIRE,
        amount=-left,
        allowance_amount=-left,
        # Decided under the row lock from the account's own state (allowance left, period
        # over), so the key only has to be unique.
        key=f"expire:{account.pk}:{uuid.uuid4().hex}",
        payment_reference=account.allowance_period,
        reason=f"Unused allowance of {account.allowance_period or 'the period'} expired",
    )


def _apply(
    *, user, kind: str, amount: int, key: str, allowance_amount: int | None = None, **fields
) -> tuple[CreditTransaction, bool]:
    """Apply one signed movement exactly once (by `key`); returns (ledger line, written now).
    A negative one spends the allowance first. Raises PaymentRequired when it would take the
    balance below zero. Runs inside the caller's transaction or opens one."""
    # No savepoint (two fewer round trips on the job-creation path). The 402 is therefore
    # raised after leaving the block, having written nothing but a due expiry, so it does not
    # poison an enclosing transaction; job_create lets it propagate and rolls back.
    with transaction.atomic(savepoint=False):
        account = credit_account_lock(user=user)
        existing = CreditTransaction.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing, False
        _expire(account)
        if account.balance + amount >= 0:
            if allowance_amount is None:
                allowance_amount = -min(account.allowance, -amount) if amount < 0 else 0
            if "reason" in fields:
                fields["reason"] = fields["reason"][:300]
            line = _write(
                account, kind=kind, amount=amount, key=key, allowance_amount=allowance_amount,
                **fields,
            )  # fmt: skip
            return line, True
    raise PaymentRequired(
        f"This needs {-amount} credits; the balance is {account.balance}.",
        code="insufficient_credits",
    )


def credits_reserve(*, user, amount: int, job, key: str) -> CreditTransaction:
    """Take `amount` credits from the balance for `job` (once per `key`), from the allowance
    first. Raises PaymentRequired (402 insufficient_credits) and changes nothing if they are
    short."""
    if amount < 0:
        raise InvalidAmount()
    return _apply(
        user=user,
        kind=Kind.RESERVE,
        amount=-amount,
        key=key,
        job=job,
        reason=f"Reserved for job {job.pk}",
    )[0]


def credits_capture(*, user, amount: int, job, key: str) -> CreditTransaction:
    """Make a reservation final (once per `key`). The credits already left the balance when
    reserved, so this line moves 0 and records that the work was delivered."""
    return _apply(
        user=user,
        kind=Kind.CAPTURE,
        amount=0,
        key=key,
        job=job,
        reason=f"Charged {amount} credits for job {job.pk}",
    )[0]


def credits_refund(*, user, amount: int, job, key: str) -> CreditTransaction:
    """Give a reservation back (once per `key`): a failed or cancelled job costs nothing. What
    the reservation took from the allowance returns to the allowance (and expires with it)."""
    if amount < 0:
        raise InvalidAmount()
    reserved = CreditTransaction.objects.filter(job=job, kind=Kind.RESERVE).order_by("-id").first()
    return _apply(
        user=user,
        kind=Kind.REFUND,
        amount=amount,
        key=key,
        job=job,
        allowance_amount=min(amount, -reserved.allowance_amount) if reserved else 0,
        reason=f"Refund for job {job.pk}",
    )[0]


def credits_grant(
    *,
    user,
    amount: int,
    kind: str = Kind.GRANT,
    reason: str = "",
    key: str | None = None,
    created_by=None,
    payment_reference: str = "",
    stripe_event: str = "",
    stripe_payment_intent: str = "",
) -> CreditTransaction:
    """Add credits that never expire (a grant, a purchase) or, with a negative amount and kind
    admin_adjust, take some away (the allowance first; never below zero: PaymentRequired).
    Once per `key`."""
    if not isinstance(amount, int) or amount == 0:
        raise InvalidAmount()
    if amount < 0 and kind != Kind.ADMIN_ADJUST:
        raise InvalidAmount("Only an admin adjustment can remove credits.")
    return _apply(
        user=user,
        kind=kind,
        amount=amount,
        key=key or f"{kind}:{uuid.uuid4().hex}",
        reason=reason,
        created_by=created_by,
        payment_reference=payment_reference,
        stripe_event=stripe_event,
        stripe_payment_intent=stripe_payment_intent,
    )[0]


def credits_admin_grant(*, staff_user, user, amount: int, reason: str, key: str | None = None):
    """A staff member adds (positive) or removes (negative) credits, with a reason. Once per
    `key` (a replay returns the first line and records nothing more); the ledger line and
    the audit record (`credits.grant` or `credits.adjust`) are written together."""
    kind = Kind.GRANT if amount > 0 else Kind.ADMIN_ADJUST
    if not isinstance(amount, int) or amount == 0:
        raise InvalidAmount()
    with transaction.atomic():
        line, written = _apply(
            user=user,
            kind=kind,
            amount=amount,
            key=key or f"{kind}:{uuid.uuid4().hex}",
            reason=reason,
            created_by=staff_user,
        )
        if written:
            audit_log(
                actor=staff_user,
                action="credits.grant" if amount > 0 else "credits.adjust",
                target=line.account,
                changes={
                    "balance": {"before": line.balance_after - amount, "after": line.balance_after}
                },
                reason=reason,
            )
    return line


def allowance_open(
    *,
    user,
    credits: int,
    period: str,
    expires_at: datetime,
    key: str,
    reason: str,
    plan: Plan | None = None,
    stripe_event: str = "",
    stripe_payment_intent: str = "",
) -> tuple[CreditTransaction | None, bool]:
    """Open an allowance period: what is left of the current one expires, and `credits` are
    the allowance until `expires_at` (a `monthly_allowance` line, once per `key`); `plan`, when
    given, becomes the account's plan. Atomic. Returns (the line, written now). A period that
    is already over, or that ends before the current one (a late or replayed webhook), changes
    nothing: (None, False)."""
    with transaction.atomic():
        account = credit_account_lock(user=user)
        existing = CreditTransaction.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing, False
        current_end = account.allowance_expires_at
        stale = current_end is not None and expires_at < current_end
        if expires_at <= timezone.now() or (stale and account.allowance_period != period):
            return None, False
        _expire(account, only_if_due=False)
        account.allowance_period, account.allowance_expires_at = period, expires_at
        changed = ("allowance_period", "allowance_expires_at")
        if plan is not None:
            account.plan = plan
            changed += ("plan",)
        if credits <= 0:
            account.save(update_fields=[*changed, "updated_at"])
            return None, True
        line = _write(
            account,
            kind=Kind.MONTHLY_ALLOWANCE,
            amount=credits,
            allowance_amount=credits,
            key=key,
            changed=changed,
            payment_reference=period,
            reason=reason,
            stripe_event=stripe_event,
            stripe_payment_intent=stripe_payment_intent,
        )
        return line, True


def credits_expire_due(*, account_id: int) -> CreditTransaction | None:
    """Expire what is left of the account's allowance if its period is over (else nothing)."""
    with transaction.atomic():
        return _expire(CreditAccount.objects.select_for_update().get(pk=account_id))


def credit_account_set_plan(*, user, plan: str) -> CreditAccount:
    """Put the user's account on `plan` (a code), atomically. Raises UnknownPlan."""
    found = Plan.objects.filter(code=plan).first()
    if found is None:
        raise UnknownPlan(f"Unknown plan {plan!r}.")
    with transaction.atomic():
        account = credit_account_lock(user=user)
        if account.plan_id != found.code:
            account.plan = found
            account.save(update_fields=["plan", "updated_at"])
    return account
