from django.conf import settings
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
