"""Billing settings: the plans (the one list of them) and the signup grant."""

from .env import env

# --- Plans: code -> name, monthly allowance in credits, price. The monthly allowance is granted
# by the beat task on the first of each month (idempotent per account and month). Prices are
# informational for the plans page. `CreditAccount.plan` takes its choices from here.
CREDIT_PLANS = {
    "free": {"name": "Free", "monthly_allowance": env.int("PLAN_FREE_ALLOWANCE", default=100),
             "price_cents": 0},
    "pro": {"name": "Pro", "monthly_allowance": env.int("PLAN_PRO_ALLOWANCE", default=1000),
            "price_cents": 1900},
    "enterprise": {"name": "Enterprise",
                   "monthly_allowance": env.int("PLAN_ENTERPRISE_ALLOWANCE", default=10000),
                   "price_cents": 9900},
}  # fmt: skip
# The plan a new account starts on.
DEFAULT_PLAN = "free"
# Credits a brand-new account starts with (0 turns the welcome grant off).
CREDITS_SIGNUP_GRANT = env.int("CREDITS_SIGNUP_GRANT", default=100)
