"""The money rules of Stripe's webhook events.

Each function runs inside the transaction dj-stripe opens for the event (billing/webhooks.py
connects them to its signals, after dj-stripe's own handlers): dj-stripe has just stored the
event (its id is unique: a replay, or a parallel duplicate once the first commits, stops there)
and re-retrieved the object from the API into its mirror, so these read the object's current
state whatever order the events come in. Every credit movement is keyed by the Stripe object
it pays for or takes back (the checkout session, the invoice, the refund, the dispute), so two
events about one payment still move credits once; each line also names its event.
"""

import logging
from datetime import UTC, datetime

from django.conf import settings
from djstripe import models as djstripe

from .. import stripe_api
from ..errors import UnknownPrice
from ..models import Checkout, CreditPack, CreditTransaction, Plan
from . import clawbacks, ledger

logger = logging.getLogger(__name__)

# A subscription in one of these still holds its plan (past due: no new allowance, as no
# invoice is paid, until Stripe's retries succeed or give up).
LIVE_STATUSES = ("active", "trialing", "past_due")
# A dispute decided for us: the bank returned the money (`won`), or an inquiry closed without
# becoming a chargeback (`warning_closed`).
DISPUTE_SETTLED_FOR_US = ("won", "warning_closed")


def _user_of(customer_id: str | None):
    """The user a Stripe customer belongs to (None for a customer made outside FilmStudio)."""
    customer = djstripe.Customer.objects.filter(id=customer_id or "").first()
    if customer is None or customer.subscriber is None:
        logger.warning("Stripe customer %s belongs to no FilmStudio user", customer_id)
        return None
    return customer.subscriber


def _when(timestamp: int) -> datetime:
    return datetime.fromtimestamp(int(timestamp), UTC)


def _plan_for_price(price_id: str) -> Plan:
    plan = Plan.objects.filter(stripe_price_id=price_id).first()
    if plan is None:
        raise UnknownPrice(f"No plan is tied to Stripe price {price_id}.")
    return plan


def checkout_paid(*, session_id: str, event_id: str) -> CreditTransaction | None:
    """`checkout.session.completed` (paid) or `.async_payment_succeeded`: a top-up grants its
    packs' credits as `purchase` (they never expire), once per session. Raises UnknownPrice
    for a price no pack is tied to (the event is retried)."""
    session = djstripe.Session.objects.get(id=session_id).stripe_data
    Checkout.objects.filter(stripe_id=session_id).update(status=Checkout.Status.COMPLETE)
    user = _user_of(session.get("customer"))
    if session.get("mode") != "payment" or session.get("payment_status") != "paid" or not user:
        return None
    credits, bought = 0, []
    for item in session["line_items"]["data"]:
        pack = CreditPack.objects.filter(stripe_price_id=item["price"]["id"]).first()
        if pack is None:
            raise UnknownPrice(f"No credit pack is tied to Stripe price {item['price']['id']}.")
        credits += pack.credits * item["quantity"]
        bought.append(f"{item['quantity']} × {pack.name}")
    intent = session.get("payment_intent") or ""
    line = ledger.credits_grant(
        user=user,
        amount=credits,
        kind=CreditTransaction.Kind.PURCHASE,
        key=f"purchase:{session_id}",
        reason=", ".join(bought),
        payment_reference=session_id,
        stripe_event=event_id,
        stripe_payment_intent=intent,
    )
    if intent:
        _take_back_what_was_returned(user=user, payment_intent=intent, event_id=event_id)
    return line


def checkout_expired(*, session_id: str) -> None:
    Checkout.objects.filter(stripe_id=session_id).update(status=Checkout.Status.EXPIRED)


def _subscription_of(invoice: dict) -> str | None:
    parent = (invoice.get("parent") or {}).get("subscription_details") or {}
    return invoice.get("subscription") or parent.get("subscription")


def _price_of(line: dict) -> str | None:
    price = ((line.get("pricing") or {}).get("price_details") or {}).get("price")
    return price or (line.get("price") or {}).get("id")


