import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from billing import services
from billing.errors import InvalidAmount, UnknownPlan
from billing.models import CreditAccount, CreditTransaction
from billing.selectors import credit_account_summary, ledger_sum
from filmstudio.errors import PaymentRequired
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_signup_grant(settings):
    # Set before the `user` fixture creates its user (and with it the account).
    settings.CREDITS_SIGNUP_GRANT = 0


def _writes(queries) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(verbs)]


def test_a_new_account_gets_the_signup_grant_exactly_once(settings):
    settings.CREDITS_SIGNUP_GRANT = 25
    user = UserFactory()
    services.credit_account_get_or_create(user=user)  # a second opening grants nothing

    with CaptureQueriesContext(connection) as reads:
        first = credit_account_summary(user=user)
        second = credit_account_summary(user=user)

    assert first == second == {"plan": "free", "balance": 25}
    assert CreditTransaction.objects.filter(account__user=user, kind="grant").count() == 1
    assert _writes(reads.captured_queries) == []


def test_a_zero_signup_grant_writes_no_ledger_line():
    user = UserFactory()
    assert credit_account_summary(user=user) == {"plan": "free", "balance": 0}
    assert CreditAccount.objects.filter(user=user).exists()
    assert not CreditTransaction.objects.exists()


def test_reading_a_user_without_an_account_writes_nothing(user):
    # given a user whose account is gone (made behind the platform's back)
    CreditAccount.objects.filter(user=user).delete()

    with CaptureQueriesContext(connection) as reads:
        summary = credit_account_summary(user=user)

    assert summary == {"plan": "free", "balance": 0}
    assert _writes(reads.captured_queries) == []
    assert not CreditAccount.objects.filter(user=user).exists()


def test_each_movement_happens_once_per_key_and_the_ledger_sums_to_the_balance(user):
    services.credits_grant(user=user, amount=50, key="purchase-1", kind="purchase")
    services.credits_grant(user=user, amount=50, key="purchase-1", kind="purchase")
    account = CreditAccount.objects.get(user=user)
    assert account.balance == 50

    services.credits_admin_grant(staff_user=None, user=user, amount=-20, reason="typo", key="adj")
    account.refresh_from_db()
    assert account.balance == 30
    assert ledger_sum(account=account) == 30
    assert list(account.ledger.order_by("id").values_list("balance_after", flat=True)) == [50, 30]


def test_a_movement_below_zero_is_refused_and_changes_nothing(settings):
    settings.CREDITS_SIGNUP_GRANT = 10
    user = UserFactory()
    with pytest.raises(PaymentRequired):
        services.credits_admin_grant(staff_user=None, user=user, amount=-11, reason="x")
    assert CreditAccount.objects.get(user=user).balance == 10
    assert CreditTransaction.objects.filter(account__user=user).count() == 1


def test_only_an_admin_adjustment_can_remove_credits(user):
    with pytest.raises(InvalidAmount):
        services.credits_grant(user=user, amount=-5)
    with pytest.raises(InvalidAmount):
        services.credits_grant(user=user, amount=0)


def test_the_database_refuses_a_negative_balance(user):
    account = services.credit_account_get_or_create(user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditAccount.objects.filter(pk=account.pk).update(balance=-1)


def test_an_unknown_plan_is_refused(user):
    with pytest.raises(UnknownPlan) as refused:
        services.credit_account_set_plan(user=user, plan="platinum")
    assert refused.value.code == "invalid_plan"
