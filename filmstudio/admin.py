from django.contrib import admin

from .models import SiteConfig


@admin.register(SiteConfig)
class SiteConfigAdmin(admin.ModelAdmin):
    """The single configuration row: it can be edited, never added twice or deleted."""

    list_display = [
        "__str__",
        "max_file_size_bytes",
        "weekly_upload_quota_bytes",
        "keep_originals",
        "registration_mode",
        "updated_at",
    ]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request) -> bool:
        return not SiteConfig.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
