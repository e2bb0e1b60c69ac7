"""billing/migrations/0004: every user from before accounts were opened with the user gets
theirs, with the signup grant, exactly once."""

import pytest

from billing.models import CreditAccount, CreditPack, CreditTransaction, Plan
from tests.migrator import migrated_to

BEFORE = [("billing", "0003_plan_choices_from_settings")]


@pytest.mark.django_db(transaction=True)
def test_earlier_users_get_their_account_and_signup_grant_once(settings):
    settings.CREDITS_SIGNUP_GRANT = 40
    # given a user never read (no account yet) and one whose account was opened long ago
    with migrated_to(BEFORE) as old:
        User = old.get_model("accounts", "User")
        bare = User.objects.create(email="bare@example.com", password="!")
        known = User.objects.create(email="known@example.com", password="!")
        old.get_model("billing", "CreditAccount").objects.create(user=known, balance=7)
    # when the migration runs (leaving the block), and then once more
    with migrated_to(BEFORE):
        pass

    # then the bare user has an account holding exactly one grant; the other is untouched
    account = CreditAccount.objects.get(user_id=bare.pk)
    assert (account.plan_id, account.balance) == (settings.DEFAULT_PLAN, 40)
    grants = CreditTransaction.objects.filter(account=account)
    assert list(grants.values_list("kind", "amount", "idempotency_key")) == [
        ("grant", 40, f"signup:{bare.pk}")
    ]
    assert CreditAccount.objects.get(user_id=known.pk).balance == 7
    assert not CreditTransaction.objects.filter(account__user_id=known.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_accounts_keep_their_plan_when_plans_become_rows(monkeypatch):
    monkeypatch.setenv("PLAN_PRO_ALLOWANCE", "1500")
    # given accounts on the plans of settings.CREDIT_PLANS (a plain code in a column)
    with migrated_to([("billing", "0004_open_missing_accounts")]) as old:
        User = old.get_model("accounts", "User")
        Account = old.get_model("billing", "CreditAccount")
        pro = Account.objects.create(user=User.objects.create(email="p@example.com"), plan="pro")
        free = Account.objects.create(user=User.objects.create(email="f@example.com"))

    # then each points at its Plan row, and the plans start as they were configured
    assert CreditAccount.objects.get(pk=pro.pk).plan.monthly_allowance == 1500
    assert CreditAccount.objects.get(pk=free.pk).plan_id == "free"
    assert list(Plan.objects.values_list("code", "price_cents")) == [
        ("free", 0),
        ("pro", 1900),
        ("enterprise", 9900),
    ]
    assert CreditPack.objects.count() == 3
