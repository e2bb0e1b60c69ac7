"""Buying through Stripe: a plan's subscription, a credit top-up, cancelling at the end of the
period and resuming (that, or a paused subscription), the Billing Portal, and a staff refund.

Nothing here grants credits: Stripe's webhooks do (stripe_events.py), from what was paid.
Each function holds the user's credit-account lock while it talks to Stripe, so one user's
requests (a double click, two tabs) are served one after the other: a user never gets two
open subscription checkouts, nor a checkout while a subscription is live (a different plan
goes through the portal's plan change instead)."""

import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from djstripe import models as djstripe

from .. import stripe_api
from ..errors import AlreadySubscribed, NoSubscription, NotForSale, UnknownPack, UnknownPlan
from ..models import Checkout, CreditPack, Plan
from .ledger import credit_account_lock


def _for_sale(model, code: str, missing):
    item = model.objects.filter(code=code, is_active=True).first()
    if item is None:
        raise missing(f"There is no {model._meta.verbose_name} {code!r} on offer.")
    if not item.stripe_price_id:
        raise NotForSale(f"{item.name} has no Stripe price yet (run `manage.py billing_sync`).")
    return item


def _reusable(*, user, mode: str, wanted) -> dict | None:
    """An open Checkout of `user` in `mode` for exactly `wanted` (plan id, pack id, quantity),
    confirmed open at Stripe. Every other open subscription checkout is expired there: it
    cannot be paid for a second subscription."""
    found = None
    for checkout in Checkout.objects.filter(
        user=user, mode=mode, status=Checkout.Status.OPEN, expires_at__gt=timezone.now()
    ):
        remote = stripe_api.checkout_session_retrieve(session_id=checkout.stripe_id)
        same = (checkout.plan_id, checkout.pack_id, checkout.quantity) == wanted
        if remote.status == "open" and same and found is None:
            found = {"id": checkout.stripe_id, "url": checkout.url, "kind": "checkout"}
            continue
        if remote.status == "open" and mode == Checkout.Mode.SUBSCRIPTION:
            stripe_api.checkout_session_expire(session_id=checkout.stripe_id)
            remote.status = "expired"
        if remote.status != "open":
            checkout.status = remote.status
            checkout.save(update_fields=["status", "updated_at"])
    return found


def _open(*, user, customer, mode: str, price: str, quantity: int, **sold) -> dict:
    session = stripe_api.checkout_session_create(
        mode=mode,
        customer=customer.id,
        price=price,
        quantity=quantity,
        metadata={"user": str(user.pk), **{kind: item.code for kind, item in sold.items()}},
        idempotency_key=f"checkout:{user.pk}:{uuid.uuid4().hex}",
    )
    Checkout.objects.create(
        user=user,
        stripe_id=session.id,
        mode=mode,
        quantity=quantity,
        url=session.url,
        expires_at=datetime.fromtimestamp(session.expires_at, UTC),
        **sold,
    )
    return {"id": session.id, "url": session.url, "kind": "checkout"}


def subscription_checkout(*, user, plan: str) -> dict:
    """Where to send the user to subscribe to `plan`: {"id", "url", "kind"}. A Stripe Checkout
    Session (kind `checkout`; an open one for the same plan is reused), or, when a
    subscription is live already, the Billing Portal confirming the plan change (kind
    `portal`). Raises UnknownPlan (400), NotForSale (409), AlreadySubscribed (409) for the
    plan they have, BillingNotConfigured / StripeUnavailable (503)."""
    stripe_api.require_configured()
    chosen = _for_sale(Plan, plan, UnknownPlan)
    with transaction.atomic():
        credit_account_lock(user=user)
        customer = stripe_api.customer_for(user=user)
        live = stripe_api.subscriptions_of(customer=customer.id)
        if live:
            return _plan_change(customer=customer.id, subscription=live[0], plan=chosen)
        mode = Checkout.Mode.SUBSCRIPTION
        return _reusable(user=user, mode=mode, wanted=(chosen.pk, None, 1)) or _open(
            user=user,
            customer=customer,
            mode=mode,
            price=chosen.stripe_price_id,
            quantity=1,
            plan=chosen,
        )


