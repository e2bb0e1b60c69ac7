from django.conf import settings
from django.db import models
from django.db.models import F, Q


def plan_choices() -> list[tuple[str, str]]:
    """Kept for migration 0003 (which names it); the plans are the Plan table now."""
    return list(Plan.objects.values_list("code", "name"))


def default_plan() -> str:
    """The plan every account starts on and falls back to (settings.DEFAULT_PLAN)."""
    return settings.DEFAULT_PLAN


class OnSale(models.Model):
    """What plans and credit packs share: a row of the catalogue sold at one Stripe Price.
    Data, not code: edited in the admin, tied to Stripe by `manage.py billing_sync`."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=80)
    price_cents = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="usd")
    stripe_price_id = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True, help_text="Listed and on sale.")
    sort_order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_price_id"],
                condition=~Q(stripe_price_id=""),
                name="%(app_label)s_%(class)s_one_row_per_price",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def purchasable(self) -> bool:
        return self.is_active and bool(self.stripe_price_id)


class Plan(OnSale):
    """A subscription plan: the credits each paid period grants, sold at a recurring Stripe
    Price. The default plan (settings.DEFAULT_PLAN, `free`) has no price; its allowance comes
    from beat every calendar month."""

    class Interval(models.TextChoices):
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    monthly_allowance = models.PositiveIntegerField(
        help_text="Credits granted for each paid period; unused ones expire at its end."
    )
    interval = models.CharField(max_length=8, choices=Interval.choices, default=Interval.MONTH)

    class Meta(OnSale.Meta):
        ordering = ["sort_order", "price_cents", "code"]
        constraints = [
            *OnSale.Meta.constraints,
            models.CheckConstraint(
                condition=Q(interval__in=["month", "year"]), name="billing_plan_interval_valid"
            ),
        ]


class CreditPack(OnSale):
    """Credits sold once, at a one-time Stripe Price; purchased credits never expire."""

    credits = models.PositiveIntegerField()

    class Meta(OnSale.Meta):
        ordering = ["sort_order", "credits", "code"]
        constraints = [
            *OnSale.Meta.constraints,
            models.CheckConstraint(
                condition=Q(credits__gt=0), name="billing_pack_credits_positive"
            ),
        ]


class CreditAccount(models.Model):
    """A user's credits. The balance only changes through `billing.services`, which also
    writes the matching ledger row; the database refuses a negative balance outright.

    `allowance` is the part of the balance that expires at `allowance_expires_at` (the plan's
    credits for the current period, spent first); the rest (purchases, grants) never expires.
    `shortfall` is what refunds and disputes could not take back because it was spent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_account"
    )
    plan = models.ForeignKey(
        Plan,
        to_field="code",
        db_column="plan",
        on_delete=models.PROTECT,
        default=default_plan,
        related_name="accounts",
    )
    balance = models.BigIntegerField(default=0)
    allowance = models.BigIntegerField(default=0)
    allowance_expires_at = models.DateTimeField(null=True, blank=True)
    # The period the allowance belongs to: the Stripe invoice that paid it, or "free:YYYY-MM".
    allowance_period = models.CharField(max_length=255, blank=True)
    shortfall = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["allowance_expires_at"],
                condition=Q(allowance__gt=0),
                name="billing_account_allowance_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="billing_account_balance_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(allowance__gte=0) & Q(allowance__lte=F("balance")),
                name="billing_account_allowance_within_balance",
            ),
            models.CheckConstraint(
                condition=Q(shortfall__gte=0), name="billing_account_shortfall_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.balance} credits, {self.plan_id})"


class CreditTransaction(models.Model):
    """One line of the append-only ledger. The sum of `amount` over an account equals its
    balance and the sum of `allowance_amount` its allowance; `idempotency_key` makes every
    movement happen at most once. Movements caused by Stripe carry the Stripe object's id
    (`payment_reference`: checkout session, invoice, refund or dispute), the event that
    delivered it and the PaymentIntent that paid for the credits."""

    class Kind(models.TextChoices):
        GRANT = "grant", "Grant"
        PURCHASE = "purchase", "Purchase"
        RESERVE = "reserve", "Reserve"
        CAPTURE = "capture", "Capture"
        REFUND = "refund", "Refund"
        MONTHLY_ALLOWANCE = "monthly_allowance", "Monthly allowance"
        EXPIRE = "expire", "Expiry"
        CLAWBACK = "clawback", "Claw-back"
        REINSTATE = "reinstate", "Dispute won"
        ADMIN_ADJUST = "admin_adjust", "Admin adjustment"

    account = models.ForeignKey(CreditAccount, on_delete=models.CASCADE, related_name="ledger")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Signed: reservations are negative, grants and refunds positive, a capture is 0 (the
    # credits already left the balance when reserved; capture makes the charge final).
    amount = models.BigIntegerField()
    # The part of `amount` that moved the expiring allowance (same sign).
    allowance_amount = models.BigIntegerField(default=0)
    balance_after = models.BigIntegerField()
    # A claw-back's credits the balance could not cover (added to the account's shortfall);
    # on a reinstatement (a dispute won), negative: the part of that shortfall it cleared. The
    # lines sum to the account's shortfall.
    shortfall = models.BigIntegerField(default=0)
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="credit_moves"
    )
    payment_reference = models.CharField(max_length=200, blank=True)
    stripe_event = models.CharField(max_length=255, blank=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-created_at"]),
            models.Index(fields=["account", "kind", "-created_at"]),
            models.Index(
                fields=["stripe_payment_intent"],
                condition=~Q(stripe_payment_intent=""),
                name="billing_tx_by_payment_intent",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0),
                name="billing_tx_balance_after_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(shortfall__gte=0) | Q(kind="reinstate"),
                name="billing_tx_shortfall_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount:+d} → {self.balance_after}"


class Checkout(models.Model):
    """A Stripe Checkout Session opened for a user: a plan's subscription or a credit pack.
    Credits are granted by the webhook (from what Stripe says was paid), never from here."""

    class Mode(models.TextChoices):
        SUBSCRIPTION = "subscription", "Subscription"
        PAYMENT = "payment", "Top-up"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETE = "complete", "Complete"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkouts"
    )
    stripe_id = models.CharField(max_length=255, unique=True)
    mode = models.CharField(max_length=16, choices=Mode.choices)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True)
    pack = models.ForeignKey(CreditPack, on_delete=models.PROTECT, null=True, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    url = models.URLField(max_length=2000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "mode", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(mode="subscription", plan__isnull=False, pack__isnull=True)
                    | Q(mode="payment", pack__isnull=False, plan__isnull=True)
                ),
                name="billing_checkout_sells_one_thing",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="billing_checkout_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.stripe_id} ({self.status})"
