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


def _object_id(event) -> str:
    return event.data["object"]["id"]


@djstripe_receiver(["checkout.session.completed", "checkout.session.async_payment_succeeded"])
def _checkout_paid(sender, event, **kwargs):
    stripe_events.checkout_paid(session_id=_object_id(event), event_id=event.id)


@djstripe_receiver("checkout.session.expired")
def _checkout_expired(sender, event, **kwargs):
    stripe_events.checkout_expired(session_id=_object_id(event))


@djstripe_receiver("invoice.paid")
def _invoice_paid(sender, event, **kwargs):
    stripe_events.invoice_paid(invoice_id=_object_id(event), event_id=event.id)


@djstripe_receiver("invoice.payment_failed")
def _invoice_failed(sender, event, **kwargs):
    stripe_events.invoice_failed(invoice_id=_object_id(event))


@djstripe_receiver(
    [
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.paused",
        "customer.subscription.resumed",
    ]
)
def _subscription_changed(sender, event, **kwargs):
    stripe_events.subscription_changed(subscription_id=_object_id(event))


@djstripe_receiver("charge.refunded")
def _charge_refunded(sender, event, **kwargs):
    stripe_events.charge_refunded(charge_id=_object_id(event), event_id=event.id)


@djstripe_receiver("charge.dispute.created")
def _dispute_opened(sender, event, **kwargs):
    stripe_events.dispute_opened(dispute_id=_object_id(event), event_id=event.id)
