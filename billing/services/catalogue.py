"""The catalogue (plans and credit packs) refreshed from Stripe: `manage.py billing_sync`.

A Stripe Price sells a plan or a pack when its metadata (or its Product's) says so:
`filmstudio` = `plan` (a recurring price) or `pack` (a one-time price), `code` = the row's
code, and optionally `credits` (the plan's allowance per period, the pack's credits). Price,
currency and interval always come from Stripe; the name from the Product."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from djstripe import models as djstripe

from .. import stripe_api
from ..models import CreditPack, Plan


@dataclass
class SyncReport:
    linked: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _tag(price, key: str) -> str:
    """A metadata value of the price, else of its (expanded) product."""
    product = {} if isinstance(price.product, str) else (price.product.metadata or {})
    return (price.metadata or {}).get(key) or product.get(key) or ""


def _values(price, kind: str) -> dict:
    values = {
        "stripe_price_id": price.id,
        "price_cents": price.unit_amount,
        "currency": price.currency,
        "is_active": True,
    }
    if not isinstance(price.product, str):
        values["name"] = price.product.name
    if kind == "plan":
        values["interval"] = price.recurring.interval
    credits = _tag(price, "credits")
    if credits.isdigit():
        values["monthly_allowance" if kind == "plan" else "credits"] = int(credits)
    return values


def _link(model, code: str, values: dict, report: SyncReport, label: str) -> None:
    row = model.objects.filter(code=code).first()
    needed = "monthly_allowance" if model is Plan else "credits"
    if row is None and needed not in values:
        report.skipped.append(f"{label} (new, but its price has no `credits` metadata)")
        return
    # A price moves to this row: no other row may keep it.
    model.objects.filter(stripe_price_id=values["stripe_price_id"]).exclude(code=code).update(
        stripe_price_id=""
    )
    if row is None:
        model.objects.create(code=code, **values)
    else:
        model.objects.filter(pk=row.pk).update(**values)
    report.linked.append(label)


def catalogue_sync(*, create_missing: bool = False) -> SyncReport:
    """Tie every plan and pack to the active Stripe Price naming it (see the module), creating
    rows for new codes; a row whose price is no longer active at Stripe is unlinked (not on
    sale any more). The prices are mirrored into dj-stripe too. With `create_missing`, a paid
    plan or a pack without a price gets a Product and Price created at Stripe from the row
    (each once: the idempotency key names the row and its price). Atomic on our side."""
    report = SyncReport()
    prices = list(stripe_api.prices_active())
    seen: set[str] = set()
    with transaction.atomic():
        for price in prices:
            kind, code = _tag(price, "filmstudio"), _tag(price, "code")
            wanted = {"plan": "recurring", "pack": "one_time"}.get(kind)
            if not code or wanted != price.type:
                continue
            label = f"{kind} {code} ← {price.id}"
            if (kind, code) in seen:
                report.skipped.append(f"{label} (a newer price sells {kind} {code})")
                continue
            seen.add((kind, code))
            _link(Plan if kind == "plan" else CreditPack, code, _values(price, kind), report, label)
            djstripe.Price.sync_from_stripe_data(price, api_key=settings.STRIPE_SECRET_KEY)
        active = {price.id for price in prices}
        for model in (Plan, CreditPack):
            stale = model.objects.exclude(stripe_price_id="").exclude(stripe_price_id__in=active)
            report.unlinked += [f"{row.code} ({row.stripe_price_id})" for row in stale]
            stale.update(stripe_price_id="")
    if create_missing:
        _create_missing(report)
    return report


def _create_missing(report: SyncReport) -> None:
    plans = Plan.objects.filter(stripe_price_id="", is_active=True, price_cents__gt=0)
    for plan in plans.exclude(code=settings.DEFAULT_PLAN):
        price = stripe_api.price_create(
            unit_amount=plan.price_cents,
            currency=plan.currency,
            recurring={"interval": plan.interval},
            product_data={"name": plan.name},
            metadata={
                "filmstudio": "plan",
                "code": plan.code,
                "credits": str(plan.monthly_allowance),
            },
            idempotency_key=(
                f"billing-sync:plan:{plan.code}:{plan.price_cents}:{plan.currency}:{plan.interval}"
            ),
        )
        Plan.objects.filter(pk=plan.pk).update(stripe_price_id=price.id)
        report.created.append(f"plan {plan.code} → {price.id}")
    for pack in CreditPack.objects.filter(stripe_price_id="", is_active=True):
        price = stripe_api.price_create(
            unit_amount=pack.price_cents,
            currency=pack.currency,
            product_data={"name": pack.name},
            metadata={"filmstudio": "pack", "code": pack.code, "credits": str(pack.credits)},
            idempotency_key=f"billing-sync:pack:{pack.code}:{pack.price_cents}:{pack.currency}",
        )
        CreditPack.objects.filter(pk=pack.pk).update(stripe_price_id=price.id)
        report.created.append(f"pack {pack.code} → {price.id}")
