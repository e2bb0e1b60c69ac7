from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class SiteConfig(models.Model):
    """The one row of site-wide settings staff change at run time (admin and API): read by
    accounts (registration mode) and the media library (upload limits), so it lives below both.

    Until staff first save it there is no row and the field defaults apply."""

    SINGLETON_ID = 1

    class RegistrationMode(models.TextChoices):
        OPEN = "open", "Open"
        INVITATION_ONLY = "invitation_only", "Invitation only"

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    # 5 GiB: a long 1080p master fits; larger files belong in the resumable protocol anyway.
    max_file_size_bytes = models.PositiveBigIntegerField(default=5 * 1024**3)
    # 20 GiB a week per uploader keeps one account from filling the disk.
    weekly_upload_quota_bytes = models.PositiveBigIntegerField(default=20 * 1024**3)
    keep_originals = models.BooleanField(default=False)
    registration_mode = models.CharField(
        max_length=16, choices=RegistrationMode.choices, default=RegistrationMode.OPEN
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        # The table the media library created: the model moved here, its rows did not move.
        db_table = "media_library_siteconfig"
        verbose_name = "site configuration"
        verbose_name_plural = "site configuration"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="siteconfig_single_row")
        ]

    def __str__(self) -> str:
        return "Site configuration"


class AuditEntry(models.Model):
    """One staff action, as it happened: who, what (action and target), the fields it changed
    (before and after), why, from where, when. Append-only: written by `audit_log`, never
    changed or deleted (a database trigger refuses UPDATE and DELETE; the admin page is
    read-only).

    The actor is a plain reference (no foreign key constraint, nothing cascades into this
    table) plus the email they had, so a record outlives its actor's account unchanged."""

    class Source(models.TextChoices):
        API = "api", "REST API"
        ADMIN = "admin", "Admin site"
        COMMAND = "command", "manage.py command"
        SYSTEM = "system", "System"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    # {"field": {"before": ..., "after": ...}} for the fields the action changed.
    changes = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.SYSTEM)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    command = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["actor", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email or '-'} {self.action}"
