"""Reads of the credit ledger."""

from django.conf import settings
from django.db.models import QuerySet

from .models import CreditAccount, CreditTransaction


def credit_account_summary(*, user) -> dict:
    """The user's plan code and balance, e.g. {"plan": "free", "balance": 100}.

    Creates the account on first use (with the signup grant), so every user has one.
    """
    from .services import credit_account_get_or_create

    account = credit_account_get_or_create(user=user)
    return {"plan": account.plan, "balance": account.balance}


def credit_balance(*, user) -> int:
    from .services import credit_account_get_or_create

    return credit_account_get_or_create(user=user).balance


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
    from django.db.models import Sum

    return account.ledger.aggregate(total=Sum("amount"))["total"] or 0
