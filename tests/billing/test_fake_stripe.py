"""The fake Stripe API answers the official client as Stripe does: objects, lists, expansion,
errors, idempotency and webhook signatures the client's own verifier accepts."""

import json
import time

import pytest
import stripe

from tests.fakes.stripe_server import decode_form, running_fake_stripe


@pytest.fixture
def fake():
    with running_fake_stripe() as server:
        previous = stripe.api_base
        stripe.api_base = server.base_url
        try:
            yield server
        finally:
            stripe.api_base = previous


@pytest.fixture
def key(fake):
    return {"api_key": fake.api_key}


def test_form_encoding_decodes_back_into_nested_data():
    pairs = [
        ("mode", "payment"),
        ("line_items[0][price]", "price_a"),
        ("line_items[0][quantity]", "2"),
        ("line_items[1][price]", "price_b"),
        ("metadata[user]", "7"),
        ("expand[]", "line_items"),
        ("expand[]", "customer"),
    ]
    assert decode_form(pairs) == {
        "mode": "payment",
        "line_items": [{"price": "price_a", "quantity": "2"}, {"price": "price_b"}],
        "metadata": {"user": "7"},
        "expand": ["line_items", "customer"],
    }


def test_catalogue_round_trip_through_the_official_client(fake, key):
    product = stripe.Product.create(name="Pro", metadata={"plan": "pro"}, **key)
    price = stripe.Price.create(
        product=product.id,
        unit_amount=1900,
        currency="usd",
        recurring={"interval": "month"},
        lookup_key="plan_pro",
        **key,
    )
    assert price.type == "recurring" and price.recurring.interval == "month"
    fetched = stripe.Price.retrieve(price.id, expand=["product"], **key)
    assert fetched.product.name == "Pro" and fetched.product.metadata["plan"] == "pro"
    (by_key,) = stripe.Price.list(lookup_keys=["plan_pro"], expand=["data.product"], **key).data
    assert (by_key.id, by_key.product.name) == (price.id, "Pro")
    updated = stripe.Price.modify(price.id, active=False, **key)
    assert updated.active is False
    assert stripe.Price.list(active=True, **key).data == []


def test_lists_page_like_stripe(fake, key):
    ids = {stripe.Customer.create(email=f"c{i}@example.com", **key).id for i in range(7)}
    first = stripe.Customer.list(limit=3, **key)
    assert len(first.data) == 3 and first.has_more is True
    assert {c.id for c in first.auto_paging_iter()} == ids
    (only,) = stripe.Customer.list(email="c4@example.com", **key).data
    assert only.email == "c4@example.com"


def test_errors_have_stripes_shape_and_classes(fake, key):
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe.Customer.retrieve("cus_nope", **key)
    assert missing.value.http_status == 404
    assert missing.value.code == "resource_missing" and "No such customer" in str(missing.value)
    with pytest.raises(stripe.AuthenticationError):
        stripe.Customer.list(api_key="sk_test_WrongWrongWrongWrongWrong00")
    fake.fail_next(402)
    with pytest.raises(stripe.StripeError):
        stripe.Customer.list(**key)
    assert stripe.Customer.list(**key).data == []  # the next call is fine again


def test_idempotency_key_replays_the_first_answer(fake, key):
    first = stripe.Customer.create(email="a@example.com", idempotency_key="k1", **key)
    again = stripe.Customer.create(email="a@example.com", idempotency_key="k1", **key)
    assert again.id == first.id
    assert len(stripe.Customer.list(**key).data) == 1


