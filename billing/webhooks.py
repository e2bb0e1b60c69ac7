"""Stripe's webhook: dj-stripe's processing behind our signature check, and our money rules
connected to dj-stripe's per-event signals.

One delivery (`webhook_receive`, behind `POST /api/v1/subscriptions/webhook`):

1. The `Stripe-Signature` header is checked against STRIPE_WEBHOOK_SECRET and its timestamp
   against STRIPE_WEBHOOK_TOLERANCE before anything is stored: a forged, altered or stale
   delivery is a 400 `invalid_signature` and changes nothing.
2. dj-stripe's `WebhookEventTrigger.from_request` logs the delivery and, in one transaction,
   stores the Event (its Stripe id is unique: a replay, or a parallel duplicate once the first
   one commits, ends there), re-retrieves the event's object from the API into its mirror and
   sends the event's signal, which runs dj-stripe's handlers and then ours (below): so the
   ledger lines are written, or rolled back, with the Event row. An event type nobody handles
   is stored and changes nothing.
3. An error rolls all of that back (the delivery log keeps the traceback) and answers non-2xx,
   so Stripe delivers the event again later.
"""

import stripe
from django.conf import settings
from django.http import HttpRequest
from djstripe import models as djstripe
from djstripe.event_handlers import djstripe_receiver
from stripe import SignatureVerificationError, WebhookSignature

from . import stripe_api
from .errors import BillingNotConfigured, InvalidSignature
from .services import stripe_events

# The dj-stripe WebhookEndpoint row standing for the endpoint configured by settings.
ENDPOINT_ID = "we_filmstudio_settings"
WEBHOOK_PATH = "/api/v1/subscriptions/webhook"


def _endpoint() -> djstripe.WebhookEndpoint:
    wanted = {
        "secret": settings.STRIPE_WEBHOOK_SECRET,
        "djstripe_tolerance": settings.STRIPE_WEBHOOK_TOLERANCE,
        "livemode": settings.STRIPE_LIVE_MODE,
    }
    endpoint, created = djstripe.WebhookEndpoint.objects.get_or_create(
        id=ENDPOINT_ID,
        defaults={
            **wanted,
            "url": settings.SITE_URL.rstrip("/") + WEBHOOK_PATH,
            "enabled_events": ["*"],
            "status": "enabled",
            "api_version": stripe.api_version,
        },
    )
    if not created and any(getattr(endpoint, k) != v for k, v in wanted.items()):
        for name, value in wanted.items():
            setattr(endpoint, name, value)
        endpoint.save(update_fields=[*wanted, "djstripe_updated"])
    return endpoint


def webhook_receive(*, request: HttpRequest) -> djstripe.WebhookEventTrigger:
    """Verify one delivery and process it exactly once (see the module). Raises
    BillingNotConfigured (503) without STRIPE_WEBHOOK_SECRET, InvalidSignature (400), and
    whatever a handler raises (UnknownPrice 409, StripeUnavailable 503), after rolling back."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise BillingNotConfigured("Stripe webhooks are not set up (no STRIPE_WEBHOOK_SECRET).")
    try:
        WebhookSignature.verify_header(
            request.body.decode("utf-8"),
            request.headers.get("Stripe-Signature"),
            settings.STRIPE_WEBHOOK_SECRET,
            settings.STRIPE_WEBHOOK_TOLERANCE,
        )
    except (SignatureVerificationError, UnicodeDecodeError) as error:
        raise InvalidSignature() from error
    endpoint = _endpoint()
    with stripe_api.translated_errors():
        trigger = djstripe.WebhookEventTrigger.from_request(request, webhook_endpoint=endpoint)
    if not trigger.valid:
        raise InvalidSignature("The webhook body is not a Stripe event.")
    return trigger


# What each event type does (stripe_events), given the event's object id and the event's id.
RULES = {
    "checkout.session.completed": lambda obj, evt: stripe_events.checkout_paid(
        session_id=obj, event_id=evt
    ),
    "checkout.session.async_payment_succeeded": lambda obj, evt: stripe_events.checkout_paid(
        session_id=obj, event_id=evt
    ),
    "checkout.session.expired": lambda obj, evt: stripe_events.checkout_expired(session_id=obj),
    "invoice.paid": lambda obj, evt: stripe_events.invoice_paid(invoice_id=obj, event_id=evt),
    "invoice.payment_failed": lambda obj, evt: stripe_events.invoice_failed(invoice_id=obj),
    "charge.refunded": lambda obj, evt: stripe_events.charge_refunded(charge_id=obj, event_id=evt),
    "charge.dispute.created": lambda obj, evt: stripe_events.dispute_opened(
        dispute_id=obj, event_id=evt
    ),
    **{
        f"charge.dispute.{verb}": lambda obj, evt: stripe_events.dispute_closed(
            dispute_id=obj, event_id=evt
        )
        for verb in ("closed", "funds_reinstated")
    },
    **{
        f"customer.subscription.{verb}": lambda obj, evt: stripe_events.subscription_changed(
            subscription_id=obj
        )
        for verb in ("created", "updated", "deleted", "paused", "resumed")
    },
}


@djstripe_receiver(list(RULES))
def _apply_money_rules(sender, event, **kwargs):
    """Runs after dj-stripe's own handler for the event (connected first, at its app's start),
    inside the transaction that stores the event."""
    RULES[event.type](event.data["object"]["id"], event.id)
