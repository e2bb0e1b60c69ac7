"""The state behind the fake Stripe API: objects in the shape the real API returns them (API
version `API_VERSION`, the one the pinned `stripe` client sends), the rules Stripe applies when
they change, and the events it records for each change.

`stripe_server.FakeStripeServer` serves this over HTTP. Tests also drive it directly for what a
customer or a bank does outside our API (pay a Checkout Session, renew a subscription, fail a
payment, open a dispute) and get back the events Stripe would then send to the webhook.
"""

from __future__ import annotations

import calendar
import copy
import itertools
import secrets
import threading
import time
from datetime import UTC, datetime
from typing import Any

import stripe

API_VERSION = stripe.api_version

# id prefix -> (object name, API collection path)
RESOURCES: dict[str, tuple[str, str]] = {
    "cus": ("customer", "customers"),
    "prod": ("product", "products"),
    "price": ("price", "prices"),
    "cs": ("checkout.session", "checkout/sessions"),
    "bps": ("billing_portal.session", "billing_portal/sessions"),
    "sub": ("subscription", "subscriptions"),
    "si": ("subscription_item", "subscription_items"),
    "in": ("invoice", "invoices"),
    "inpay": ("invoice_payment", "invoice_payments"),
    "pi": ("payment_intent", "payment_intents"),
    "ch": ("charge", "charges"),
    "re": ("refund", "refunds"),
    "dp": ("dispute", "disputes"),
    "evt": ("event", "events"),
}
COLLECTIONS = {path: prefix for prefix, (_, path) in RESOURCES.items()}


class StripeError(Exception):
    """An API error, rendered as Stripe renders it: {"error": {type, code, message, param}}."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        kind: str = "invalid_request_error",
    ):
        super().__init__(message)
        self.status, self.code, self.param, self.kind = status, code, param, kind

    def body(self) -> dict[str, Any]:
        error = {"type": self.kind, "message": str(self), "code": self.code, "param": self.param}
        if self.code:
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        return {"error": {k: v for k, v in error.items() if v is not None}}


def missing(name: str, object_id: str, param: str = "id") -> StripeError:
    return StripeError(404, f"No such {name}: '{object_id}'", code="resource_missing", param=param)


def add_months(timestamp: int, months: int) -> int:
    """Stripe's monthly billing: the same day of the month, clamped to the month's last day."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return int(moment.replace(year=year, month=month, day=day).timestamp())


def period_end(start: int, recurring: dict[str, Any]) -> int:
    count = recurring.get("interval_count") or 1
    interval = recurring["interval"]
    if interval == "year":
        return add_months(start, 12 * count)
    if interval == "month":
        return add_months(start, count)
    return start + count * {"week": 7, "day": 1}[interval] * 86_400


def as_list(url: str, data: list[dict[str, Any]], *, total: bool = False) -> dict[str, Any]:
    page = {"object": "list", "data": data, "has_more": False, "url": url}
    if total:
        page["total_count"] = len(data)
    return page


