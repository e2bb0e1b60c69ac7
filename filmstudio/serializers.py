from rest_framework import serializers

from .models import SiteConfig
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


class ErrorSerializer(serializers.Serializer):
    """The one error shape (filmstudio/errors.py), as the schema documents it."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text="Machine-readable: branch on this, not on detail.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per field (dotted path for nested ones): what is wrong with it.",
    )
