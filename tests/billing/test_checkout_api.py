"""Buying through the API against the fake Stripe: Checkout for plans and top-ups, the current
subscription, cancel and resume, the portal, invoices; and the offline default."""

import threading

import pytest
from django.db import connection
from djstripe.models import Customer
from rest_framework.test import APIClient

from billing.models import Checkout, CreditAccount
from tests.billing.conftest import checkout, of_type
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAYING = [
    ("post", "/api/v1/subscriptions/checkout", {"plan": "pro"}),
    ("post", "/api/v1/credits/topup", {"pack": "500-credits"}),
    ("post", "/api/v1/billing/portal", {}),
    ("post", "/api/v1/subscriptions/cancel", {}),
    ("post", "/api/v1/subscriptions/resume", {}),
]


@pytest.fixture(autouse=True)
def _no_signup_grant(settings):
    settings.CREDITS_SIGNUP_GRANT = 0


@pytest.mark.parametrize(("method", "path", "body"), PAYING)
def test_without_stripe_the_paying_endpoints_say_so(auth_client, settings, method, path, body):
    settings.STRIPE_SECRET_KEY = ""
    response = getattr(auth_client, method)(path, body, format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "billing_not_configured"


def test_without_stripe_the_free_plan_works(auth_client, api_client, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    current = auth_client.get("/api/v1/subscriptions/current").json()
    assert (current["plan"]["code"], current["status"], current["stripe_subscription"]) == (
        "free",
        "active",
        None,
    )
    assert auth_client.get("/api/v1/billing/invoices").json()["count"] == 0
    hook = api_client.post("/api/v1/subscriptions/webhook", "{}", content_type="application/json")
    assert (hook.status_code, hook.json()["code"]) == (503, "billing_not_configured")


@pytest.mark.parametrize(("method", "path", "body"), PAYING)
def test_paying_needs_a_login(api_client, method, path, body):
    assert getattr(api_client, method)(path, body, format="json").status_code == 401


def test_nothing_is_for_sale_until_tied_to_a_stripe_price(auth_client, stripe_on):
    response = auth_client.post("/api/v1/subscriptions/checkout", {"plan": "pro"})
    assert (response.status_code, response.json()["code"]) == (409, "not_for_sale")
    free = auth_client.post("/api/v1/subscriptions/checkout", {"plan": "free"})
    assert free.json()["code"] == "not_for_sale"


@pytest.mark.parametrize(
    ("path", "body", "code", "field"),
    [
        ("/api/v1/subscriptions/checkout", {"plan": "platinum"}, "invalid_plan", None),
        ("/api/v1/subscriptions/checkout", {}, "invalid", "plan"),
        ("/api/v1/credits/topup", {"pack": "nope"}, "invalid_pack", None),
        ("/api/v1/credits/topup", {"pack": "500-credits", "quantity": 0}, "invalid", "quantity"),
        ("/api/v1/credits/topup", {"pack": "500-credits", "quantity": 21}, "invalid", "quantity"),
        ("/api/v1/credits/topup", {"pack": "500-credits", "quantity": "x"}, "invalid", "quantity"),
    ],
)
def test_bad_purchases_are_400_and_reach_no_stripe(
    auth_client, catalogue, stripe_on, path, body, code, field
):
    stripe_on.requests.clear()
    response = auth_client.post(path, body, format="json")
    assert (response.status_code, response.json()["code"]) == (400, code)
    if field:
        assert field in response.json()["errors"]
    assert stripe_on.requests == []


def test_a_checkout_is_a_stripe_session_for_the_callers_one_customer(
    auth_client, user, catalogue, stripe_on, settings
):
    first = checkout(auth_client, {"plan": "pro"})
    top_up = checkout(auth_client, {"pack": "500-credits", "quantity": 3}, "/api/v1/credits/topup")

    assert first["url"].startswith("https://checkout.stripe.com/") and first["kind"] == "checkout"
    customer = Customer.objects.get(subscriber=user)
    assert stripe_on.world.get(customer.id)["email"] == user.email
    (created,) = stripe_on.requests_to("POST", "/v1/customers")  # once, for both
    session = stripe_on.world.get(top_up["id"])
    assert (session["mode"], session["customer"], session["amount_total"]) == (
        "payment",
        customer.id,
        3 * catalogue["packs"]["500-credits"].price_cents,
    )
    assert session["success_url"] == settings.BILLING_SUCCESS_URL
    assert session["cancel_url"] == settings.BILLING_CANCEL_URL
    assert (
        session["_line_items"][0]["price"]["id"]
        == catalogue["packs"]["500-credits"].stripe_price_id
    )
    assert Checkout.objects.filter(user=user).count() == 2


def test_asking_twice_for_a_plan_reuses_the_open_session_and_another_plan_replaces_it(
    auth_client, catalogue, stripe_on
):
    first = checkout(auth_client, {"plan": "pro"})
    again = checkout(auth_client, {"plan": "pro"})
    other = checkout(auth_client, {"plan": "enterprise"})

    assert again["id"] == first["id"]
    assert other["id"] != first["id"]
    assert stripe_on.world.get(first["id"])["status"] == "expired"  # can no longer be paid
    assert Checkout.objects.get(stripe_id=first["id"]).status == "expired"


def test_with_a_live_subscription_another_plan_goes_through_the_portal(
    auth_client, catalogue, subscribe, stripe_on
):
    subscribe(auth_client, "pro")

    same = auth_client.post("/api/v1/subscriptions/checkout", {"plan": "pro"})
    change = checkout(auth_client, {"plan": "enterprise"})

    assert (same.status_code, same.json()["code"]) == (409, "already_subscribed")
    assert change["kind"] == "portal" and change["url"].startswith("https://billing.stripe.com/")
    flow = stripe_on.world.get(change["id"])["flow"]
    assert flow["type"] == "subscription_update_confirm"
    item = flow["subscription_update_confirm"]["items"][0]
    assert item["price"] == catalogue["plans"]["enterprise"].stripe_price_id
    assert len(stripe_on.world.listing("sub", {}, "")) == 1  # never a second subscription


def test_the_current_subscription_after_paying(auth_client, user, catalogue, subscribe, stripe_on):
    events = subscribe(auth_client, "pro")

    current = auth_client.get("/api/v1/subscriptions/current").json()
    subscription = of_type(events, "checkout.session.completed")["data"]["object"]["subscription"]
    period_end = stripe_on.world.get(subscription)["items"]["data"][0]["current_period_end"]
    pro = catalogue["plans"]["pro"]
    assert current["plan"] == {
        "code": "pro",
        "name": pro.name,
        "monthly_allowance": pro.monthly_allowance,
    }
    assert (current["status"], current["stripe_subscription"]) == ("active", subscription)
    assert current["allowance_left"] == current["balance"] == pro.monthly_allowance
    assert current["cancel_at_period_end"] is False
    assert CreditAccount.objects.get(user=user).allowance_expires_at.timestamp() == period_end
    assert current["current_period_end"].startswith(
        CreditAccount.objects.get(user=user).allowance_expires_at.strftime("%Y-%m-%dT%H:%M")
    )


def test_cancel_at_period_end_and_resume(auth_client, catalogue, subscribe, stripe_on):
    assert auth_client.post("/api/v1/subscriptions/cancel").json()["code"] == "no_subscription"
    events = subscribe(auth_client, "pro")
    subscription = of_type(events, "checkout.session.completed")["data"]["object"]["subscription"]

    cancelled = auth_client.post("/api/v1/subscriptions/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["cancel_at_period_end"] is True
    assert stripe_on.world.get(subscription)["cancel_at_period_end"] is True
    assert auth_client.post("/api/v1/subscriptions/cancel").status_code == 200  # idempotent
    assert len(stripe_on.requests_to("POST", f"/v1/subscriptions/{subscription}")) == 1

    resumed = auth_client.post("/api/v1/subscriptions/resume").json()
    assert resumed["cancel_at_period_end"] is False and resumed["plan"]["code"] == "pro"
    assert stripe_on.world.get(subscription)["cancel_at_period_end"] is False


def test_the_billing_portal(auth_client, user, stripe_on, settings):
    portal = checkout(auth_client, {}, "/api/v1/billing/portal")
    session = stripe_on.world.get(portal["id"])
    assert session["customer"] == Customer.objects.get(subscriber=user).id
    assert session["return_url"] == settings.BILLING_RETURN_URL
    assert portal["url"].startswith("https://billing.stripe.com/")


def test_invoices_are_the_callers_own(auth_client, make_client, catalogue, subscribe, stripe_on):
    other = make_client(UserFactory())
    subscribe(other, "enterprise")
    events = subscribe(auth_client, "pro")

    body = auth_client.get("/api/v1/billing/invoices").json()
    invoice = of_type(events, "invoice.paid")["data"]["object"]
    (mine,) = body["results"]
    assert (mine["id"], mine["status"], mine["amount_paid"]) == (
        invoice["id"],
        "paid",
        catalogue["plans"]["pro"].price_cents,
    )
    assert mine["hosted_invoice_url"] == invoice["hosted_invoice_url"]
    assert mine["period_end"] > mine["period_start"]


def test_stripe_down_is_a_503_not_a_500(auth_client, catalogue, stripe_on):
    stripe_on.fail_next(500, times=10)
    response = auth_client.post("/api/v1/subscriptions/checkout", {"plan": "pro"})
    assert (response.status_code, response.json()["code"]) == (503, "stripe_unavailable")


@pytest.mark.django_db(transaction=True)
def test_parallel_subscribe_clicks_get_one_customer_and_one_session(settings, catalogue, stripe_on):
    settings.CREDITS_SIGNUP_GRANT = 0
    user = UserFactory()
    barrier, answers = threading.Barrier(6), []

    def click():
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait()
            response = client.post("/api/v1/subscriptions/checkout", {"plan": "pro"}, format="json")
            answers.append((response.status_code, response.json().get("id")))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert {status for status, _ in answers} == {201} and len(answers) == 6
    assert len({session for _, session in answers}) == 1
    assert len(stripe_on.world.listing("cus", {}, "")) == 1
    assert len(stripe_on.world.listing("cs", {}, "")) == 1
    assert Customer.objects.filter(subscriber=user).count() == 1