def invoice_paid(*, invoice_id: str, event_id: str) -> CreditTransaction | None:
    """`invoice.paid`: a subscription's paid invoice opens a period with its plan's allowance
    (`monthly_allowance`, once per invoice; what was left of the last period expires) and puts
    the account on that plan. Raises UnknownPrice for a price no plan is tied to."""
    invoice = djstripe.Invoice.objects.get(id=invoice_id).stripe_data
    subscription_id = _subscription_of(invoice)
    user = _user_of(invoice.get("customer"))
    if not subscription_id or user is None or invoice.get("status") != "paid":
        return None
    # The line for the plan's period (a plan change's invoice also credits the unused time).
    lines = [line for line in invoice["lines"]["data"] if line["amount"] >= 0 and _price_of(line)]
    if not lines:
        return None
    line = max(lines, key=lambda line: line["period"]["end"])
    plan = _plan_for_price(_price_of(line))
    ends = _when(line["period"]["end"])
    # The subscription itself, as it is now: `subscriptions/current` answers right even when
    # this event comes before `customer.subscription.created`.
    djstripe.Subscription.sync_from_stripe_data(
        stripe_api.subscription_retrieve(subscription_id=subscription_id),
        api_key=settings.STRIPE_SECRET_KEY,
    )
    intents = stripe_api.invoice_payment_intents(invoice_id=invoice_id)
    line, _ = ledger.allowance_open(
        user=user,
        credits=plan.monthly_allowance,
        period=invoice_id,
        expires_at=ends,
        key=f"allowance:{invoice_id}",
        reason=f"{plan.name} allowance until {ends:%Y-%m-%d}",
        plan=plan,
        stripe_event=event_id,
        stripe_payment_intent=intents[0] if intents else "",
    )
    if intents:
        _take_back_what_was_returned(user=user, payment_intent=intents[0], event_id=event_id)
    return line


def subscription_changed(*, subscription_id: str) -> None:
    """`customer.subscription.*` and `invoice.payment_failed`: the account follows the
    customer's live subscription, asked of Stripe (active, trialing or past due: its plan).
    When none is live any more (cancelled at the end of its period, after the last failed
    payment, or paused because a trial ended without a payment method) the account returns to
    the default plan; what is left of the paid period's allowance still runs to its end. A
    resumed subscription brings its plan back; its new period's allowance comes with the
    invoice that pays it (`invoice.paid`), never from the resume itself."""
    mirror = djstripe.Subscription.objects.filter(id=subscription_id).first()
    if mirror is None:
        return
    customer = mirror.stripe_data.get("customer")
    user = _user_of(customer)
    if user is None:
        return
    live = [s for s in stripe_api.subscriptions_of(customer=customer) if s.status in LIVE_STATUSES]
    if live:
        plan = _plan_for_price(live[0]["items"]["data"][0]["price"]["id"])
    else:
        plan = Plan.objects.get(code=settings.DEFAULT_PLAN)
    ledger.credit_account_set_plan(user=user, plan=plan.code)


def invoice_failed(*, invoice_id: str) -> None:
    """`invoice.payment_failed`: the subscription (now past due, or cancelled after the last
    attempt) is synced into the mirror and the account follows it."""
    invoice = djstripe.Invoice.objects.get(id=invoice_id).stripe_data
    subscription_id = _subscription_of(invoice)
    if not subscription_id:
        return
    djstripe.Subscription.sync_from_stripe_data(
        stripe_api.subscription_retrieve(subscription_id=subscription_id),
        api_key=settings.STRIPE_SECRET_KEY,
    )
    subscription_changed(subscription_id=subscription_id)


def _claw_back_refunds(*, user, charge, event_id: str) -> list[CreditTransaction]:
    """Each succeeded refund of `charge` takes back its share of the credits its payment
    bought (`clawback`, once per refund; clawbacks.credits_claw_back sets the limits)."""
    intent = charge.payment_intent
    account = ledger.credit_account_get_or_create(user=user)
    paid = clawbacks.credits_paid_by(account=account, payment_intent=intent)
    refunds = sorted(
        (r for r in stripe_api.refunds_of(charge_id=charge.id) if r.status == "succeeded"),
        key=lambda refund: (refund.created, refund.id),
    )
    lines, refunded = [], 0
    for refund in refunds:
        # Each refund owes its share, rounded so that the shares add up to the total's.
        before = paid * refunded // charge.amount
        refunded += refund.amount
        line = clawbacks.credits_claw_back(
            user=user,
            owed=paid * refunded // charge.amount - before,
            key=f"clawback:{refund.id}",
            payment_intent=intent,
            reference=refund.id,
            reason=f"Refund of {refund.amount} ({refund.currency}) of payment {intent}",
            stripe_event=event_id,
        )
        if line is not None:
            lines.append(line)
    return lines


