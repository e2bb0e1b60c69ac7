"""Every write and business rule of billing, by concern:

- `ledger`: every movement of credits (the job engine's reserve / capture / refund, grants,
  allowance periods, expiry), one row lock and one idempotency key each;
- `clawbacks`: credits a refunded or disputed payment bought taken back, and given back when
  a dispute is won;
- `allowances`: what beat does (the free plan's monthly allowance, expiring what is due);
- `checkout`: buying through Stripe (checkout, top-up, portal, cancel, resume, staff refund);
- `stripe_events`: the money rules of Stripe's webhook events;
- `catalogue`: plans and credit packs refreshed from Stripe (`manage.py billing_sync`).
"""

from .allowances import credits_expire_all_due, credits_monthly_allowance_all
from .catalogue import SyncReport, catalogue_sync
from .checkout import (
    billing_portal,
    credits_topup,
    payment_refund,
    subscription_cancel,
    subscription_checkout,
    subscription_resume,
)
from .clawbacks import credits_claw_back, credits_paid_by, credits_reinstate
from .ledger import (
    allowance_open,
    credit_account_get_or_create,
    credit_account_lock,
    credit_account_set_plan,
    credits_admin_grant,
    credits_capture,
    credits_expire_due,
    credits_grant,
    credits_refund,
    credits_reserve,
)

__all__ = [
    "SyncReport",
    "allowance_open",
    "billing_portal",
    "catalogue_sync",
    "credit_account_get_or_create",
    "credit_account_lock",
    "credit_account_set_plan",
    "credits_admin_grant",
    "credits_capture",
    "credits_claw_back",
    "credits_expire_all_due",
    "credits_expire_due",
    "credits_grant",
    "credits_monthly_allowance_all",
    "credits_paid_by",
    "credits_refund",
    "credits_reinstate",
    "credits_reserve",
    "credits_topup",
    "payment_refund",
    "subscription_cancel",
    "subscription_checkout",
    "subscription_resume",
]
