"""Billing settings: the signup grant, Stripe (through dj-stripe) and where Checkout returns to.

The plans and credit packs are data (billing.Plan, billing.CreditPack: the admin, and
`manage.py billing_sync` from Stripe), not settings. Without STRIPE_SECRET_KEY everything runs
offline: plans and packs are listed, the free plan's allowance and staff grants work, and the
paying endpoints answer 503 `billing_not_configured`.
"""

from .base import FRONTEND_URL
from .env import env

# The plan (its code in billing.Plan) every account starts on and returns to when a
# subscription ends. Its allowance is granted by beat for each calendar month.
DEFAULT_PLAN = "free"
# Credits a brand-new account starts with (0 turns the welcome grant off). They never expire,
# and stand in for the free plan's allowance of the month the account opens in.
CREDITS_SIGNUP_GRANT = env.int("CREDITS_SIGNUP_GRANT", default=100)

# --- Stripe. The secret key (sk_test_... or sk_live_...) and the signing secret of the webhook
# endpoint registered at Stripe for <SITE_URL>/api/v1/subscriptions/webhook.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_LIVE_MODE = STRIPE_SECRET_KEY.startswith("sk_live_")
# Another API server (stripe-mock, a local fake). dj-stripe warns when it is set without DEBUG,
# so it is only defined when asked for.
if env("STRIPE_API_HOST", default=""):
    STRIPE_API_HOST = env("STRIPE_API_HOST")
# The client retries a failed network call this many times (each POST under one idempotency
# key) and gives up on a call after this many seconds: a web request waits at most that long.
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
STRIPE_TIMEOUT = env.int("STRIPE_TIMEOUT", default=20)
# A signed webhook older than this (seconds) is refused: Stripe's own default tolerance.
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)

# dj-stripe: foreign keys to Stripe objects by their Stripe id (the choice for a new install);
# signatures are checked against STRIPE_WEBHOOK_SECRET (billing.webhooks).
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"

# --- Where Stripe sends the customer back: the studio's credits pages. Stripe replaces
# {CHECKOUT_SESSION_ID} with the session's id.
_STUDIO = FRONTEND_URL.rstrip("/")
BILLING_SUCCESS_URL = env(
    "BILLING_SUCCESS_URL",
    default=f"{_STUDIO}/credits?checkout=success&session={{CHECKOUT_SESSION_ID}}",
)
BILLING_CANCEL_URL = env(
    "BILLING_CANCEL_URL", default=f"{_STUDIO}/credits/plans?checkout=cancelled"
)
BILLING_RETURN_URL = env("BILLING_RETURN_URL", default=f"{_STUDIO}/credits")
# One top-up buys at most this many packs: a typo must not charge a card for a thousand.
BILLING_TOPUP_MAX_QUANTITY = env.int("BILLING_TOPUP_MAX_QUANTITY", default=20)
