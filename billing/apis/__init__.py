"""Billing's API views, by concern: `credits` (plans, packs, balance, ledger, staff grants) and
`subscriptions` (Stripe: checkout, top-up, the subscription, portal, invoices, the webhook)."""
