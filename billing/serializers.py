from rest_framework import serializers

from .models import CreditTransaction


class PlanSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    monthly_allowance = serializers.IntegerField()
    price_cents = serializers.IntegerField()


class BalanceSerializer(serializers.Serializer):
    balance = serializers.IntegerField()
    plan = serializers.CharField()


class CreditTransactionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditTransaction
        fields = ["id", "kind", "amount", "balance_after", "job", "reason", "created_at"]
        read_only_fields = fields


class GrantCreditsSerializer(serializers.Serializer):
    # A grant only adds: a stray minus sign must not silently take credits away (removals are
    # an `admin_adjust` through billing.services, on purpose). A single grant is bounded so a
    # typo (an extra zero or three) cannot mint a fortune.
    amount = serializers.IntegerField(min_value=1, max_value=1_000_000)
    reason = serializers.CharField(max_length=300)


class GrantResultSerializer(serializers.Serializer):
    transaction = CreditTransactionSerializer()
    balance = serializers.IntegerField()
