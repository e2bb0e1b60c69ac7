from django.conf import settings
from django.db import models


def plan_choices() -> list[tuple[str, str]]:
    """The plans, from their one definition: settings.CREDIT_PLANS (settings/billing.py)."""
    return [(code, plan["name"]) for code, plan in settings.CREDIT_PLANS.items()]


def default_plan() -> str:
    return settings.DEFAULT_PLAN


class CreditAccount(models.Model):
    """A user's credits. The balance only changes through `billing.services`, which also
    writes the matching ledger row; the database refuses a negative balance outright."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_account"
    )
    plan = models.CharField(max_length=16, choices=plan_choices, default=default_plan)
    balance = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="billing_account_balance_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.balance} credits, {self.plan})"


class CreditTransaction(models.Model):
    """One line of the append-only ledger. The sum of `amount` over an account equals its
    balance; `idempotency_key` makes every movement happen at most once."""

    class Kind(models.TextChoices):
        GRANT = "grant", "Grant"
        PURCHASE = "purchase", "Purchase"
        RESERVE = "reserve", "Reserve"
        CAPTURE = "capture", "Capture"
        REFUND = "refund", "Refund"
        MONTHLY_ALLOWANCE = "monthly_allowance", "Monthly allowance"
        ADMIN_ADJUST = "admin_adjust", "Admin adjustment"

    account = models.ForeignKey(CreditAccount, on_delete=models.CASCADE, related_name="ledger")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Signed: reservations are negative, grants and refunds positive, a capture is 0 (the
    # credits already left the balance when reserved; capture makes the charge final).
    amount = models.BigIntegerField()
    balance_after = models.BigIntegerField()
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="credit_moves"
    )
    payment_reference = models.CharField(max_length=200, blank=True)
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
        indexes = [models.Index(fields=["account", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0),
                name="billing_tx_balance_after_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount:+d} → {self.balance_after}"
