"""Disputes end to end (API, fake Stripe, signed webhooks): opening one takes the credits its
payment bought back; winning it gives them back exactly once, however its events come
(replayed, both of them, before the opening; in parallel: test_concurrency.py); losing it
keeps them."""

import pytest
from django.db.models import Sum

from billing.models import CreditTransaction
from billing.services import credits_claw_back
from tests.billing.conftest import of_type
from tests.billing.test_money_rules import account_of, assert_consistent, lines, spend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_signup_grant(settings):
    settings.CREDITS_SIGNUP_GRANT = 0


def charge_of(events) -> str:
    return of_type(events, "charge.succeeded")["data"]["object"]["id"]


def dispute_of(opened) -> str:
    return opened["data"]["object"]["id"]


def assert_shortfall_in_the_ledger(user):
    shortfalls = CreditTransaction.objects.filter(account__user=user).aggregate(n=Sum("shortfall"))
    assert (shortfalls["n"] or 0) == account_of(user).shortfall >= 0


def test_a_won_dispute_gives_back_what_its_opening_took_once_and_clears_the_shortfall(
    auth_client, user, catalogue, top_up, stripe_on, deliver
):
    credits = catalogue["packs"]["500-credits"].credits
    events = top_up(auth_client, "500-credits")
    spend(user, credits - 120)  # 120 left
    opened = stripe_on.world.open_dispute(charge_of(events))
    deliver(auth_client, opened)
    assert (account_of(user).balance, account_of(user).shortfall) == (0, credits - 120)

    closed = stripe_on.world.close_dispute(dispute_of(opened))
    assert [e["type"] for e in closed] == [
        "charge.dispute.funds_reinstated",
        "charge.dispute.closed",
    ]
    # both events, replayed, and the opening delivered again after them
    deliver(auth_client, *closed, *closed, opened, *reversed(closed))

    assert lines(user, "reinstate") == [(120, dispute_of(opened))]
    assert lines(user, "clawback") == [(-120, dispute_of(opened))]
    account = account_of(user)
    assert (account.balance, account.shortfall) == (120, 0)
    assert_consistent(user)
    assert_shortfall_in_the_ledger(user)

    # the payment stands again: a refund of it afterwards takes its credits back in full
    stripe_on.world.create_refund({"charge": charge_of(events)})
    deliver(auth_client, *stripe_on.world.events_of("charge.refunded"))
    account = account_of(user)
    assert (account.balance, account.shortfall) == (0, credits - 120)
    assert_shortfall_in_the_ledger(user)


def test_a_lost_dispute_keeps_the_credits_it_took(
    auth_client, user, catalogue, top_up, stripe_on, deliver
):
    events = top_up(auth_client, "100-credits")
    opened = stripe_on.world.open_dispute(charge_of(events))
    deliver(auth_client, opened)

    closed = stripe_on.world.close_dispute(dispute_of(opened), won=False)
    assert [e["type"] for e in closed] == ["charge.dispute.closed"]
    deliver(auth_client, *closed, *closed)

    assert lines(user, "reinstate") == []
    assert lines(user, "clawback") == [(-100, dispute_of(opened))]
    assert account_of(user).balance == 0
    assert_consistent(user)


def test_a_dispute_won_before_its_opening_is_processed_takes_nothing(
    auth_client, user, catalogue, top_up, stripe_on, deliver
):
    events = top_up(auth_client, "100-credits")
    opened = stripe_on.world.open_dispute(charge_of(events))
    closed = stripe_on.world.close_dispute(dispute_of(opened))
    dispute = dispute_of(opened)

    deliver(auth_client, *closed, opened)
    # an opening decided on a read made before the bank's decision (a race) takes nothing
    # either, once the reinstatement is written
    late = credits_claw_back(
        user=user,
        owed=100,
        key=f"clawback:{dispute}",
        payment_intent=of_type(events, "charge.succeeded")["data"]["object"]["payment_intent"],
        reference=dispute,
        reason="read before the decision",
        unless=f"reinstate:{dispute}",
    )

    assert late is None
    assert lines(user, "clawback") == []
    assert lines(user, "reinstate") == [(0, dispute)]
    assert account_of(user).balance == 100
    assert_consistent(user)


def test_a_won_dispute_of_a_plan_payment_returns_its_allowance_while_the_period_runs(
    auth_client, user, catalogue, subscribe, stripe_on, deliver
):
    pro = catalogue["plans"]["pro"].monthly_allowance
    events = subscribe(auth_client, "pro")
    spend(user, 30)
    opened = stripe_on.world.open_dispute(charge_of(events))
    deliver(auth_client, opened)
    assert (account_of(user).balance, account_of(user).allowance) == (0, 0)

    deliver(auth_client, *stripe_on.world.close_dispute(dispute_of(opened)))

    account = account_of(user)
    assert (account.balance, account.allowance) == (pro - 30, pro - 30)
    assert_consistent(user)


def test_a_dispute_won_after_its_allowance_period_ended_gives_back_what_did_not_expire(
    auth_client, user, catalogue, subscribe, top_up, stripe_on, deliver
):
    pro = catalogue["plans"]["pro"].monthly_allowance
    events = subscribe(auth_client, "pro")
    opened = stripe_on.world.open_dispute(charge_of(events))
    deliver(auth_client, opened)
    subscription = of_type(events, "checkout.session.completed")["data"]["object"]["subscription"]
    deliver(auth_client, *stripe_on.world.renew_subscription(subscription))  # a new period
    assert account_of(user).balance == pro

    deliver(auth_client, *stripe_on.world.close_dispute(dispute_of(opened)))

    # the first period's allowance would have expired with it: only the new one is there
    assert lines(user, "reinstate") == [(0, dispute_of(opened))]
    assert (account_of(user).balance, account_of(user).allowance) == (pro, pro)
    assert_consistent(user)
