"""The money rules end to end (API, fake Stripe, signed webhooks): paid periods and their
allowance, expiry that keeps purchases, failed payments, refunds and disputes that take
credits back without ever going negative, the staff refund action."""

import pytest
from django.utils import timezone

from billing.models import CreditAccount, CreditTransaction
from billing.selectors import allowance_sum, ledger_sum
from billing.tasks import expire_allowances
from tests.billing.conftest import of_type

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_signup_grant(settings):
    settings.CREDITS_SIGNUP_GRANT = 0


def account_of(user) -> CreditAccount:
    return CreditAccount.objects.get(user=user)


def lines(user, kind: str) -> list[tuple[int, str]]:
    found = CreditTransaction.objects.filter(account__user=user, kind=kind).order_by("id")
    return list(found.values_list("amount", "payment_reference"))


def assert_consistent(user):
    account = account_of(user)
    assert ledger_sum(account=account) == account.balance >= 0
    assert allowance_sum(account=account) == account.allowance
    assert 0 <= account.allowance <= account.balance


def subscription_of(events) -> str:
    return of_type(events, "checkout.session.completed")["data"]["object"]["subscription"]


def spend(user, credits: int):
    from billing.services import credits_admin_grant

    credits_admin_grant(staff_user=None, user=user, amount=-credits, reason="spent on films")


def test_each_paid_period_opens_an_allowance_and_the_unused_rest_expires_purchases_stay(
    auth_client, user, catalogue, subscribe, top_up, stripe_on, deliver
):
    pro = catalogue["plans"]["pro"].monthly_allowance
    pack = catalogue["packs"]["500-credits"].credits
    events = subscribe(auth_client, "pro")
    top_up(auth_client, "500-credits")
    spend(user, 100)  # from the allowance first
    assert (account_of(user).balance, account_of(user).allowance) == (pro + pack - 100, pro - 100)

    renewal = stripe_on.world.renew_subscription(subscription_of(events))
    deliver(auth_client, *renewal)

    account = account_of(user)
    assert (account.balance, account.allowance) == (pack + pro, pro)
    first_invoice = of_type(events, "invoice.paid")["data"]["object"]["id"]
    second_invoice = of_type(renewal, "invoice.paid")["data"]["object"]["id"]
    assert lines(user, "expire") == [(-(pro - 100), first_invoice)]
    assert lines(user, "monthly_allowance") == [(pro, first_invoice), (pro, second_invoice)]
    assert_consistent(user)


def test_a_cancelled_subscription_runs_to_its_period_end_then_the_plan_is_free(
    auth_client, user, catalogue, subscribe, top_up, stripe_on, deliver
):
    events = subscribe(auth_client, "pro")
    top_up(auth_client, "100-credits")
    auth_client.post("/api/v1/subscriptions/cancel")
    assert account_of(user).plan_id == "pro"

    ended = stripe_on.world.renew_subscription(subscription_of(events))  # the period ends
    assert [e["type"] for e in ended] == ["customer.subscription.deleted"]
    deliver(auth_client, *ended)
    account = account_of(user)
    assert account.plan_id == "free"
    # the paid period's allowance runs out at its end; the purchase stays
    CreditAccount.objects.filter(user=user).update(allowance_expires_at=timezone.now())
    assert expire_allowances() == 1
    assert account_of(user).balance == catalogue["packs"]["100-credits"].credits
    current = auth_client.get("/api/v1/subscriptions/current").json()
    assert (current["plan"]["code"], current["stripe_subscription"]) == ("free", None)
    assert_consistent(user)


def test_a_failed_renewal_is_past_due_with_no_new_allowance_and_the_last_failure_ends_it(
    auth_client, user, catalogue, subscribe, stripe_on, deliver
):
    events = subscribe(auth_client, "pro")
    failed = stripe_on.world.renew_subscription(subscription_of(events), paid=False)
    deliver(auth_client, *failed)

    current = auth_client.get("/api/v1/subscriptions/current").json()
    assert (current["status"], current["plan"]["code"]) == ("past_due", "pro")
    assert len(lines(user, "monthly_allowance")) == 1

    invoice = of_type(failed, "invoice.payment_failed")["data"]["object"]["id"]
    deliver(auth_client, *stripe_on.world.fail_invoice(invoice, final=True))

    assert account_of(user).plan_id == "free"
    assert len(lines(user, "monthly_allowance")) == 1
    assert_consistent(user)


