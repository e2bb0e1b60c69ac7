from django.contrib import admin, messages
from django.db import models

from .errors import DomainError
from .models import AuditEntry, SiteConfig
from .services import audit_log, diff

# Fields whose values are never copied into the audit log, only the fact that they changed:
# any field with one of these in its name (password, password1, password2, usable_password...).
SECRET_MARKERS = ("password", "secret", "token")


def _plain(value):
    """A form value as the audit log stores it: rows by id, many rows as a list of ids."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(_plain(item) for item in value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def form_changes(form, *, added: bool) -> dict:
    """{"field": {"before", "after"}} of what an admin form changed."""
    fields = form.changed_data
    before = {} if added else {name: _plain(form.initial.get(name)) for name in fields}
    after = {name: _plain(form.cleaned_data.get(name)) for name in fields}
    changes = diff(before, after)
    for name in changes:
        if any(marker in name for marker in SECRET_MARKERS):
            changes[name] = {"before": "(hidden)", "after": "(changed)"}
    return changes


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete made through this admin page writes an audit record
    (`<model>.add`, `<model>.change` with the changed fields, `<model>.delete`); actions go
    through services, which record their own, and through `run_action`, which also leaves
    Django's admin log entry."""

    def _action(self, verb: str) -> str:
        return f"{self.model._meta.model_name}.{verb}"

    def persist(self, request, obj, form, change) -> None:
        """How the row is saved (a subclass that saves through a service overrides this)."""
        super().save_model(request, obj, form, change)

    def remove(self, request, obj) -> None:
        """How a row is deleted (a subclass that deletes through a service overrides this)."""
        super().delete_model(request, obj)

    def save_model(self, request, obj, form, change):
        changes = form_changes(form, added=not change)
        self.persist(request, obj, form, change)
        if changes or not change:
            audit_log(
                actor=request.user,
                action=self._action("change" if change else "add"),
                target=obj,
                changes=changes,
            )

    def delete_model(self, request, obj):
        audit_log(actor=request.user, action=self._action("delete"), target=obj)
        self.remove(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def run_action(self, request, queryset, action, verb: str) -> int:
        """Call `action(obj)` (a service that records its own audit entry) on each selected
        row: refusals are shown, successes counted and written to Django's admin log."""
        done = 0
        for obj in queryset:
            try:
                action(obj)
            except DomainError as exc:
                self.message_user(request, f"{obj}: {exc.detail}", messages.WARNING)
                continue
            done += 1
            self.log_change(request, obj, verb)
        self.message_user(request, f"{verb}: {done} of {len(queryset)}.")
        return done


@admin.register(SiteConfig)
class SiteConfigAdmin(admin.ModelAdmin):
    """The single configuration row: it can be edited, never added twice or deleted. Saving
    goes through `site_config_update` (the audit record with before and after)."""

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
        from .services import SITE_CONFIG_FIELDS, site_config_update

        data = {name: form.cleaned_data[name] for name in SITE_CONFIG_FIELDS}
        saved = site_config_update(data=data, user=request.user)
        obj.pk, obj.updated_at, obj.updated_by = saved.pk, saved.updated_at, saved.updated_by


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes an audit record through the admin."""

    list_display = [
        "created_at",
        "actor_email",
        "action",
        "target_type",
        "target_repr",
        "source",
        "ip",
    ]
    list_filter = ["source", "action", "target_type", "created_at"]
    search_fields = ["actor_email", "target_repr", "target_id", "reason", "request_id", "command"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in AuditEntry._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
