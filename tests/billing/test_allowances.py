"""Allowances: the free plan's comes from beat once per calendar month (not in the month the
account opened, when the signup grant stands in for it); what is left expires when the period
ends while purchased credits stay; jobs spend the allowance first and get it back on refund.
The ledger always sums to the balance and to the allowance."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from billing import services
from billing.models import CreditAccount, Plan
from billing.selectors import allowance_sum, ledger_sum
from billing.tasks import expire_allowances, grant_monthly_allowances
from filmstudio.errors import PaymentRequired
from jobs import services as jobs
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
NEXT_MONTH = (timezone.now().replace(day=1) + timedelta(days=32)).strftime("%Y-%m")


@pytest.fixture(autouse=True)
def _no_signup_grant(settings):
    settings.CREDITS_SIGNUP_GRANT = 0


def free_allowance() -> int:
    return Plan.objects.get(code="free").monthly_allowance


def account_of(user) -> CreditAccount:
    return CreditAccount.objects.get(user=user)


def assert_ledger_adds_up(user):
    account = account_of(user)
    assert ledger_sum(account=account) == account.balance
    assert allowance_sum(account=account) == account.allowance
    assert 0 <= account.allowance <= account.balance


def open_period(user, credits: int, period: str, expires_at):
    """An allowance period as a paid invoice (or beat) opens it, keyed by the period."""
    return services.allowance_open(
        user=user,
        credits=credits,
        period=period,
        key=f"allowance:{period}",
        reason=period,
        expires_at=expires_at,
    )


def opened_last_month(user):
    CreditAccount.objects.filter(user=user).update(created_at=timezone.now() - timedelta(days=40))
    return user


def test_the_free_plan_gets_its_allowance_once_per_month_expiring_at_the_months_end():
    user = UserFactory()

    assert services.credits_monthly_allowance_all(period=NEXT_MONTH) == 1
    assert services.credits_monthly_allowance_all(period=NEXT_MONTH) == 0

    account = account_of(user)
    year, month = map(int, NEXT_MONTH.split("-"))
    assert (account.balance, account.allowance) == (free_allowance(), free_allowance())
    assert account.allowance_expires_at == datetime(
        year + month // 12, month % 12 + 1, 1, tzinfo=UTC
    )
    line = account.ledger.get()
    assert (line.kind, line.payment_reference) == ("monthly_allowance", f"free:{NEXT_MONTH}")
    assert_ledger_adds_up(user)


def test_no_free_allowance_on_top_of_the_signup_grant_in_the_same_month(settings):
    settings.CREDITS_SIGNUP_GRANT = 100
    newcomer = UserFactory()
    veteran = opened_last_month(UserFactory())

    assert grant_monthly_allowances() == 1
    assert grant_monthly_allowances() == 0

    assert list(account_of(newcomer).ledger.values_list("kind", flat=True)) == ["grant"]
    assert account_of(veteran).ledger.filter(kind="monthly_allowance").count() == 1
    # next month the newcomer is served like everyone else
    assert services.credits_monthly_allowance_all(period=NEXT_MONTH) == 2


def test_beat_grants_no_allowance_to_paid_plans_nor_during_a_paid_period():
    paying = opened_last_month(UserFactory())
    services.credit_account_set_plan(user=paying, plan="pro")
    cancelled = opened_last_month(UserFactory())
    open_period(
        cancelled, 1000, "in_paid", timezone.now() + timedelta(days=3)
    )  # its subscription ended: back on the free plan, but the paid period still runs

    assert grant_monthly_allowances() == 0
    assert account_of(paying).balance == 0
    assert account_of(cancelled).allowance == 1000


def test_unused_allowance_expires_at_the_end_of_its_period_and_purchases_stay(user):
    services.credits_grant(user=user, amount=300, kind="purchase", key="purchase:cs_1")
    open_period(user, 1000, "in_1", timezone.now() + timedelta(days=30))
    assert expire_allowances() == 0  # not over yet

    CreditAccount.objects.filter(user=user).update(
        allowance_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert expire_allowances() == 1
    assert expire_allowances() == 0

    account = account_of(user)
    assert (account.balance, account.allowance) == (300, 0)
    expiry = account.ledger.get(kind="expire")
    assert (expiry.amount, expiry.payment_reference) == (-1000, "in_1")
    assert_ledger_adds_up(user)


def test_a_new_period_replaces_what_is_left_of_the_last_one(user):
    ends = timezone.now() + timedelta(days=30)
    open_period(user, 1000, "in_1", ends)
    services.credits_grant(user=user, amount=50, kind="purchase")

    open_period(user, 1000, "in_2", ends + timedelta(days=30))
    # a late replay of the older period grants nothing
    late, written = open_period(user, 1000, "in_0", ends - timedelta(days=1))

    assert (late, written) == (None, False)
    account = account_of(user)
    assert (account.balance, account.allowance, account.allowance_period) == (1050, 1000, "in_2")
    assert account.ledger.filter(kind="expire").get().amount == -1000
    assert_ledger_adds_up(user)


def test_jobs_spend_the_allowance_first_and_a_refund_gives_it_back(user):
    services.credits_grant(user=user, amount=500, kind="purchase")
    open_period(user, 20, "free:x", timezone.now() + timedelta(days=5))
    project = ProjectFactory(owner=user, target_duration=60)

    job, _ = jobs.job_create(user=user, project=project, job_type="music_generation")
    assert job.cost > 0
    spent = account_of(user)
    assert spent.allowance == max(0, 20 - job.cost)
    assert spent.balance == 520 - job.cost

    jobs.job_cancel(job=job)
    back = account_of(user)
    assert (back.balance, back.allowance) == (520, 20)
    refund = back.ledger.get(kind="refund")
    assert refund.allowance_amount == min(20, job.cost)
    assert_ledger_adds_up(user)


def test_an_allowance_whose_period_ended_cannot_be_spent_before_beat_writes_it_off(user):
    services.credits_grant(user=user, amount=10, kind="purchase")
    open_period(user, 90, "in_1", timezone.now() + timedelta(days=1))
    CreditAccount.objects.filter(user=user).update(
        allowance_expires_at=timezone.now() - timedelta(minutes=1)
    )
    project = ProjectFactory(owner=user, target_duration=60)
    cost = jobs.job_cost(job_type="full_generation", target_duration=60)
    assert 10 < cost <= 100  # affordable only with the allowance that just ran out

    with pytest.raises(PaymentRequired):
        jobs.job_create(user=user, project=project, job_type="full_generation")
    assert expire_allowances() == 1

    account = account_of(user)
    assert (account.balance, account.allowance) == (10, 0)
    assert_ledger_adds_up(user)
