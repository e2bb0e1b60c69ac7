"""Reads of the credit ledger. Reads only: accounts are opened when their user is created
(`accounts.services.user_setup`; billing/migrations/0004 opened those of earlier users)."""

from django.conf import settings
from django.db.models import QuerySet, Sum

from .models import CreditAccount, CreditTransaction


def credit_account_summary(*, user) -> dict:
    """The user's plan code and balance, e.g. {"plan": "free", "balance": 100}. A user
    without an account (only one made behind the platform's back, e.g. a raw INSERT) reads
    as the default plan with nothing in it; nothing is written."""
    account = CreditAccount.objects.filter(user=user).only("plan", "balance").first()
    if account is None:
        return {"plan": settings.DEFAULT_PLAN, "balance": 0}
    return {"plan": account.plan, "balance": account.balance}


def credit_balance(*, user) -> int:
    return credit_account_summary(user=user)["balance"]


def credit_transactions_for(*, user) -> QuerySet[CreditTransaction]:
    return CreditTransaction.objects.filter(account__user=user).order_by("-created_at", "-id")


def plans_list() -> list[dict]:
    return [
        {
            "code": code,
            "name": plan["name"],
            "monthly_allowance": plan["monthly_allowance"],
            "price_cents": plan["price_cents"],
        }
        for code, plan in settings.CREDIT_PLANS.items()
    ]


def ledger_sum(*, account: CreditAccount) -> int:
    return account.ledger.aggregate(total=Sum("amount"))["total"] or 0
