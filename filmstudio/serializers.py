from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from .analytics import INTERVALS, MAX_BUCKETS, Window
from .models import AuditEntry, SiteConfig
from .services import SITE_CONFIG_FIELDS


class SiteConfigSerializer(serializers.ModelSerializer):
    class Meta:
        model = SiteConfig
        fields = [*SITE_CONFIG_FIELDS, "updated_at", "updated_by"]
        read_only_fields = ["updated_at", "updated_by"]
        extra_kwargs = {
            "max_file_size_bytes": {"min_value": 1},
            "weekly_upload_quota_bytes": {"min_value": 0},
        }


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_email",
            "action",
            "target_type",
            "target_id",
            "target_repr",
            "changes",
            "reason",
            "source",
            "ip",
            "user_agent",
            "command",
            "request_id",
        ]
        read_only_fields = fields


class AuditFilterSerializer(serializers.Serializer):
    actor = serializers.IntegerField(required=False, min_value=1, help_text="User id.")
    action = serializers.CharField(
        required=False, max_length=64, help_text='Exact, or a prefix ending in "." (`user.`).'
    )
    target_type = serializers.CharField(required=False, max_length=100, help_text="accounts.user")
    target_id = serializers.CharField(required=False, max_length=64)
    source = serializers.ChoiceField(choices=AuditEntry.Source.choices, required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class AnalyticsQuerySerializer(serializers.Serializer):
    # `from` is a Python keyword: the field is renamed in to_internal_value's output.
    interval = serializers.ChoiceField(choices=INTERVALS, default="day")
    to = serializers.DateField(required=False, help_text="Last day, inclusive (default today).")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False, help_text="First day, inclusive (default 30 days before `to`)."
        )
        return fields

    def validate(self, attrs):
        last = attrs.get("to") or timezone.now().date()
        first = attrs.get("from") or last - timedelta(days=29)
        if first > last:
            raise serializers.ValidationError({"from": ["`from` must not be after `to`."]})
        window = Window.of(first=first, last=last, interval=attrs["interval"])
        if len(window.buckets()) > MAX_BUCKETS:
            raise serializers.ValidationError(
                {"from": [f"At most {MAX_BUCKETS} buckets: ask by the week for longer ranges."]}
            )
        return {"window": window}


class AnalyticsSerializer(serializers.Serializer):
    interval = serializers.CharField()
    buckets = serializers.ListField(child=serializers.DateField())
    series = serializers.DictField(
        child=serializers.JSONField(),
        help_text="name → one value per bucket, or group (job type, currency) → values.",
    )
    totals = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Per source: stage seconds (median, p95), top failure codes...",
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields


class ErrorSerializer(serializers.Serializer):
    """The one error shape (filmstudio/errors.py), as the schema documents it."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text="Machine-readable: branch on this, not on detail.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per field (dotted path for nested ones): what is wrong with it.",
    )
