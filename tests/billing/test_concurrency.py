"""The money rules under races (real commits, threads): jobs spending while a refund takes the
credits back, two different events about one payment delivered at once, and a won dispute's
two events delivered many times at once."""

import pytest
from rest_framework.test import APIClient

from billing.models import CreditAccount, CreditTransaction
from billing.selectors import allowance_sum, ledger_sum
from billing.services import credits_reserve
from filmstudio.errors import PaymentRequired
from jobs.models import Job, JobType
from tests.billing.conftest import checkout, of_type, post_event, run_at_once
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def assert_consistent(user) -> CreditAccount:
    account = CreditAccount.objects.get(user=user)
    assert ledger_sum(account=account) == account.balance >= 0
    assert allowance_sum(account=account) == account.allowance
    return account


def test_jobs_spending_while_a_refund_takes_the_credits_back_never_go_below_zero(
    buyer, catalogue, stripe_on
):
    user, client = buyer
    credits = catalogue["packs"]["500-credits"].credits
    events = paid_top_up(client, stripe_on, "500-credits")
    charge = of_type(events, "charge.succeeded")["data"]["object"]["id"]
    stripe_on.world.create_refund({"charge": charge})
    (refunded,) = stripe_on.world.events_of("charge.refunded")
    project = ProjectFactory(owner=user)
    jobs = [
        Job.objects.create(owner=user, project=project, type=JobType.MUSIC_GENERATION)
        for _ in range(4)
    ]
    share = credits // len(jobs)
    outcomes, statuses = [], []

    def spend(job):
        def work():
            try:
                credits_reserve(user=user, amount=share, job=job, key=f"reserve:{job.pk}")
                outcomes.append("spent")
            except PaymentRequired:
                outcomes.append("refused")

        return work

    def refund():
        statuses.append(post_event(APIClient(), stripe_on, refunded).status_code)

    run_at_once(refund, *(spend(job) for job in jobs))

    assert statuses == [200] and len(outcomes) == len(jobs)
    spent = outcomes.count("spent") * share
    account = assert_consistent(user)
    # whatever the order, the refund takes all 500 back: from the balance what is left of
    # it, the rest (what the jobs spent first) as the shortfall
    assert (account.balance, account.shortfall) == (credits - len(jobs) * share, spent)
    (clawback,) = CreditTransaction.objects.filter(account__user=user, kind="clawback")
    assert -clawback.amount + clawback.shortfall == credits


def test_a_payments_completed_and_settled_events_at_once_grant_once(buyer, catalogue, stripe_on):
    user, client = buyer
    session = checkout(client, {"pack": "100-credits"}, "/api/v1/credits/topup")
    (completed,) = [
        e
        for e in stripe_on.world.complete_checkout(session["id"], paid=False)
        if e["type"] == "checkout.session.completed"
    ]
    settled = stripe_on.world.settle_async_payment(session["id"])
    statuses = []

    def deliver(event):
        return lambda: statuses.append(post_event(APIClient(), stripe_on, event).status_code)

    run_at_once(*(deliver(event) for event in [completed, settled] * 4))

    assert statuses == [200] * 8
    lines = CreditTransaction.objects.filter(account__user=user)
    assert list(lines.values_list("kind", "amount", "payment_reference")) == [
        ("purchase", catalogue["packs"]["100-credits"].credits, session["id"])
    ]
    assert assert_consistent(user).balance == catalogue["packs"]["100-credits"].credits


def paid_top_up(client, server, pack: str) -> list[dict]:
    session = checkout(client, {"pack": pack}, "/api/v1/credits/topup")
    events = server.world.complete_checkout(session["id"])
    for event in events:
        assert post_event(client, server, event).status_code == 200
    return events


def test_a_won_disputes_events_delivered_in_parallel_give_back_once(buyer, catalogue, stripe_on):
    user, client = buyer
    events = paid_top_up(client, stripe_on, "100-credits")
    charge = of_type(events, "charge.succeeded")["data"]["object"]["id"]
    opened = stripe_on.world.open_dispute(charge)
    assert post_event(client, stripe_on, opened).status_code == 200
    dispute = opened["data"]["object"]["id"]
    closed = stripe_on.world.close_dispute(dispute)
    statuses = []

    def deliver(event):
        return lambda: statuses.append(post_event(APIClient(), stripe_on, event).status_code)

    run_at_once(*(deliver(event) for event in closed * 4))  # two events, four times each

    assert statuses == [200] * 8
    reinstated = CreditTransaction.objects.filter(account__user=user, kind="reinstate")
    assert list(reinstated.values_list("amount", "payment_reference")) == [(100, dispute)]
    assert assert_consistent(user).balance == 100
