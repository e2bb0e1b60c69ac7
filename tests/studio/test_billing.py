"""Credits and billing in Chromium, against the fake Stripe server the billing tests use: a
credit pack bought through Checkout arrives once Stripe's signed webhook does (and only once),
a plan is subscribed to, cancelled and resumed, the Billing Portal and the invoices."""

import io
import re

import pytest
import stripe
from django.core.management import call_command
from playwright.sync_api import Page, expect

from billing.models import CreditTransaction
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.fakes.stripe_server import FakeStripeServer, running_fake_stripe
from tests.studio.conftest import sign_in

WEBHOOK = "/api/v1/subscriptions/webhook"
STRIPE_PAGES = re.compile(r"https://(checkout|billing)\.stripe\.com/.*")


@pytest.fixture
def fake_stripe(settings, monkeypatch, transactional_db, live_server):
    """Stripe configured with the fake's keys, Checkout returning to this live server, and the
    plans and packs on sale (their prices made at the fake)."""
    with running_fake_stripe() as server:
        settings.STRIPE_SECRET_KEY = server.api_key
        settings.STRIPE_WEBHOOK_SECRET = server.webhook_secret
        monkeypatch.setattr(stripe, "api_base", server.base_url)
        studio = live_server.url
        settings.BILLING_SUCCESS_URL = (
            f"{studio}/credits?checkout=success&session={{CHECKOUT_SESSION_ID}}"
        )
        settings.BILLING_CANCEL_URL = f"{studio}/credits/plans?checkout=cancelled"
        settings.BILLING_RETURN_URL = f"{studio}/credits"
        call_command("billing_sync", "--create-missing", stdout=io.StringIO())
        yield server


def _at_stripe(page: Page) -> None:
    """Stripe's hosted pages are out of reach: the browser lands on a stand-in there."""
    page.context.route(STRIPE_PAGES, lambda route: route.fulfill(body="<title>Stripe</title>"))


def _checkout_paid(page: Page, server: FakeStripeServer, live_url: str) -> tuple[dict, list]:
    """The browser is at the fake's Checkout URL: the customer pays. Returns the session and
    the events Stripe then sends (not delivered yet)."""
    page.wait_for_url(STRIPE_PAGES)
    session = server.world.get(page.url.rsplit("/", 1)[1], "cs")
    assert page.url == session["url"]
    assert session["success_url"].startswith(f"{live_url}/credits?checkout=success")
    return session, server.world.complete_checkout(session["id"])


def _deliver(server: FakeStripeServer, url: str, events: list) -> None:
    for event in events:
        status, body = server.deliver(event, url + WEBHOOK)
        assert status == 200, (event["type"], body)


def _back_from_checkout(page: Page, session: dict) -> None:
    page.goto(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"]))


def test_a_bought_credit_pack_shows_in_the_balance_once_stripe_confirms_it(
    fake_stripe, studio, orm, page, check_page
):
    user = orm(UserFactory)
    _at_stripe(page)
    sign_in(page, studio.url, user.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="Credits").click()
    expect(page.locator("#balance")).to_have_text("100")
    page.get_by_role("link", name="Buy credits").click()
    expect(page.get_by_role("heading", name="500 credits")).to_be_visible()
    check_page(page, "plans")

    pack = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="500 credits"))
    pack.get_by_role("button", name="Buy").click()
    session, events = _checkout_paid(page, fake_stripe, studio.url)

    # Back before the webhook: the page waits for Stripe's word, then shows the credits.
    _back_from_checkout(page, session)
    expect(page.locator("#checkout-status")).to_contain_text("Waiting for Stripe")
    expect(page.locator("#balance")).to_have_text("100")
    _deliver(fake_stripe, studio.url, events)
    expect(page.locator("#checkout-status")).to_contain_text("Payment confirmed: 500 credits")
    expect(page.locator("#balance")).to_have_text("600")
    check_page(page, "credits-after-purchase")

    # Stripe delivers again (it retries on any doubt): nothing more is granted.
    _deliver(fake_stripe, studio.url, events)
    page.reload()
    expect(page.locator("#balance")).to_have_text("600")
    expect(page.locator("#ledger tbody tr").filter(has_text="purchase")).to_have_count(1)
    assert orm(lambda: CreditTransaction.objects.filter(kind="purchase").count()) == 1


def test_a_refused_quantity_shows_the_apis_error_on_the_pack(fake_stripe, studio, orm, page):
    user = orm(UserFactory)
    sign_in(page, studio.url, user.email, DEFAULT_PASSWORD)
    page.goto(f"{studio.url}/credits/plans")

    pack = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="100 credits"))
    pack.get_by_label("How many").fill("500")
    pack.get_by_role("button", name="Buy").click()

    expect(pack.locator(".field-error")).to_contain_text("At most 20")
    assert "stripe.com" not in page.url


def test_a_plan_is_subscribed_cancelled_and_resumed_with_invoices_and_the_portal(
    fake_stripe, studio, orm, page, check_page
):
    user = orm(UserFactory)
    _at_stripe(page)
    sign_in(page, studio.url, user.email, DEFAULT_PASSWORD)
    page.goto(f"{studio.url}/credits/plans?checkout=cancelled")
    expect(page.get_by_text("Checkout was cancelled")).to_be_visible()

    pro = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Pro"))
    pro.get_by_role("button", name="Subscribe").click()
    session, events = _checkout_paid(page, fake_stripe, studio.url)
    _deliver(fake_stripe, studio.url, events)
    _back_from_checkout(page, session)

    expect(page.locator("#checkout-status")).to_contain_text("You are subscribed to Pro")
    expect(page.locator("#plan-name")).to_have_text("Pro")
    expect(page.locator("#balance")).to_have_text("1100")
    expect(page.locator("#invoices tbody tr")).to_have_count(1)
    check_page(page, "credits")

    # Cancel at the period's end (after confirming), then change one's mind.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel subscription").click()
    expect(page.locator("#cancel-note")).to_be_visible()
    subscription = fake_stripe.world.get(fake_stripe.world.get(session["id"])["subscription"])
    assert subscription["cancel_at_period_end"] is True
    page.get_by_role("button", name="Resume subscription").click()
    expect(page.get_by_role("button", name="Cancel subscription")).to_be_visible()
    assert fake_stripe.world.get(subscription["id"])["cancel_at_period_end"] is False

    # The plans page knows the plan; the portal is Stripe's.
    page.get_by_role("link", name="Change plan or buy credits").click()
    pro = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Pro"))
    expect(pro.get_by_text("Your plan")).to_be_visible()
    expect(page.get_by_role("button", name="Switch to this plan")).to_have_count(1)
    page.get_by_role("link", name="Your credits").click()
    page.get_by_role("button", name="Manage billing at Stripe").click()
    page.wait_for_url(re.compile(r"https://billing\.stripe\.com/p/session/bps_"))


def test_without_stripe_the_plans_page_says_nothing_is_on_sale(studio, orm, page, check_page):
    user = orm(UserFactory)
    sign_in(page, studio.url, user.email, DEFAULT_PASSWORD)
    page.goto(f"{studio.url}/credits")
    expect(page.locator("#plan-name")).to_have_text("Free")
    expect(page.get_by_role("button", name="Cancel subscription")).to_have_count(0)
    expect(page.get_by_text("No invoice yet.")).to_be_visible()
    check_page(page, "credits-free")

    page.get_by_role("link", name="Plans and credit packs").click()

    expect(page.get_by_text("nothing is on sale")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Buy|Subscribe"))).to_have_count(0)