def _claw_back_dispute(*, user, charge, dispute, event_id: str) -> CreditTransaction | None:
    """The disputed share of the credits `charge` bought goes back (once per dispute), unless
    the dispute is decided for us already (its reinstatement, if written, also stops it)."""
    if dispute["status"] in DISPUTE_SETTLED_FOR_US:
        return None
    account = ledger.credit_account_get_or_create(user=user)
    paid = clawbacks.credits_paid_by(account=account, payment_intent=charge.payment_intent)
    return clawbacks.credits_claw_back(
        user=user,
        owed=paid * dispute["amount"] // charge.amount,
        key=f"clawback:{dispute['id']}",
        payment_intent=charge.payment_intent,
        reference=dispute["id"],
        reason=f"Dispute ({dispute.get('reason') or 'no reason given'}) of payment "
        f"{charge.payment_intent}",
        stripe_event=event_id,
        unless=f"reinstate:{dispute['id']}",
    )


def _take_back_what_was_returned(*, user, payment_intent: str, event_id: str) -> None:
    """Refunds and disputes Stripe reported before the payment's own event (events come in
    any order) take their share back as soon as the credits are there."""
    charge_id = stripe_api.payment_intent_retrieve(payment_intent_id=payment_intent).latest_charge
    charge = stripe_api.charge_retrieve(charge_id=charge_id) if charge_id else None
    if charge is None:
        return
    if charge.amount_refunded:
        _claw_back_refunds(user=user, charge=charge, event_id=event_id)
    if charge.disputed:
        for dispute in stripe_api.disputes_of(charge_id=charge.id):
            _claw_back_dispute(user=user, charge=charge, dispute=dispute, event_id=event_id)


def charge_refunded(*, charge_id: str, event_id: str) -> list[CreditTransaction]:
    """`charge.refunded`: each refund of a payment that bought credits takes back its share."""
    charge = stripe_api.charge_retrieve(charge_id=charge_id)
    user = _user_of(charge.customer)
    if user is None or not charge.payment_intent:
        return []
    return _claw_back_refunds(user=user, charge=charge, event_id=event_id)


def dispute_opened(*, dispute_id: str, event_id: str) -> CreditTransaction | None:
    """`charge.dispute.created`: the disputed share of a payment's credits is taken back
    (`clawback`, once per dispute)."""
    dispute = djstripe.Dispute.objects.get(id=dispute_id).stripe_data
    charge = stripe_api.charge_retrieve(charge_id=dispute["charge"])
    user = _user_of(charge.customer)
    if user is None or not charge.payment_intent:
        return None
    return _claw_back_dispute(user=user, charge=charge, dispute=dispute, event_id=event_id)


def dispute_closed(*, dispute_id: str, event_id: str) -> CreditTransaction | None:
    """`charge.dispute.closed` or `.funds_reinstated`: a dispute decided for us gives back what
    its opening took (`reinstate`, once per dispute whichever of its events come, how often and
    in what order); a lost one keeps the credits taken back."""
    dispute = djstripe.Dispute.objects.get(id=dispute_id).stripe_data
    if dispute["status"] not in DISPUTE_SETTLED_FOR_US:
        return None
    charge = stripe_api.charge_retrieve(charge_id=dispute["charge"])
    user = _user_of(charge.customer)
    if user is None or not charge.payment_intent:
        return None
    return clawbacks.credits_reinstate(
        user=user,
        clawback_key=f"clawback:{dispute_id}",
        key=f"reinstate:{dispute_id}",
        payment_intent=charge.payment_intent,
        reference=dispute_id,
        reason=f"Dispute of payment {charge.payment_intent} decided in our favour",
        stripe_event=event_id,
    )
