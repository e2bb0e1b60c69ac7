"""Every movement of credits. Each one locks the account row, writes exactly one ledger line
and updates the balance in the same transaction; a unique idempotency key makes a repeated
call (a retried task, a replayed request) a no-op that returns the first result."""

import uuid

from django.conf import settings
from django.db import IntegrityError, transaction

from filmstudio.errors import PaymentRequired

from .errors import InvalidAmount, UnknownPlan
from .models import CreditAccount, CreditTransaction


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
            account = CreditAccount.objects.create(user=user, plan=settings.DEFAULT_PLAN)
            grant = settings.CREDITS_SIGNUP_GRANT
            if grant > 0:
                account.balance = grant
                account.save(update_fields=["balance", "updated_at"])
                CreditTransaction.objects.create(
                    account=account,
                    kind=CreditTransaction.Kind.GRANT,
                    amount=grant,
                    balance_after=grant,
                    reason="Welcome credits",
                    idempotency_key=f"signup:{user.pk}",
                )
    except IntegrityError:
        # Another request created it between our read and our insert.
        account = CreditAccount.objects.get(user=user)
    return account


def _move(**movement) -> CreditTransaction:
    return _apply(**movement)[0]


def _apply(
    *,
    user,
    kind: str,
    amount: int,
    key: str,
    job=None,
    reason: str = "",
    payment_reference: str = "",
    created_by=None,
) -> tuple[CreditTransaction, bool]:
    """Apply one signed movement exactly once (by `key`); returns (ledger line, written now).
    Raises PaymentRequired when it would take the balance below zero. Runs inside the
    caller's transaction or opens one."""
    # No savepoint (two fewer round trips on the job-creation path). The 402 is therefore
    # raised after leaving the block, having written nothing, so it does not poison an
    # enclosing transaction; job_create lets it propagate and rolls its job row back.
    with transaction.atomic(savepoint=False):
        # The row lock serialises every movement of this account: the balance check and the
        # write below cannot interleave with another request's.
        account = CreditAccount.objects.select_for_update().filter(user=user).first()
        if account is None:
            account = credit_account_get_or_create(user=user)
            account = CreditAccount.objects.select_for_update().get(pk=account.pk)
        existing = CreditTransaction.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing, False
        new_balance = account.balance + amount
        if new_balance >= 0:
            account.balance = new_balance
            account.save(update_fields=["balance", "updated_at"])
            line = CreditTransaction.objects.create(
                account=account,
                kind=kind,
                amount=amount,
                balance_after=new_balance,
                job=job,
                reason=reason[:300],
                payment_reference=payment_reference,
                created_by=created_by,
                idempotency_key=key,
            )
            return line, True
    raise PaymentRequired(
        f"This needs {-amount} credits; the balance is {account.balance}.",
        code="insufficient_credits",
    )


def credits_reserve(*, user, amount: int, job, key: str) -> CreditTransaction:
    """Take `amount` credits from the balance for `job` (once per `key`).
    Raises PaymentRequired (402 insufficient_credits) and changes nothing if they are short."""
    if amount < 0:
        raise InvalidAmount()
    return _move(
        user=user,
        kind=CreditTransaction.Kind.RESERVE,
        amount=-amount,
        key=key,
        job=job,
        reason=f"Reserved for job {job.pk}",
    )


def credits_capture(*, user, amount: int, job, key: str) -> CreditTransaction:
    """Make a reservation final (once per `key`). The credits already left the balance when
    reserved, so this line moves 0 and records that the work was delivered."""
    return _move(
        user=user,
        kind=CreditTransaction.Kind.CAPTURE,
        amount=0,
        key=key,
        job=job,
        reason=f"Charged {amount} credits for job {job.pk}",
    )


def credits_refund(*, user, amount: int, job, key: str) -> CreditTransaction:
    """Give a reservation back (once per `key`): a failed or cancelled job costs nothing."""
    if amount < 0:
        raise InvalidAmount()
    return _move(
        user=user,
        kind=CreditTransaction.Kind.REFUND,
        amount=amount,
        key=key,
        job=job,
        reason=f"Refund for job {job.pk}",
    )


def credits_grant(
    *,
    user,
    amount: int,
    kind: str = CreditTransaction.Kind.GRANT,
    reason: str = "",
    key: str | None = None,
    created_by=None,
    payment_reference: str = "",
) -> CreditTransaction:
    """Add credits (grant, purchase, monthly allowance) or, with a negative amount and kind
    admin_adjust, take them away (never below zero: PaymentRequired). Once per `key`."""
    if not isinstance(amount, int) or amount == 0:
        raise InvalidAmount()
    if amount < 0 and kind != CreditTransaction.Kind.ADMIN_ADJUST:
        raise InvalidAmount("Only an admin adjustment can remove credits.")
    return _move(
        user=user,
        kind=kind,
        amount=amount,
        key=key or f"{kind}:{uuid.uuid4().hex}",
        reason=reason,
        created_by=created_by,
        payment_reference=payment_reference,
    )


def credits_admin_grant(*, staff_user, user, amount: int, reason: str, key: str | None = None):
    """A staff member adds (positive) or removes (negative) credits, with a reason."""
    kind = CreditTransaction.Kind.GRANT if amount > 0 else CreditTransaction.Kind.ADMIN_ADJUST
    return credits_grant(
        user=user, amount=amount, kind=kind, reason=reason, key=key, created_by=staff_user
    )


def credits_monthly_allowance_all(*, period: str) -> int:
    """Grant every account its plan's allowance for `period` ("YYYY-MM"), topping up the
    balance (unused credits carry over); returns how many this run granted (0 for accounts
    that already had it). Safe to run any number of times, also two at once (beat retries,
    two beats): each account is granted once per period."""
    granted = 0
    for account in CreditAccount.objects.select_related("user").iterator(chunk_size=500):
        key = f"monthly:{account.pk}:{period}"
        plan = settings.CREDIT_PLANS.get(account.plan)
        if not plan or plan["monthly_allowance"] <= 0:
            continue
        if CreditTransaction.objects.filter(idempotency_key=key).exists():
            continue  # the common case on a re-run: skip without locking the account
        _, written = _apply(
            user=account.user,
            kind=CreditTransaction.Kind.MONTHLY_ALLOWANCE,
            amount=plan["monthly_allowance"],
            reason=f"{plan['name']} allowance for {period}",
            key=key,
        )
        granted += written
    return granted


def credit_account_set_plan(*, user, plan: str) -> CreditAccount:
    if plan not in settings.CREDIT_PLANS:
        raise UnknownPlan(f"Unknown plan {plan!r}.")
    account = credit_account_get_or_create(user=user)
    CreditAccount.objects.filter(pk=account.pk).update(plan=plan)
    account.refresh_from_db()
    return account