class StripeWorld:
    """Every object the fake account holds, and Stripe's rules for changing them."""

    def __init__(self, *, account_id: str = "", public_base: str = "https://fake.stripe.test"):
        self.lock = threading.RLock()
        self.objects: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.account_id = account_id or f"acct_{secrets.token_hex(8)}"
        self.public_base = public_base
        self.clock: int | None = None  # a fixed "now" (tests move it); None = real time
        self._numbers = itertools.count(1)
        self.account = {
            "id": self.account_id,
            "object": "account",
            "business_profile": {"name": "FilmStudio (fake Stripe)", "url": None},
            "business_type": "company",
            "capabilities": {"card_payments": "active", "transfers": "active"},
            "charges_enabled": True,
            "controller": {"type": "account"},
            "country": "US",
            "created": self.now(),
            "default_currency": "usd",
            "details_submitted": True,
            "email": "billing@filmstudio.test",
            "metadata": {},
            "payouts_enabled": True,
            "settings": {
                "branding": {"icon": None, "logo": None, "primary_color": None},
                "dashboard": {"display_name": "FilmStudio", "timezone": "Etc/UTC"},
            },
            "type": "standard",
        }

    # -- basics --------------------------------------------------------------------------------

    def now(self) -> int:
        return self.clock if self.clock is not None else int(time.time())

    def advance(self, seconds: int) -> int:
        """Move the fake clock forward (freezing it at real time first)."""
        with self.lock:
            self.clock = self.now() + seconds
            return self.clock

    def new_id(self, prefix: str) -> str:
        mode = "_test" if prefix in ("cs", "bps") else ""
        return f"{prefix}{mode}_{secrets.token_urlsafe(18).replace('-', 'x').replace('_', 'y')}"

    def _base(self, prefix: str, **fields: Any) -> dict[str, Any]:
        name, _ = RESOURCES[prefix]
        obj = {"id": self.new_id(prefix), "object": name, "created": self.now(), "livemode": False}
        obj.update(fields)
        self.objects[obj["id"]] = obj
        return obj

    def get(self, object_id: str, prefix: str | None = None) -> dict[str, Any]:
        obj = self.objects.get(object_id)
        name = RESOURCES.get(prefix or object_id.split("_", 1)[0], ("object",))[0]
        if obj is None or (prefix is not None and not object_id.startswith(prefix + "_")):
            raise missing(name.split(".")[-1] if "." not in name else name, object_id)
        return obj

    def snapshot(self, object_id: str) -> dict[str, Any]:
        return copy.deepcopy(self.get(object_id))

    def emit(
        self, event_type: str, obj: dict[str, Any], previous: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Record an event with a snapshot of `obj`, as Stripe does on every change."""
        data: dict[str, Any] = {"object": _public(obj)}
        if previous:
            data["previous_attributes"] = copy.deepcopy(previous)
        event = self._base(
            "evt",
            api_version=API_VERSION,
            data=data,
            pending_webhooks=1,
            request={"id": None, "idempotency_key": None},
            type=event_type,
        )
        self.events.append(event)
        return copy.deepcopy(event)

    def events_of(self, event_type: str) -> list[dict[str, Any]]:
        with self.lock:
            return [copy.deepcopy(e) for e in self.events if e["type"] == event_type]

    # -- catalogue -----------------------------------------------------------------------------

    def create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        customer = self._base(
            "cus",
            address=None,
            balance=0,
            currency=None,
            default_source=None,
            delinquent=False,
            description=params.get("description"),
            discount=None,
            email=params.get("email"),
            invoice_prefix=secrets.token_hex(4).upper(),
            invoice_settings={
                "custom_fields": None,
                "default_payment_method": None,
                "footer": None,
                "rendering_options": None,
            },
            metadata=dict(params.get("metadata") or {}),
            name=params.get("name"),
            next_invoice_sequence=1,
            phone=None,
            preferred_locales=[],
            shipping=None,
            tax_exempt="none",
            test_clock=None,
        )
        self.emit("customer.created", customer)
        return customer

    def create_product(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("name"):
            raise StripeError(
                400, "Missing required param: name.", param="name", code="parameter_missing"
            )
        product = self._base(
            "prod",
            active=_flag(params.get("active", True)),
            default_price=None,
            description=params.get("description"),
            images=[],
            marketing_features=[],
            metadata=dict(params.get("metadata") or {}),
            name=params["name"],
            package_dimensions=None,
            shippable=None,
            statement_descriptor=None,
            tax_code=None,
            type="service",
            unit_label=None,
            updated=self.now(),
            url=None,
        )
        self.emit("product.created", product)
        return product

    def create_price(self, params: dict[str, Any]) -> dict[str, Any]:
        product = params.get("product")
        if isinstance(product, dict) or params.get("product_data"):
            product = self.create_product(params.get("product_data") or product)["id"]
        self.get(product or "", "prod")
        if "unit_amount" not in params or "currency" not in params:
            raise StripeError(
                400,
                "Missing required param: unit_amount.",
                param="unit_amount",
                code="parameter_missing",
            )
        recurring = params.get("recurring")
        if recurring is not None:
            recurring = {
                "interval": recurring["interval"],
                "interval_count": int(recurring.get("interval_count") or 1),
                "meter": None,
                "trial_period_days": None,
                "usage_type": "licensed",
            }
        amount = int(params["unit_amount"])
        price = self._base(
            "price",
            active=_flag(params.get("active", True)),
            billing_scheme="per_unit",
            currency=params["currency"].lower(),
            custom_unit_amount=None,
            lookup_key=params.get("lookup_key"),
            metadata=dict(params.get("metadata") or {}),
            nickname=params.get("nickname"),
            product=product,
            recurring=recurring,
            tax_behavior="unspecified",
            tiers_mode=None,
            transform_quantity=None,
            type="recurring" if recurring else "one_time",
            unit_amount=amount,
            unit_amount_decimal=str(amount),
        )
        self.emit("price.created", price)
        return price

    def update(self, object_id: str, params: dict[str, Any], prefix: str) -> dict[str, Any]:
        """A plain update (customers, products, prices): fields replaced, metadata merged
        (an empty value deletes a key, as on Stripe)."""
        obj = self.get(object_id, prefix)
        previous: dict[str, Any] = {}
        for key, value in params.items():
            if key in ("expand", "id", "object", "created", "livemode"):
                continue
            if key == "metadata":
                merged = dict(obj.get("metadata") or {})
                for meta_key, meta_value in (value or {}).items():
                    if meta_value in ("", None):
                        merged.pop(meta_key, None)
                    else:
                        merged[meta_key] = meta_value
                value = merged
            elif key == "active":
                value = _flag(value)
            if obj.get(key) != value:
                previous[key] = obj.get(key)
                obj[key] = value
        if previous:
            self.emit(f"{obj['object']}.updated", obj, previous)
        return obj

    # -- checkout and the portal -------------------------------------------------------------

    def create_checkout_session(self, params: dict[str, Any]) -> dict[str, Any]:
        mode = params.get("mode")
        if mode not in ("payment", "subscription"):
            raise StripeError(
                400, "Invalid mode: must be one of payment, setup, or subscription", param="mode"
            )
        if not params.get("success_url"):
            raise StripeError(
                400,
                "Missing required param: success_url.",
                param="success_url",
                code="parameter_missing",
            )
        if params.get("customer"):
            self.get(params["customer"], "cus")
        items = []
        for index, line in enumerate(_indexed(params.get("line_items"))):
            price = self.get(line.get("price") or "", "price")
            if not price["active"]:
                raise StripeError(
                    400,
                    f"The price specified is inactive: {price['id']}",
                    param=f"line_items[{index}][price]",
                )
            recurring = price["type"] == "recurring"
            if recurring != (mode == "subscription"):
                raise StripeError(
                    400,
                    "You must provide at least one recurring price in `subscription` mode "
                    "when using prices."
                    if mode == "subscription"
                    else "You specified `payment` mode but passed a recurring price. Either "
                    "switch to `subscription` mode or use only one-time prices.",
                    param=f"line_items[{index}][price]",
                )
            quantity = int(line.get("quantity") or 1)
            if quantity < 1:
                raise StripeError(
                    400,
                    "Invalid quantity: must be at least 1",
                    param=f"line_items[{index}][quantity]",
                )
            total = price["unit_amount"] * quantity
            product = self.get(price["product"])
            items.append(
                {
                    "id": f"li_{secrets.token_hex(12)}",
                    "object": "item",
                    "amount_discount": 0,
                    "amount_subtotal": total,
                    "amount_tax": 0,
                    "amount_total": total,
                    "currency": price["currency"],
                    "description": product["name"],
                    "price": copy.deepcopy(price),
                    "quantity": quantity,
                }
            )
        if not items:
            raise StripeError(
                400,
                "Missing required param: line_items.",
                param="line_items",
                code="parameter_missing",
            )
        amount = sum(item["amount_total"] for item in items)
        session = self._base(
            "cs",
            after_expiration=None,
            allow_promotion_codes=None,
            amount_subtotal=amount,
            amount_total=amount,
            automatic_tax={"enabled": False, "liability": None, "status": None},
            billing_address_collection=None,
            cancel_url=params.get("cancel_url"),
            client_reference_id=params.get("client_reference_id"),
            currency=items[0]["currency"],
            customer=params.get("customer"),
            customer_creation=None,
            customer_details=None,
            customer_email=params.get("customer_email"),
            expires_at=self.now() + 24 * 3600,
            invoice=None,
            locale=None,
            metadata=dict(params.get("metadata") or {}),
            mode=mode,
            payment_intent=None,
            payment_link=None,
            payment_method_types=["card"],
            payment_status="unpaid",
            setup_intent=None,
            status="open",
            subscription=None,
            success_url=params["success_url"],
            total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            ui_mode="hosted",
        )
        session["url"] = f"https://checkout.stripe.com/c/pay/{session['id']}"
        session["_line_items"] = items  # private: served by /line_items and `expand`
        session["_subscription_data"] = params.get("subscription_data") or {}
        session["_payment_intent_data"] = params.get("payment_intent_data") or {}
        return session

    def expire_checkout_session(self, session_id: str) -> dict[str, Any]:
        session = self.get(session_id, "cs")
        if session["status"] != "open":
            raise StripeError(
                400,
                f"Only Checkout Sessions with a status in ['open'] can be "
                f"expired. This session has a status of '{session['status']}'.",
            )
        session["status"] = "expired"
        self.emit("checkout.session.expired", session)
        return session

    def create_portal_session(self, params: dict[str, Any]) -> dict[str, Any]:
        customer = self.get(params.get("customer") or "", "cus")
        flow = params.get("flow_data")
        if flow and flow.get("type") == "subscription_update_confirm":
            confirm = flow.get("subscription_update_confirm") or {}
            subscription = self.get(confirm.get("subscription") or "", "sub")
            for item in _indexed(confirm.get("items")):
                self.get(item.get("price") or "", "price")
                if item.get("id") not in [i["id"] for i in subscription["items"]["data"]]:
                    raise missing("subscription item", item.get("id") or "", "flow_data")
        portal = self._base(
            "bps",
            configuration="bpc_fake_default",
            customer=customer["id"],
            flow=flow,
            locale=None,
            on_behalf_of=None,
            return_url=params.get("return_url"),
        )
        portal["url"] = f"https://billing.stripe.com/p/session/{portal['id']}"
        return portal

    # -- what happens when the customer pays -------------------------------------------------

    def _payment(
        self, *, customer: str, amount: int, currency: str, description: str, metadata=None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A succeeded PaymentIntent and its Charge."""
        intent = self._base(
            "pi",
            amount=amount,
            amount_capturable=0,
            amount_received=amount,
            capture_method="automatic_async",
            confirmation_method="automatic",
            currency=currency,
            customer=customer,
            description=description,
            last_payment_error=None,
            latest_charge=None,
            metadata=dict(metadata or {}),
            payment_method=None,
            payment_method_types=["card"],
            status="succeeded",
        )
        charge = self._base(
            "ch",
            amount=amount,
            amount_captured=amount,
            amount_refunded=0,
            balance_transaction=None,
            billing_details={"address": None, "email": None, "name": None, "phone": None},
            captured=True,
            currency=currency,
            customer=customer,
            description=description,
            disputed=False,
            failure_code=None,
            failure_message=None,
            metadata=dict(metadata or {}),
            outcome={
                "network_status": "approved_by_network",
                "type": "authorized",
                "risk_level": "normal",
                "seller_message": "Payment complete.",
            },
            paid=True,
            payment_intent=intent["id"],
            payment_method=None,
            payment_method_details={"type": "card"},
            receipt_url=f"{self.public_base}/receipts/{intent['id']}",
            refunded=False,
            source=None,
            status="succeeded",
        )
        intent["latest_charge"] = charge["id"]
        self.emit("payment_intent.succeeded", intent)
        self.emit("charge.succeeded", charge)
        return intent, charge

    def complete_checkout(self, session_id: str, *, paid: bool = True) -> list[dict[str, Any]]:
        """The customer pays a Checkout Session. `paid=False` is a delayed payment method
        (the session completes `unpaid`; `async_payment_succeeded` settles it later).
        Returns the events Stripe sends, in the order it creates them."""
        with self.lock:
            session = self.get(session_id, "cs")
            if session["status"] != "open":
                raise StripeError(400, f"Checkout Session {session_id} is {session['status']}.")
            start = len(self.events)
            if session["mode"] == "subscription":
                self._checkout_subscription(session)
            elif paid:
                intent, _ = self._payment(
                    customer=session["customer"],
                    amount=session["amount_total"],
                    currency=session["currency"],
                    description=session["_line_items"][0]["description"],
                    metadata=session["_payment_intent_data"].get("metadata"),
                )
                session["payment_intent"] = intent["id"]
                session["payment_status"] = "paid"
            session["status"] = "complete"
            self.emit("checkout.session.completed", session)
            return [copy.deepcopy(e) for e in self.events[start:]]

    def settle_async_payment(self, session_id: str, *, succeeded: bool = True) -> dict[str, Any]:
        """A delayed payment (bank debit) of a completed `unpaid` session settles."""
        with self.lock:
            session = self.get(session_id, "cs")
            if session["status"] != "complete" or session["payment_status"] != "unpaid":
                raise StripeError(400, "This Checkout Session has no pending payment.")
            if not succeeded:
                return self.emit("checkout.session.async_payment_failed", session)
            intent, _ = self._payment(
                customer=session["customer"],
                amount=session["amount_total"],
                currency=session["currency"],
                description=session["_line_items"][0]["description"],
            )
            session["payment_intent"] = intent["id"]
            session["payment_status"] = "paid"
            return self.emit("checkout.session.async_payment_succeeded", session)

    def _checkout_subscription(self, session: dict[str, Any]) -> None:
        now = self.now()
        price = session["_line_items"][0]["price"]
        subscription = self._base(
            "sub",
            application=None,
            automatic_tax={"disabled_reason": None, "enabled": False, "liability": None},
            billing_cycle_anchor=now,
            cancel_at=None,
            cancel_at_period_end=False,
            canceled_at=None,
            cancellation_details={"comment": None, "feedback": None, "reason": None},
            collection_method="charge_automatically",
            currency=price["currency"],
            customer=session["customer"],
            days_until_due=None,
            default_payment_method=None,
            default_source=None,
            default_tax_rates=[],
            description=None,
            discounts=[],
            ended_at=None,
            latest_invoice=None,
            metadata=dict(session["_subscription_data"].get("metadata") or {}),
            pending_update=None,
            schedule=None,
            start_date=now,
            status="incomplete",
            test_clock=None,
            trial_end=None,
            trial_start=None,
        )
        item = self._base(
            "si",
            current_period_start=now,
            current_period_end=period_end(now, price["recurring"]),
            discounts=[],
            metadata={},
            price=copy.deepcopy(price),
            quantity=session["_line_items"][0]["quantity"],
            subscription=subscription["id"],
            tax_rates=[],
        )
        subscription["items"] = as_list(
            f"/v1/subscription_items?subscription={subscription['id']}", [item], total=True
        )
        self.emit("customer.subscription.created", subscription)
        invoice = self._invoice(subscription, "subscription_create")
        session["subscription"] = subscription["id"]
        session["invoice"] = invoice["id"]
        session["payment_status"] = "paid"
        self._pay_invoice(invoice)
        previous = {"status": "incomplete"}
        subscription["status"] = "active"
        self.emit("customer.subscription.updated", subscription, previous)

    def _invoice(self, subscription: dict[str, Any], reason: str) -> dict[str, Any]:
        item = subscription["items"]["data"][0]
        price, quantity = item["price"], item["quantity"]
        amount = price["unit_amount"] * quantity
        product = self.get(price["product"])
        number = next(self._numbers)
        customer = self.get(subscription["customer"])
        invoice = self._base(
            "in",
            account_country="US",
            account_name="FilmStudio",
            amount_due=amount,
            amount_overpaid=0,
            amount_paid=0,
            amount_remaining=amount,
            amount_shipping=0,
            attempt_count=0,
            attempted=False,
            auto_advance=True,
            automatic_tax={
                "disabled_reason": None,
                "enabled": False,
                "liability": None,
                "status": None,
            },
            billing_reason=reason,
            collection_method="charge_automatically",
            currency=price["currency"],
            customer=subscription["customer"],
            customer_email=customer.get("email"),
            default_payment_method=None,
            description=None,
            discounts=[],
            due_date=None,
            ending_balance=0,
            footer=None,
            metadata={},
            next_payment_attempt=None,
            number=f"{customer['invoice_prefix']}-{number:04d}",
            parent={
                "quote_details": None,
                "subscription_details": {"metadata": {}, "subscription": subscription["id"]},
                "type": "subscription_details",
            },
            # Stripe's invoice-level period is the previous one; the line carries the period
            # the invoice pays for.
            period_end=item["current_period_start"],
            period_start=item["current_period_start"],
            receipt_number=None,
            starting_balance=0,
            status="open",
            status_transitions={
                "finalized_at": self.now(),
                "marked_uncollectible_at": None,
                "paid_at": None,
                "voided_at": None,
            },
            subtotal=amount,
            total=amount,
            total_discount_amounts=[],
            total_taxes=[],
            webhooks_delivered_at=self.now(),
        )
        invoice["hosted_invoice_url"] = f"{self.public_base}/i/{invoice['id']}"
        invoice["invoice_pdf"] = f"{self.public_base}/i/{invoice['id']}/pdf"
        line = {
            "id": f"il_{secrets.token_hex(12)}",
            "object": "line_item",
            "amount": amount,
            "currency": price["currency"],
            "description": f"{quantity} × {product['name']}",
            "discount_amounts": [],
            "discountable": True,
            "discounts": [],
            "invoice": invoice["id"],
            "livemode": False,
            "metadata": {},
            "parent": {
                "invoice_item_details": None,
                "subscription_item_details": {
                    "invoice_item": None,
                    "proration": False,
                    "proration_details": {"credited_items": None},
                    "subscription": subscription["id"],
                    "subscription_item": item["id"],
                },
                "type": "subscription_item_details",
            },
            "period": {"start": item["current_period_start"], "end": item["current_period_end"]},
            "pretax_credit_amounts": [],
            "pricing": {
                "price_details": {"price": price["id"], "product": product["id"]},
                "type": "price_details",
                "unit_amount_decimal": price["unit_amount_decimal"],
            },
            "quantity": quantity,
            "taxes": [],
        }
        invoice["lines"] = as_list(f"/v1/invoices/{invoice['id']}/lines", [line], total=True)
        invoice["_payments"] = []
        subscription["latest_invoice"] = invoice["id"]
        self.emit("invoice.created", invoice)
        self.emit("invoice.finalized", invoice)
        return invoice

    def _pay_invoice(self, invoice: dict[str, Any]) -> None:
        intent, _ = self._payment(
            customer=invoice["customer"],
            amount=invoice["amount_due"],
            currency=invoice["currency"],
            description="Subscription update"
            if invoice["billing_reason"] != "subscription_create"
            else "Subscription creation",
        )
        invoice["_payments"].append(
            self._base(
                "inpay",
                amount_paid=invoice["amount_due"],
                amount_requested=invoice["amount_due"],
                currency=invoice["currency"],
                invoice=invoice["id"],
                is_default=True,
                payment={"payment_intent": intent["id"], "type": "payment_intent"},
                status="paid",
                status_transitions={"canceled_at": None, "paid_at": self.now()},
            )
        )
        invoice.update(
            amount_paid=invoice["amount_due"],
            amount_remaining=0,
            attempt_count=invoice["attempt_count"] + 1,
            attempted=True,
            next_payment_attempt=None,
            status="paid",
        )
        invoice["status_transitions"]["paid_at"] = self.now()
        self.emit("invoice.paid", invoice)
        self.emit("invoice.payment_succeeded", invoice)

    def renew_subscription(self, subscription_id: str, *, paid: bool = True) -> list[dict]:
        """The billing period ends: Stripe opens the next one and invoices it. Unpaid, the
        invoice fails and the subscription goes `past_due`. Returns the events."""
        with self.lock:
            subscription = self.get(subscription_id, "sub")
            start = len(self.events)
            item = subscription["items"]["data"][0]
            if subscription["cancel_at_period_end"]:
                self._end(subscription)
                return [copy.deepcopy(e) for e in self.events[start:]]
            previous_item = copy.deepcopy(item)
            item["current_period_start"] = item["current_period_end"]
            item["current_period_end"] = period_end(
                item["current_period_start"], item["price"]["recurring"]
            )
            self.clock = max(self.now(), item["current_period_start"])
            self.emit(
                "customer.subscription.updated",
                subscription,
                {"items": {"data": [previous_item]}},
            )
            invoice = self._invoice(subscription, "subscription_cycle")
            if paid:
                self._pay_invoice(invoice)
            else:
                self.fail_invoice(invoice["id"])
            return [copy.deepcopy(e) for e in self.events[start:]]

    def fail_invoice(self, invoice_id: str, *, final: bool = False) -> list[dict]:
        """A payment attempt on `invoice_id` fails. The final one (Stripe's retry schedule
        exhausted) cancels the subscription, as the default dunning settings do."""
        with self.lock:
            invoice = self.get(invoice_id, "in")
            start = len(self.events)
            invoice["attempt_count"] += 1
            invoice["attempted"] = True
            invoice["next_payment_attempt"] = None if final else self.now() + 3 * 86_400
            self.emit("invoice.payment_failed", invoice)
            subscription = self.get(invoice["parent"]["subscription_details"]["subscription"])
            if final:
                self._end(subscription, reason="payment_failed")
            elif subscription["status"] != "past_due":
                previous = {"status": subscription["status"]}
                subscription["status"] = "past_due"
                self.emit("customer.subscription.updated", subscription, previous)
            return [copy.deepcopy(e) for e in self.events[start:]]

    def _end(self, subscription: dict[str, Any], reason: str = "cancellation_requested"):
        previous = {"status": subscription["status"]}
        subscription.update(status="canceled", ended_at=self.now(), canceled_at=self.now())
        subscription["cancellation_details"]["reason"] = reason
        self.emit("customer.subscription.deleted", subscription, previous)

    def update_subscription(self, subscription_id: str, params: dict[str, Any]) -> dict:
        """POST /v1/subscriptions/{id}: cancel at period end (or undo it), metadata, or a
        plan change (items[0][id] with a new price, prorated)."""
        subscription = self.get(subscription_id, "sub")
        if subscription["status"] in ("canceled", "incomplete_expired"):
            raise StripeError(
                400,
                "A canceled subscription can only update its cancellation_details and metadata.",
            )
        previous: dict[str, Any] = {}
        if "cancel_at_period_end" in params:
            value = _flag(params["cancel_at_period_end"])
            if value != subscription["cancel_at_period_end"]:
                item = subscription["items"]["data"][0]
                previous.update(
                    cancel_at_period_end=subscription["cancel_at_period_end"],
                    cancel_at=subscription["cancel_at"],
                )
                subscription["cancel_at_period_end"] = value
                subscription["cancel_at"] = item["current_period_end"] if value else None
                subscription["canceled_at"] = self.now() if value else None
        for change in _indexed(params.get("items")):
            item = next(
                (i for i in subscription["items"]["data"] if i["id"] == change.get("id")), None
            )
            if item is None:
                raise missing("subscription item", change.get("id") or "", "items")
            if change.get("price"):
                previous.setdefault("items", copy.deepcopy(subscription["items"]))
                item["price"] = copy.deepcopy(self.get(change["price"], "price"))
            if change.get("quantity"):
                item["quantity"] = int(change["quantity"])
        if params.get("metadata"):
            previous["metadata"] = dict(subscription["metadata"])
            subscription["metadata"].update(params["metadata"])
        if previous:
            self.emit("customer.subscription.updated", subscription, previous)
        return subscription

    def pause_subscription(self, subscription_id: str) -> list[dict]:
        """The period (a trial) ends with no payment method to charge, and the subscription's
        `trial_settings` say pause: it is `paused` and invoices nothing until resumed.
        Returns the events."""
        with self.lock:
            subscription = self.get(subscription_id, "sub")
            start = len(self.events)
            item = subscription["items"]["data"][0]
            self.clock = max(self.now(), item["current_period_end"])
            previous = {"status": subscription["status"]}
            subscription["status"] = "paused"
            self.emit("customer.subscription.paused", subscription, previous)
            self.emit("customer.subscription.updated", subscription, previous)
            return [copy.deepcopy(e) for e in self.events[start:]]

    def resume_subscription(self, subscription_id: str, params: dict[str, Any]) -> dict:
        """POST /v1/subscriptions/{id}/resume: a paused subscription starts a new period now
        (`billing_cycle_anchor=now`, the default), invoiced and paid at once."""
        with self.lock:
            subscription = self.get(subscription_id, "sub")
            if subscription["status"] != "paused":
                raise StripeError(400, "Only a paused subscription can be resumed.")
            if params.get("billing_cycle_anchor", "now") != "now":
                raise StripeError(400, "The fake resumes with billing_cycle_anchor=now only.")
            item = subscription["items"]["data"][0]
            item["current_period_start"] = self.now()
            item["current_period_end"] = period_end(self.now(), item["price"]["recurring"])
            subscription["billing_cycle_anchor"] = self.now()
            self._pay_invoice(self._invoice(subscription, "subscription_cycle"))
            previous = {"status": "paused"}
            subscription["status"] = "active"
            self.emit("customer.subscription.resumed", subscription, previous)
            self.emit("customer.subscription.updated", subscription, previous)
            return subscription

    def cancel_subscription(self, subscription_id: str) -> dict[str, Any]:
        """DELETE /v1/subscriptions/{id}: cancel now."""
        subscription = self.get(subscription_id, "sub")
        if subscription["status"] == "canceled":
            raise missing("subscription", subscription_id)
        self._end(subscription)
        return subscription

    # -- money going back --------------------------------------------------------------------

    def create_refund(self, params: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/refunds (by charge or payment_intent; all that is left by default)."""
        with self.lock:
            if params.get("payment_intent"):
                intent = self.get(params["payment_intent"], "pi")
                charge = self.get(intent["latest_charge"])
            else:
                charge = self.get(params.get("charge") or "", "ch")
            left = charge["amount"] - charge["amount_refunded"]
            amount = int(params.get("amount") or left)
            if left <= 0:
                raise StripeError(
                    400,
                    f"Charge {charge['id']} has already been refunded.",
                    code="charge_already_refunded",
                )
            if amount > left:
                raise StripeError(
                    400,
                    f"Refund amount ({amount}) is greater than unrefunded "
                    f"amount on charge ({left})",
                    param="amount",
                )
            refund = self._base(
                "re",
                amount=amount,
                balance_transaction=None,
                charge=charge["id"],
                currency=charge["currency"],
                destination_details={"type": "card"},
                metadata=dict(params.get("metadata") or {}),
                payment_intent=charge["payment_intent"],
                reason=params.get("reason"),
                receipt_number=None,
                status="succeeded",
            )
            previous = {"amount_refunded": charge["amount_refunded"], "refunded": False}
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            self.emit("refund.created", refund)
            self.emit("charge.refunded", charge, previous)
            return refund

    def open_dispute(self, charge_id: str, *, amount: int | None = None) -> dict[str, Any]:
        """The cardholder's bank opens a dispute. Returns the `charge.dispute.created` event."""
        with self.lock:
            charge = self.get(charge_id, "ch")
            dispute = self._base(
                "dp",
                amount=amount or charge["amount"] - charge["amount_refunded"],
                balance_transactions=[],
                charge=charge["id"],
                currency=charge["currency"],
                evidence={"customer_name": None, "uncategorized_text": None},
                evidence_details={
                    "due_by": self.now() + 7 * 86_400,
                    "has_evidence": False,
                    "past_due": False,
                    "submission_count": 0,
                },
                is_charge_refundable=False,
                metadata={},
                payment_intent=charge["payment_intent"],
                reason="fraudulent",
                status="needs_response",
            )
            charge["disputed"] = True
            return self.emit("charge.dispute.created", dispute)

    def close_dispute(self, dispute_id: str, *, won: bool = True) -> list[dict[str, Any]]:
        """The bank decides a dispute. Won, the money comes back (`funds_reinstated`) before
        `closed`; lost, only `closed`. Returns the events."""
        with self.lock:
            dispute = self.get(dispute_id, "dp")
            if dispute["status"] in ("won", "lost"):
                raise StripeError(400, f"Dispute {dispute_id} is closed already.")
            start = len(self.events)
            previous = {"status": dispute["status"]}
            dispute["status"] = "won" if won else "lost"
            if won:
                self.emit("charge.dispute.funds_reinstated", dispute)
            self.emit("charge.dispute.closed", dispute, previous)
            return [copy.deepcopy(e) for e in self.events[start:]]

    # -- reading -------------------------------------------------------------------------------

    def expanded(self, obj: dict[str, Any], expand: list[str]) -> dict[str, Any]:
        """A public copy of `obj` with the `expand` paths (`customer`, `data.product`,
        `line_items`, `payments`, ...) replaced by the objects they name."""
        result = _public(obj)
        for path in expand:
            _expand_path(self, obj, result, path.split("."))
        return result

    def listing(self, prefix: str, filters: dict[str, Any], url: str) -> list[dict[str, Any]]:
        """The objects of one type matching `filters`, newest first (Stripe's list order)."""
        name, _ = RESOURCES[prefix]
        found = []
        for obj in self.objects.values():
            if obj["object"] != name or not _matches(obj, filters):
                continue
            found.append(obj)
        found.sort(key=lambda o: (o["created"], o["id"]), reverse=True)
        return found


def _matches(obj: dict[str, Any], filters: dict[str, Any]) -> bool:
    for key, wanted in filters.items():
        if key == "status" and wanted == "all":
            continue
        if key == "lookup_keys":
            if obj.get("lookup_key") not in _indexed(wanted):
                return False
            continue
        if key == "subscription" and obj["object"] == "invoice":
            actual = obj["parent"]["subscription_details"]["subscription"]
        elif key == "subscription" and obj["object"] == "subscription_item":
            actual = obj["subscription"]
        elif key == "created" or key == "expand":
            continue
        else:
            actual = obj.get(key)
        if isinstance(actual, bool):
            wanted = _flag(wanted)
        if actual != wanted:
            return False
    return True


def _expand_path(world: StripeWorld, source: dict, target: dict, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if head == "data" and target.get("object") == "list":
        for src, tgt in zip(source.get("data", []), target["data"], strict=False):
            _expand_path(world, src, tgt, rest)
        return
    if head == "line_items" and source.get("object") == "checkout.session":
        target["line_items"] = as_list(
            f"/v1/checkout/sessions/{source['id']}/line_items",
            copy.deepcopy(source["_line_items"]),
        )
    elif head == "payments" and source.get("object") == "invoice":
        target["payments"] = as_list(
            f"/v1/invoice_payments?invoice={source['id']}", copy.deepcopy(source["_payments"])
        )
    elif isinstance(target.get(head), str) and target[head] in world.objects:
        target[head] = _public(world.objects[target[head]])
    if rest and isinstance(target.get(head), dict):
        _expand_path(
            world, world.objects.get(target[head].get("id"), target[head]), target[head], rest
        )


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    """A deep copy without the fake's private bookkeeping (keys starting with `_`)."""
    return {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}


def _flag(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() == "true"


def _indexed(value: Any) -> list[Any]:
    """Form arrays arrive as {"0": ..., "1": ...} (the client's `key[0]` encoding) or lists."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [value[k] for k in sorted(value, key=int)]
    return list(value)