def test_checkout_session_checks_prices_against_the_mode(fake, key):
    customer = stripe.Customer.create(email="a@example.com", **key)
    pack = stripe.Price.create(
        product_data={"name": "500 credits"}, unit_amount=900, currency="usd", **key
    )
    with pytest.raises(stripe.InvalidRequestError, match="recurring price"):
        stripe.checkout.Session.create(
            mode="subscription",
            customer=customer.id,
            line_items=[{"price": pack.id, "quantity": 1}],
            success_url="https://studio.example/ok",
            **key,
        )
    session = stripe.checkout.Session.create(
        mode="payment",
        customer=customer.id,
        line_items=[{"price": pack.id, "quantity": 3}],
        success_url="https://studio.example/ok",
        cancel_url="https://studio.example/cancel",
        **key,
    )
    assert session.status == "open" and session.amount_total == 2700
    assert session.url.startswith("https://checkout.stripe.com/")
    full = stripe.checkout.Session.retrieve(session.id, expand=["line_items"], **key)
    (item,) = full.line_items.data
    assert item.quantity == 3 and item.price.id == pack.id


def test_paying_a_subscription_checkout_opens_a_paid_period(fake, key):
    customer = stripe.Customer.create(email="a@example.com", **key)
    plan = stripe.Price.create(
        product_data={"name": "Pro"},
        unit_amount=1900,
        currency="usd",
        recurring={"interval": "month"},
        **key,
    )
    session = stripe.checkout.Session.create(
        mode="subscription",
        customer=customer.id,
        line_items=[{"price": plan.id, "quantity": 1}],
        success_url="https://studio.example/ok",
        **key,
    )
    events = fake.world.complete_checkout(session.id)
    types = [e["type"] for e in events]
    assert types.index("customer.subscription.created") < types.index("invoice.paid")
    assert types[-1] == "checkout.session.completed"
    done = events[-1]["data"]["object"]
    subscription = stripe.Subscription.retrieve(done["subscription"], **key)
    assert subscription.status == "active"
    (item,) = subscription["items"].data
    invoice = stripe.Invoice.retrieve(done["invoice"], expand=["payments"], **key)
    assert invoice.status == "paid" and invoice.amount_paid == 1900
    (line,) = invoice.lines.data
    assert line.pricing.price_details.price == plan.id
    assert line.period.end == item.current_period_end > line.period.start
    (payment,) = invoice.payments.data
    intent = stripe.PaymentIntent.retrieve(payment.payment.payment_intent, **key)
    assert stripe.Charge.retrieve(intent.latest_charge, **key).amount == 1900
    updated = stripe.Subscription.modify(subscription.id, cancel_at_period_end=True, **key)
    assert updated.cancel_at == item.current_period_end
    (ended,) = fake.world.renew_subscription(subscription.id)
    assert ended["type"] == "customer.subscription.deleted"


def test_refunds_are_bounded_by_the_charge(fake, key):
    customer = stripe.Customer.create(email="a@example.com", **key)
    pack = stripe.Price.create(
        product_data={"name": "100 credits"}, unit_amount=500, currency="usd", **key
    )
    session = stripe.checkout.Session.create(
        mode="payment",
        customer=customer.id,
        line_items=[{"price": pack.id}],
        success_url="https://studio.example/ok",
        **key,
    )
    fake.world.complete_checkout(session.id)
    intent = stripe.checkout.Session.retrieve(session.id, expand=["payment_intent"], **key)
    charge = intent.payment_intent.latest_charge
    stripe.Refund.create(charge=charge, amount=200, **key)
    with pytest.raises(stripe.InvalidRequestError, match="greater than unrefunded"):
        stripe.Refund.create(charge=charge, amount=400, **key)
    stripe.Refund.create(charge=charge, **key)
    assert stripe.Charge.retrieve(charge, **key).refunded is True
    refunded = fake.world.events_of("charge.refunded")[-1]
    assert refunded["data"]["object"]["amount_refunded"] == 500


def test_webhook_signature_is_the_one_stripe_verifies(fake):
    event = {"id": "evt_1", "object": "event", "type": "invoice.paid", "data": {"object": {}}}
    payload = json.dumps(event)
    header = fake.signature_header(payload)
    assert stripe.Webhook.construct_event(payload, header, fake.webhook_secret).id == "evt_1"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, header, "whsec_other")
    stale = fake.signature_header(payload, timestamp=int(time.time()) - 3600)
    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        stripe.Webhook.construct_event(payload, stale, fake.webhook_secret)
