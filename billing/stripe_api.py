"""Every call FilmStudio makes to the Stripe API, through the official client, in one place.

Each function takes keyword arguments and returns Stripe's object. Without STRIPE_SECRET_KEY
they raise BillingNotConfigured (503 `billing_not_configured`); Stripe being unreachable or
failing is StripeUnavailable (503 `stripe_unavailable`), a request Stripe refuses is
StripeRejected (502 `stripe_error`): a client never sees a 500 because of Stripe. The client
retries network failures itself (settings.STRIPE_MAX_NETWORK_RETRIES), each POST under one
idempotency key, so a retry never creates a second object.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import stripe
from django.conf import settings

from .errors import BillingNotConfigured, StripeRejected, StripeUnavailable

logger = logging.getLogger(__name__)


def configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def require_configured() -> None:
    if not configured():
        raise BillingNotConfigured()


@contextmanager
def translated_errors() -> Iterator[None]:
    """Stripe's exceptions as our DomainErrors (also around dj-stripe's own API calls)."""
    try:
        yield
    except (stripe.AuthenticationError, stripe.PermissionError) as error:
        logger.error("Stripe refused the API key: %s", error)
        raise BillingNotConfigured("Stripe refused the configured API key.") from error
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        logger.warning("Stripe unavailable: %s", error)
        raise StripeUnavailable() from error
    except stripe.StripeError as error:
        logger.error("Stripe refused a request: %s", error)
        raise StripeRejected(
            f"Stripe refused the request: {error.user_message or error}"
        ) from error


def _call(method: Callable[..., Any], /, *args: Any, **params: Any) -> Any:
    require_configured()
    with translated_errors():
        return method(*args, api_key=settings.STRIPE_SECRET_KEY, **params)


def customer_for(*, user):
    """The user's dj-stripe Customer, created on Stripe (and linked) the first time. dj-stripe
    keys the creation with one idempotency key per user, so it happens once."""
    from djstripe.models import Customer

    require_configured()
    with translated_errors():
        return Customer.get_or_create(
            subscriber=user,
            livemode=settings.STRIPE_LIVE_MODE,
            api_key=settings.STRIPE_SECRET_KEY,
        )[0]


def checkout_session_create(
    *,
    mode: str,
    customer: str,
    price: str,
    quantity: int,
    metadata: dict[str, str],
    idempotency_key: str,
):
    """A hosted Checkout Session (`payment` for packs, `subscription` for plans) returning the
    customer to settings.BILLING_SUCCESS_URL / BILLING_CANCEL_URL."""
    extra: dict[str, Any] = {}
    if mode == "subscription":
        extra["subscription_data"] = {"metadata": metadata}
    else:
        extra["payment_intent_data"] = {"metadata": metadata}
    return _call(
        stripe.checkout.Session.create,
        mode=mode,
        customer=customer,
        line_items=[{"price": price, "quantity": quantity}],
        success_url=settings.BILLING_SUCCESS_URL,
        cancel_url=settings.BILLING_CANCEL_URL,
        client_reference_id=metadata.get("user"),
        metadata=metadata,
        idempotency_key=idempotency_key,
        **extra,
    )


def checkout_session_retrieve(*, session_id: str):
    return _call(stripe.checkout.Session.retrieve, id=session_id)


def checkout_session_expire(*, session_id: str):
    return _call(stripe.checkout.Session.expire, session_id)


def portal_session_create(*, customer: str, flow: dict[str, Any] | None = None):
    """A Billing Portal session; `flow` opens it on one action (a plan change to confirm)."""
    params: dict[str, Any] = {"customer": customer, "return_url": settings.BILLING_RETURN_URL}
    if flow:
        params["flow_data"] = flow
    return _call(stripe.billing_portal.Session.create, **params)


def subscriptions_of(*, customer: str) -> list[Any]:
    """Every subscription of `customer` that is not over, newest first."""
    found = _call(stripe.Subscription.list, customer=customer, status="all", limit=100)
    return [s for s in found.auto_paging_iter() if s.status not in ENDED_STATUSES]


ENDED_STATUSES = ("canceled", "incomplete_expired")


def subscription_retrieve(*, subscription_id: str):
    return _call(stripe.Subscription.retrieve, id=subscription_id)


def subscription_modify(*, subscription_id: str, **changes: Any):
    return _call(stripe.Subscription.modify, subscription_id, **changes)


def subscription_resume(*, subscription_id: str):
    """Resume a paused subscription: a new period starts now, invoiced at once."""
    return _call(
        stripe.Subscription.resume,
        subscription_id,
        billing_cycle_anchor="now",
    )


def payment_intent_retrieve(*, payment_intent_id: str):
    return _call(stripe.PaymentIntent.retrieve, id=payment_intent_id)


def disputes_of(*, charge_id: str) -> Iterator[Any]:
    return _call(stripe.Dispute.list, charge=charge_id, limit=100).auto_paging_iter()


def charge_retrieve(*, charge_id: str):
    return _call(stripe.Charge.retrieve, id=charge_id)


def refunds_of(*, charge_id: str) -> Iterator[Any]:
    return _call(stripe.Refund.list, charge=charge_id, limit=100).auto_paging_iter()


def refund_create(
    *, payment_intent: str, idempotency_key: str, reason: str = "requested_by_customer"
):
    return _call(
        stripe.Refund.create,
        payment_intent=payment_intent,
        reason=reason,
        idempotency_key=idempotency_key,
    )


def invoice_payment_intents(*, invoice_id: str) -> list[str]:
    """The PaymentIntents that paid `invoice_id` (Stripe lists them as invoice payments)."""
    invoice = _call(stripe.Invoice.retrieve, id=invoice_id, expand=["payments"])
    return [
        p.payment.payment_intent
        for p in invoice.payments.data
        if p.status == "paid" and p.payment.type == "payment_intent"
    ]


def prices_active() -> Iterator[Any]:
    """Every active Price with its Product expanded."""
    return _call(
        stripe.Price.list, active=True, limit=100, expand=["data.product"]
    ).auto_paging_iter()


def price_create(**params: Any):
    return _call(stripe.Price.create, **params)
