from datetime import UTC, datetime

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import CreditPack, CreditTransaction, Plan


class PlanSerializer(serializers.ModelSerializer):
    purchasable = serializers.BooleanField(
        read_only=True, help_text="On sale: tied to a Stripe price (the default plan never is)."
    )

    class Meta:
        model = Plan
        fields = [
            "code",
            "name",
            "monthly_allowance",
            "price_cents",
            "currency",
            "interval",
            "purchasable",
        ]
        read_only_fields = fields


class CreditPackSerializer(serializers.ModelSerializer):
    purchasable = serializers.BooleanField(read_only=True)

    class Meta:
        model = CreditPack
        fields = ["code", "name", "credits", "price_cents", "currency", "purchasable"]
        read_only_fields = fields


class BalanceSerializer(serializers.Serializer):
    balance = serializers.IntegerField()
    plan = serializers.CharField()


class CreditTransactionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(
        source="payment_reference",
        read_only=True,
        help_text="The Stripe object behind the line: checkout session, invoice, refund, "
        "dispute (empty for other lines).",
    )

    class Meta:
        model = CreditTransaction
        fields = [
            "id",
            "kind",
            "amount",
            "balance_after",
            "job",
            "reference",
            "reason",
            "created_at",
        ]
        read_only_fields = fields


class TransactionFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CreditTransaction.Kind.choices, required=False)


class GrantCreditsSerializer(serializers.Serializer):
    # A grant only adds: a stray minus sign must not silently take credits away (removals are
    # an `admin_adjust` through billing.services, on purpose). A single grant is bounded so a
    # typo (an extra zero or three) cannot mint a fortune.
    amount = serializers.IntegerField(min_value=1, max_value=1_000_000)
    reason = serializers.CharField(max_length=300)


class GrantResultSerializer(serializers.Serializer):
    transaction = CreditTransactionSerializer()
    balance = serializers.IntegerField()


class SubscriptionCheckoutSerializer(serializers.Serializer):
    plan = serializers.SlugField(max_length=32, help_text="A plan's code (GET /plans).")


class TopUpSerializer(serializers.Serializer):
    pack = serializers.SlugField(
        max_length=32, help_text="A credit pack's code (GET /credits/packs)."
    )
    quantity = serializers.IntegerField(min_value=1, default=1)

    def validate_quantity(self, value: int) -> int:
        if value > settings.BILLING_TOPUP_MAX_QUANTITY:
            raise serializers.ValidationError(
                f"At most {settings.BILLING_TOPUP_MAX_QUANTITY} packs at once."
            )
        return value


class RedirectSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The Stripe Checkout or Billing Portal session.")
    url = serializers.URLField(help_text="Where to send the browser.")
    kind = serializers.ChoiceField(
        choices=["checkout", "portal"],
        help_text="`portal` when a live subscription changes plan in the Billing Portal.",
    )


class PlanBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["code", "name", "monthly_allowance"]
        read_only_fields = fields


class SubscriptionSerializer(serializers.Serializer):
    plan = PlanBriefSerializer()
    status = serializers.CharField(
        help_text="Stripe's status (active, trialing, past_due, unpaid, incomplete...), or "
        "`active` on the default plan."
    )
    current_period_end = serializers.DateTimeField(allow_null=True)
    cancel_at_period_end = serializers.BooleanField()
    allowance_left = serializers.IntegerField(help_text="Allowance credits left this period.")
    balance = serializers.IntegerField()
    stripe_subscription = serializers.CharField(allow_null=True)


def _iso(timestamp) -> str | None:
    """A Stripe timestamp (seconds since the epoch) as an ISO 8601 date-time."""
    return datetime.fromtimestamp(int(timestamp), UTC).isoformat() if timestamp else None


class InvoiceSerializer(serializers.Serializer):
    """An invoice from dj-stripe's mirror (the fields Stripe sent, under `stripe_data`)."""

    id = serializers.CharField()
    number = serializers.CharField(source="stripe_data.number", allow_null=True)
    status = serializers.CharField(source="stripe_data.status")
    currency = serializers.CharField(source="stripe_data.currency")
    amount_due = serializers.IntegerField(source="stripe_data.amount_due")
    amount_paid = serializers.IntegerField(source="stripe_data.amount_paid")
    period_start = serializers.SerializerMethodField()
    period_end = serializers.SerializerMethodField()
    hosted_invoice_url = serializers.URLField(
        source="stripe_data.hosted_invoice_url", allow_null=True
    )
    invoice_pdf = serializers.URLField(source="stripe_data.invoice_pdf", allow_null=True)
    created = serializers.DateTimeField()

    def _period(self, invoice) -> dict:
        # The period the invoice pays for is its lines' (Stripe's invoice-level period is the
        # one before, for subscription invoices).
        lines = (invoice.stripe_data.get("lines") or {}).get("data") or []
        periods = [line["period"] for line in lines if line.get("period")]
        if not periods:
            data = invoice.stripe_data
            return {"start": data.get("period_start"), "end": data.get("period_end")}
        return {"start": min(p["start"] for p in periods), "end": max(p["end"] for p in periods)}

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_period_start(self, invoice):
        return _iso(self._period(invoice)["start"])

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_period_end(self, invoice):
        return _iso(self._period(invoice)["end"])