def test_a_paused_subscription_is_on_the_free_plan_until_resumed_and_paid(
    auth_client, user, catalogue, subscribe, stripe_on, deliver
):
    pro = catalogue["plans"]["pro"]
    events = subscribe(auth_client, "pro")
    paused = stripe_on.world.pause_subscription(subscription_of(events))
    deliver(auth_client, *paused, *paused)

    current = auth_client.get("/api/v1/subscriptions/current").json()
    assert (current["status"], current["plan"]["code"]) == ("paused", "free")
    assert len(lines(user, "monthly_allowance")) == 1  # a pause pays for nothing

    resumed = auth_client.post("/api/v1/subscriptions/resume")
    assert resumed.status_code == 200, resumed.content
    again = auth_client.post("/api/v1/subscriptions/resume")  # idempotent: nothing more
    assert again.status_code == 200
    assert len(stripe_on.world.events_of("customer.subscription.resumed")) == 1
    events_now = stripe_on.world.events_of("invoice.paid") + stripe_on.world.events_of(
        "customer.subscription.resumed"
    )
    deliver(auth_client, *events_now, *events_now)

    current = auth_client.get("/api/v1/subscriptions/current").json()
    assert (current["status"], current["plan"]["code"]) == ("active", "pro")
    assert current["allowance_left"] == pro.monthly_allowance
    invoices = [e["data"]["object"]["id"] for e in stripe_on.world.events_of("invoice.paid")]
    assert [ref for _, ref in lines(user, "monthly_allowance")] == invoices  # one per invoice
    assert_consistent(user)


def test_resuming_without_a_subscription_is_a_409(auth_client, catalogue):
    response = auth_client.post("/api/v1/subscriptions/resume")
    assert (response.status_code, response.json()["code"]) == (409, "no_subscription")


def test_a_refund_after_the_credits_were_spent_records_a_shortfall_never_a_negative_balance(
    auth_client, user, catalogue, top_up, stripe_on, deliver
):
    credits = catalogue["packs"]["500-credits"].credits
    events = top_up(auth_client, "500-credits")
    spend(user, credits - 120)  # 120 left
    charge = of_type(events, "charge.succeeded")["data"]["object"]

    stripe_on.world.create_refund({"charge": charge["id"], "amount": charge["amount"] // 2})
    deliver(auth_client, *stripe_on.world.events_of("charge.refunded"))
    half = account_of(user)
    assert (half.balance, half.shortfall) == (0, credits // 2 - 120)

    stripe_on.world.create_refund({"charge": charge["id"]})
    deliver(auth_client, *stripe_on.world.events_of("charge.refunded"))  # both, again

    account = account_of(user)
    assert (account.balance, account.shortfall) == (0, credits - 120)
    clawbacks = CreditTransaction.objects.filter(account__user=user, kind="clawback")
    assert [(c.amount, c.shortfall) for c in clawbacks.order_by("id")] == [
        (-120, credits // 2 - 120),
        (0, credits - credits // 2),
    ]
    refunds = {r["id"] for r in stripe_on.world.listing("re", {}, "")}
    assert set(clawbacks.values_list("payment_reference", flat=True)) == refunds
    assert_consistent(user)


def test_a_dispute_takes_the_credits_back_once(
    auth_client, user, catalogue, top_up, stripe_on, deliver
):
    pack = catalogue["packs"]["2000-credits"].credits
    events = top_up(auth_client, "2000-credits")
    top_up(auth_client, "100-credits")
    charge = of_type(events, "charge.succeeded")["data"]["object"]["id"]

    dispute = stripe_on.world.open_dispute(charge)
    deliver(auth_client, dispute, dispute)

    assert lines(user, "clawback") == [(-pack, dispute["data"]["object"]["id"])]
    assert account_of(user).balance == catalogue["packs"]["100-credits"].credits
    assert account_of(user).shortfall == 0
    # a refund of the same payment afterwards owes nothing more
    stripe_on.world.create_refund({"charge": charge})
    deliver(auth_client, *stripe_on.world.events_of("charge.refunded"))
    assert len(lines(user, "clawback")) == 1
    assert_consistent(user)


def test_transactions_filter_by_kind(auth_client, user, catalogue, subscribe, top_up):
    subscribe(auth_client, "pro")
    top_up(auth_client, "100-credits")

    everything = auth_client.get("/api/v1/credits/transactions").json()
    bought = auth_client.get("/api/v1/credits/transactions", {"kind": "purchase"}).json()
    allowance = auth_client.get("/api/v1/credits/transactions?kind=monthly_allowance").json()
    bogus = auth_client.get("/api/v1/credits/transactions", {"kind": "free-money"})

    assert everything["count"] == 2
    assert [(t["kind"], t["amount"]) for t in bought["results"]] == [
        ("purchase", catalogue["packs"]["100-credits"].credits)
    ]
    assert bought["results"][0]["reference"].startswith("cs_")
    assert [t["kind"] for t in allowance["results"]] == ["monthly_allowance"]
    assert allowance["results"][0]["reference"].startswith("in_")
    assert (bogus.status_code, list(bogus.json()["errors"])) == (400, ["kind"])
