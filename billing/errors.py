"""Billing's refusals, each with the machine-readable code the client branches on. (Too few
credits is the platform-wide `filmstudio.errors.PaymentRequired`, 402 `insufficient_credits`.)"""

from rest_framework import status

from filmstudio.errors import DomainError


class InvalidAmount(DomainError):
    code = "invalid_amount"
    default_detail = "The amount must be a non-zero whole number of credits."


class UnknownPlan(DomainError):
    code = "invalid_plan"
    default_detail = "There is no such plan."


class UnknownPack(DomainError):
    code = "invalid_pack"
    default_detail = "There is no such credit pack."


class NotForSale(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "not_for_sale"
    default_detail = "This is not on sale (it has no Stripe price: run `manage.py billing_sync`)."


class AlreadySubscribed(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_subscribed"
    default_detail = "You are already subscribed to this plan."


class NoSubscription(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "no_subscription"
    default_detail = "You have no paid subscription."


class BillingNotConfigured(DomainError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "billing_not_configured"
    default_detail = "Payments are not set up on this server (no STRIPE_SECRET_KEY)."


class StripeUnavailable(DomainError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "stripe_unavailable"
    default_detail = "Stripe cannot be reached right now; try again shortly."


class StripeRejected(DomainError):
    status_code = status.HTTP_502_BAD_GATEWAY
    code = "stripe_error"
    default_detail = "Stripe refused the request."


class InvalidSignature(DomainError):
    code = "invalid_signature"
    default_detail = "The webhook's Stripe-Signature does not match its body, or is too old."


class UnknownPrice(DomainError):
    # A webhook paid for a Stripe price no plan or pack is tied to: Stripe retries the event
    # until `manage.py billing_sync` (or the admin) ties it, so no payment is ever dropped.
    status_code = status.HTTP_409_CONFLICT
    code = "unknown_price"
    default_detail = "No plan or credit pack is tied to this Stripe price."