def _plan_change(*, customer: str, subscription, plan: Plan) -> dict:
    item = subscription["items"]["data"][0]
    if item["price"]["id"] == plan.stripe_price_id:
        raise AlreadySubscribed(f"You are subscribed to {plan.name} already.")
    portal = stripe_api.portal_session_create(
        customer=customer,
        flow={
            "type": "subscription_update_confirm",
            "subscription_update_confirm": {
                "subscription": subscription.id,
                "items": [{"id": item["id"], "price": plan.stripe_price_id, "quantity": 1}],
            },
        },
    )
    return {"id": portal.id, "url": portal.url, "kind": "portal"}


def credits_topup(*, user, pack: str, quantity: int) -> dict:
    """A Stripe Checkout Session (payment mode) for `quantity` × `pack`: {"id", "url", "kind"};
    an open one for the same purchase is reused. Raises UnknownPack (400), NotForSale (409),
    BillingNotConfigured / StripeUnavailable (503)."""
    stripe_api.require_configured()
    chosen = _for_sale(CreditPack, pack, UnknownPack)
    with transaction.atomic():
        credit_account_lock(user=user)
        customer = stripe_api.customer_for(user=user)
        mode = Checkout.Mode.PAYMENT
        return _reusable(user=user, mode=mode, wanted=(None, chosen.pk, quantity)) or _open(
            user=user,
            customer=customer,
            mode=mode,
            price=chosen.stripe_price_id,
            quantity=quantity,
            pack=chosen,
        )


def billing_portal(*, user) -> dict:
    """A Stripe Billing Portal session for the user (cards, invoices, the subscription)."""
    stripe_api.require_configured()
    with transaction.atomic():
        credit_account_lock(user=user)
        customer = stripe_api.customer_for(user=user)
    portal = stripe_api.portal_session_create(customer=customer.id)
    return {"id": portal.id, "url": portal.url, "kind": "portal"}


def _change_subscription(*, user, change) -> None:
    """Apply `change` (live Stripe subscription -> the subscription after it) to the user's
    live subscription under their account lock, and mirror the result."""
    stripe_api.require_configured()
    with transaction.atomic():
        credit_account_lock(user=user)
        customer = djstripe.Customer.objects.filter(
            subscriber=user, livemode=settings.STRIPE_LIVE_MODE
        ).first()
        live = stripe_api.subscriptions_of(customer=customer.id) if customer else []
        if not live:
            raise NoSubscription()
        djstripe.Subscription.sync_from_stripe_data(
            change(live[0]), api_key=settings.STRIPE_SECRET_KEY
        )


def _cancel_at_period_end(subscription, cancel: bool):
    if subscription.cancel_at_period_end == cancel:
        return subscription
    return stripe_api.subscription_modify(
        subscription_id=subscription.id, cancel_at_period_end=cancel
    )


def subscription_cancel(*, user) -> None:
    """Cancel the live subscription at the end of its period (the plan and its allowance run
    to then). Idempotent. Raises NoSubscription (409)."""
    _change_subscription(user=user, change=lambda live: _cancel_at_period_end(live, True))


def _resume(subscription):
    if subscription.status == "paused":
        return stripe_api.subscription_resume(subscription_id=subscription.id)
    return _cancel_at_period_end(subscription, False)


def subscription_resume(*, user) -> None:
    """Undo a cancellation that has not taken effect yet, or resume a paused subscription (a
    trial that ended without a payment method): a new period starts now and is invoiced; the
    plan and its allowance come back with Stripe's `invoice.paid`. Idempotent. Raises
    NoSubscription (409)."""
    _change_subscription(user=user, change=_resume)


def payment_refund(*, payment_intent: str):
    """Refund a Stripe payment in full (staff, from the admin). Stripe's `charge.refunded`
    webhook then takes the credits back. One refund per payment (Stripe idempotency key)."""
    return stripe_api.refund_create(
        payment_intent=payment_intent, idempotency_key=f"refund:{payment_intent}"
    )
