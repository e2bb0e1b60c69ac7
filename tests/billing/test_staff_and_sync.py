"""Staff: a customer's subscription, invoices and ledger on one page, the accounts with a
shortfall, the refund action; and `manage.py billing_sync` tying the catalogue to Stripe."""

import io

import pytest
import stripe
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.urls import reverse

from billing.models import CreditAccount, CreditPack, CreditTransaction, Plan
from billing.services import credits_admin_grant
from tests.billing.conftest import of_type
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_signup_grant(settings):
    settings.CREDITS_SIGNUP_GRANT = 0


def test_a_customers_subscription_invoices_and_ledger_on_one_page(
    superuser_client, auth_client, user, catalogue, subscribe
):
    events = subscribe(auth_client, "pro")
    account = CreditAccount.objects.get(user=user)

    page = superuser_client.get(f"/admin/billing/creditaccount/{account.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    subscription = of_type(events, "checkout.session.completed")["data"]["object"]["subscription"]
    invoice = of_type(events, "invoice.paid")["data"]["object"]["id"]
    assert subscription in html and invoice in html
    assert "Monthly allowance" in html  # the ledger inline
    for url in [
        "/admin/djstripe/subscription/",
        "/admin/djstripe/invoice/",
        "/admin/billing/plan/",
        "/admin/billing/creditpack/",
        "/admin/billing/checkout/",
    ]:
        assert superuser_client.get(url).status_code == 200, url


def test_staff_find_the_accounts_with_a_shortfall(
    superuser_client, make_client, catalogue, top_up, stripe_on, deliver
):
    owes, fine = UserFactory(email="owes@example.com"), UserFactory(email="fine@example.com")
    events = top_up(make_client(owes), "100-credits")
    top_up(make_client(fine), "100-credits")
    credits_admin_grant(staff_user=None, user=owes, amount=-60, reason="spent")
    charge = of_type(events, "charge.succeeded")["data"]["object"]["id"]
    stripe_on.world.create_refund({"charge": charge})
    deliver(make_client(owes), *stripe_on.world.events_of("charge.refunded"))

    listed = superuser_client.get("/admin/billing/creditaccount/", {"shortfall": "yes"})

    assert [a.user.email for a in listed.context["cl"].queryset] == ["owes@example.com"]
    assert CreditAccount.objects.get(user=owes).shortfall == 60


def test_the_refund_action_refunds_at_stripe_and_the_webhook_takes_the_credits_back(
    superuser_client, auth_client, user, catalogue, top_up, stripe_on, deliver
):
    top_up(auth_client, "500-credits")
    purchase = CreditTransaction.objects.get(account__user=user, kind="purchase")

    for _ in range(2):  # a double click refunds once
        response = superuser_client.post(
            "/admin/billing/credittransaction/",
            {"action": "refund_payment", "_selected_action": [purchase.pk]},
        )
        assert response.status_code == 302
    (refund,) = stripe_on.world.listing("re", {}, "")
    assert refund["payment_intent"] == purchase.stripe_payment_intent
    assert CreditAccount.objects.get(user=user).balance == purchase.amount  # until Stripe says

    deliver(auth_client, *stripe_on.world.events_of("charge.refunded"))
    assert CreditAccount.objects.get(user=user).balance == 0
    clawback = CreditTransaction.objects.get(account__user=user, kind="clawback")
    assert (clawback.amount, clawback.payment_reference) == (-purchase.amount, refund["id"])


def test_billing_sync_ties_plans_and_packs_to_the_prices_stripe_names_them_in(stripe_on):
    key = {"api_key": stripe_on.api_key}
    product = stripe.Product.create(name="Studio", metadata={"filmstudio": "plan"}, **key)
    yearly = stripe.Price.create(
        product=product.id,
        unit_amount=99000,
        currency="eur",
        recurring={"interval": "year"},
        **key,
        metadata={"code": "studio", "credits": "150000"},
    )
    pack = stripe.Price.create(
        product_data={"name": "Bucket of credits"},
        unit_amount=1500,
        currency="usd",
        metadata={"filmstudio": "pack", "code": "500-credits"},
        **key,
    )
    stripe.Price.create(product_data={"name": "Unrelated"}, unit_amount=100, currency="usd", **key)

    out = io.StringIO()
    call_command("billing_sync", stdout=out)

    studio = Plan.objects.get(code="studio")
    assert (
        studio.name,
        studio.monthly_allowance,
        studio.price_cents,
        studio.currency,
        studio.interval,
        studio.stripe_price_id,
    ) == ("Studio", 150000, 99000, "eur", "year", yearly.id)
    bucket = CreditPack.objects.get(code="500-credits")
    assert (bucket.name, bucket.credits, bucket.price_cents, bucket.stripe_price_id) == (
        "Bucket of credits",
        500,
        1500,
        pack.id,
    )  # the credits stay as they were: this price names none
    assert "2 linked" in out.getvalue()

    stripe.Price.modify(yearly.id, active=False, **key)
    call_command("billing_sync", stdout=io.StringIO())
    assert Plan.objects.get(code="studio").stripe_price_id == ""  # not on sale any more


def test_billing_sync_create_missing_makes_each_price_once(stripe_on):
    call_command("billing_sync", "--create-missing", stdout=io.StringIO())
    call_command("billing_sync", "--create-missing", stdout=io.StringIO())

    prices = stripe_on.world.listing("price", {}, "")
    assert len(prices) == Plan.objects.exclude(code="free").count() + CreditPack.objects.count()
    pro = Plan.objects.get(code="pro")
    made = stripe_on.world.get(pro.stripe_price_id)
    assert (made["unit_amount"], made["recurring"]["interval"], made["metadata"]["credits"]) == (
        pro.price_cents,
        "month",
        str(pro.monthly_allowance),
    )
    assert Plan.objects.get(code="free").stripe_price_id == ""


def test_billing_sync_without_stripe_says_so(settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(CommandError, match="billing_not_configured"):
        call_command("billing_sync", stdout=io.StringIO())


def test_every_stripe_object_mirrored_by_the_flows_opens_in_the_admin_without_a_secret(
    superuser_client, auth_client, catalogue, subscribe, top_up, stripe_on, deliver
):
    subscribe(auth_client, "pro")
    events = top_up(auth_client, "100-credits")
    charge = of_type(events, "charge.succeeded")["data"]["object"]["id"]
    stripe_on.world.create_refund({"charge": charge, "amount": 100})
    deliver(auth_client, *stripe_on.world.events_of("charge.refunded"))
    deliver(auth_client, stripe_on.world.open_dispute(charge))

    opened, bodies = [], []
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in ("djstripe", "billing") or not model.objects.exists():
            continue
        label = f"admin:{meta.app_label}_{meta.model_name}"
        pages = [
            reverse(f"{label}_changelist"),
            reverse(f"{label}_change", args=[model.objects.first().pk]),
        ]
        for url in pages:
            response = superuser_client.get(url)
            assert response.status_code == 200, url
            bodies.append(response.content.decode())
        opened.append(meta.model_name)
    assert {"customer", "subscription", "invoice", "charge", "session", "event"} <= set(opened)
    assert {"webhookendpoint", "creditaccount", "credittransaction"} <= set(opened)
    # the keys Stripe's objects were fetched and the webhooks signed with are shown nowhere
    text = "\n".join(bodies)
    assert stripe_on.api_key not in text and stripe_on.webhook_secret not in text
