"""Stripe's webhook through the API: signatures, and every credit granted exactly once however
the events come (replayed, in parallel, out of order)."""

import json

import pytest
from djstripe.models import Event, WebhookEventTrigger
from rest_framework.test import APIClient

from billing.models import CreditAccount, CreditTransaction
from billing.selectors import allowance_sum, ledger_sum
from tests.billing.conftest import WEBHOOK, checkout, of_type, post_event, run_at_once, stale

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_signup_grant(settings):
    settings.CREDITS_SIGNUP_GRANT = 0


def paid_top_up(client, server, pack: str = "500-credits", quantity: int = 1) -> dict:
    """The customer paid a top-up; returns Stripe's `checkout.session.completed` (undelivered)."""
    session = checkout(client, {"pack": pack, "quantity": quantity}, "/api/v1/credits/topup")
    return of_type(server.world.complete_checkout(session["id"]), "checkout.session.completed")


def purchases(user) -> list[tuple[str, int, str]]:
    lines = CreditTransaction.objects.filter(account__user=user, kind="purchase")
    return list(lines.values_list("kind", "amount", "payment_reference"))


def test_a_paid_top_up_grants_its_credits_once_with_the_session_as_reference(
    auth_client, user, catalogue, stripe_on
):
    completed = paid_top_up(auth_client, stripe_on, quantity=2)

    for _ in range(10):  # Stripe retries; a replay changes nothing
        assert post_event(auth_client, stripe_on, completed).status_code == 200

    session = completed["data"]["object"]
    credits = 2 * catalogue["packs"]["500-credits"].credits
    assert purchases(user) == [("purchase", credits, session["id"])]
    line = CreditTransaction.objects.get(kind="purchase")
    assert (line.stripe_event, line.stripe_payment_intent) == (
        completed["id"],
        session["payment_intent"],
    )
    account = CreditAccount.objects.get(user=user)
    assert (account.balance, account.allowance) == (credits, 0)  # purchases never expire
    assert Event.objects.filter(id=completed["id"]).count() == 1
    assert WebhookEventTrigger.objects.filter(valid=True).count() == 10


@pytest.mark.parametrize(
    ("tamper", "status", "code"),
    [
        (lambda body, header: (body.replace("500", "900"), header), 400, "invalid_signature"),
        (lambda body, header: (body, header.replace("v1=", "v1=0")), 400, "invalid_signature"),
        (lambda body, header: (body, ""), 400, "invalid_signature"),
    ],
)
def test_a_forged_or_altered_delivery_is_400_and_changes_nothing(
    api_client, auth_client, user, catalogue, stripe_on, tamper, status, code
):
    completed = paid_top_up(auth_client, stripe_on)
    body = json.dumps(completed)
    body, header = tamper(body, stripe_on.signature_header(body))

    response = api_client.post(
        WEBHOOK, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert purchases(user) == []
    assert not Event.objects.exists() and not WebhookEventTrigger.objects.exists()


def test_a_stale_or_wrongly_keyed_signature_is_refused(
    api_client, auth_client, user, catalogue, stripe_on
):
    completed = paid_top_up(auth_client, stripe_on)

    old = post_event(api_client, stripe_on, completed, timestamp=stale(301))
    wrong = post_event(api_client, stripe_on, completed, secret="whsec_someone_else")

    assert old.status_code == wrong.status_code == 400
    assert purchases(user) == [] and not Event.objects.exists()


def test_an_event_type_nobody_handles_is_accepted_and_changes_nothing(api_client, user, stripe_on):
    before = CreditAccount.objects.get(user=user).balance
    event = stripe_on.world.emit(
        "customer.cash_balance.transaction.created",
        {"id": "ccsbtxn_1", "object": "customer_cash_balance_transaction"},
    )

    response = post_event(api_client, stripe_on, event)

    assert response.status_code == 200 and response.json()["event"] == event["id"]
    assert CreditAccount.objects.get(user=user).balance == before
    assert not CreditTransaction.objects.filter(account__user=user).exists()


def test_a_delayed_payment_grants_when_it_settles_once(
    auth_client, user, catalogue, stripe_on, deliver
):
    session = checkout(auth_client, {"pack": "100-credits"}, "/api/v1/credits/topup")
    events = stripe_on.world.complete_checkout(session["id"], paid=False)
    deliver(auth_client, *events)
    assert purchases(user) == []  # completed, but the bank debit has not cleared

    settled = stripe_on.world.settle_async_payment(session["id"])
    deliver(auth_client, settled, settled, *events)  # and `completed` again, now paid

    assert purchases(user) == [
        ("purchase", catalogue["packs"]["100-credits"].credits, session["id"])
    ]


def test_invoice_paid_before_the_subscription_exists_ends_in_the_right_state(
    auth_client, user, catalogue, stripe_on, deliver
):
    session = checkout(auth_client, {"plan": "pro"})
    events = stripe_on.world.complete_checkout(session["id"])
    paid = of_type(events, "invoice.paid")
    created = of_type(events, "customer.subscription.created")  # says "incomplete"
    assert created["data"]["object"]["status"] == "incomplete"

    deliver(auth_client, paid, created, *reversed(events))

    current = auth_client.get("/api/v1/subscriptions/current").json()
    pro = catalogue["plans"]["pro"]
    assert (current["plan"]["code"], current["status"]) == ("pro", "active")
    assert current["allowance_left"] == pro.monthly_allowance
    lines = CreditTransaction.objects.filter(account__user=user)
    assert list(lines.values_list("kind", "amount", "payment_reference")) == [
        ("monthly_allowance", pro.monthly_allowance, paid["data"]["object"]["id"])
    ]


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_deliveries_of_one_event_grant_once(buyer, catalogue, stripe_on):
    user, client = buyer
    completed = paid_top_up(client, stripe_on)
    statuses = []

    def deliver_once():
        statuses.append(post_event(APIClient(), stripe_on, completed).status_code)

    run_at_once(*[deliver_once] * 10)

    assert statuses == [200] * 10
    credits = catalogue["packs"]["500-credits"].credits
    assert purchases(user) == [("purchase", credits, completed["data"]["object"]["id"])]
    account = CreditAccount.objects.get(user=user)
    assert account.balance == ledger_sum(account=account) == credits
    assert allowance_sum(account=account) == account.allowance == 0
    assert Event.objects.filter(id=completed["id"]).count() == 1


def test_a_refund_reported_before_the_purchase_takes_its_credits_back_when_they_arrive(
    auth_client, user, catalogue, stripe_on, deliver
):
    session = checkout(auth_client, {"pack": "500-credits"}, "/api/v1/credits/topup")
    events = stripe_on.world.complete_checkout(session["id"])
    charge = of_type(events, "charge.succeeded")["data"]["object"]["id"]
    stripe_on.world.create_refund({"charge": charge})

    deliver(auth_client, *stripe_on.world.events_of("charge.refunded"))  # nothing to take yet
    deliver(auth_client, *events)

    account = CreditAccount.objects.get(user=user)
    assert (account.balance, account.shortfall) == (0, 0)
    kinds = CreditTransaction.objects.filter(account__user=user).order_by("id")
    credits = catalogue["packs"]["500-credits"].credits
    assert list(kinds.values_list("kind", "amount")) == [
        ("purchase", credits),
        ("clawback", -credits),
    ]
