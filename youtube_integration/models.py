"""YouTube publishing: connected channels, consent requests in flight, uploads and quota.

Tokens are stored only as Fernet ciphertexts (youtube_integration.tokens) in fields whose
names say so; no serializer, admin page or log line reads them.
"""

from django.conf import settings
from django.db import models


class ChannelConnection(models.Model):
    """A YouTube channel a user connected through Google's consent screen."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        # Google refused the refresh token (revoked, or a test-mode app's 7-day expiry):
        # the user must go through the consent screen again.
        RECONNECT_REQUIRED = "reconnect_required", "Reconnect required"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="youtube_connections"
    )
    channel_id = models.CharField(max_length=64)
    channel_title = models.CharField(max_length=200, blank=True)
    channel_thumbnail_url = models.URLField(max_length=500, blank=True)
    # What the user actually granted (the consent screen lets them untick scopes).
    scopes = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.ACTIVE)
    access_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    connected_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-connected_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "channel_id"], name="youtube_connection_owner_channel_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_title or self.channel_id} ({self.status})"


class OAuthRequest(models.Model):
    """A consent URL handed out and not used yet: the `state` Google echoes back, bound to the
    user who asked for it, and the PKCE verifier the code exchange must present. One use."""

    state = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_verifier_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"consent request of user {self.user_id}"


class Upload(models.Model):
    """One publication of a film (or a library video) to a channel: its metadata, the resumable
    session, and how far each step (upload, thumbnail, captions, playlist) has come."""

    class Privacy(models.TextChoices):
        PRIVATE = "private", "Private"
        UNLISTED = "unlisted", "Unlisted"
        PUBLIC = "public", "Public"

    class Status(models.TextChoices):
        """Where the publication stands on YouTube's side; failure, cancel and retry are the
        job's (Upload.job), like every job's."""

        PENDING = "pending", "Pending"
        UPLOADING = "uploading", "Uploading"
        # The video exists on YouTube; thumbnail, captions and playlist may still follow.
        UPLOADED = "uploaded", "Uploaded"
        PUBLISHED = "published", "Published"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="youtube_uploads"
    )
    # Kept when the channel is disconnected: the video stays on YouTube and in the list.
    connection = models.ForeignKey(
        ChannelConnection, on_delete=models.SET_NULL, null=True, blank=True, related_name="uploads"
    )
    channel_id = models.CharField(max_length=64)
    channel_title = models.CharField(max_length=200, blank=True)
    job = models.OneToOneField(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="youtube_upload",
    )
    # The source: a project's film asset, or a library video (its best rendition).
    project = models.ForeignKey(
        "projects.Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    film = models.ForeignKey(
        "projects.Asset", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    video = models.ForeignKey(
        "media_library.Video", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    thumbnail = models.ForeignKey(
        "projects.Asset", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    captions = models.ForeignKey(
        "projects.Asset", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    caption_language = models.CharField(max_length=16, default="en")
    attach_thumbnail = models.BooleanField(default=True)

    title = models.CharField(max_length=100)
    description = models.TextField(max_length=5000, blank=True)
    tags = models.JSONField(default=list, blank=True)
    category_id = models.CharField(max_length=8, default="1")  # 1 = Film & Animation
    privacy = models.CharField(max_length=8, choices=Privacy.choices, default=Privacy.PRIVATE)
    publish_at = models.DateTimeField(null=True, blank=True)
    made_for_kids = models.BooleanField(default=False)
    playlist_id = models.CharField(max_length=64, blank=True)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # The resumable session: where the bytes go and how many Google has confirmed.
    session_uri = models.TextField(blank=True, editable=False)
    total_bytes = models.PositiveBigIntegerField(default=0)
    bytes_sent = models.PositiveBigIntegerField(default=0)
    youtube_video_id = models.CharField(max_length=32, blank=True, db_index=True)
    thumbnail_set = models.BooleanField(default=False)
    caption_id = models.CharField(max_length=128, blank=True)
    playlist_item_id = models.CharField(max_length=128, blank=True)
    upload_status = models.CharField(max_length=32, blank=True)  # videos.list status.uploadStatus
    processing_status = models.CharField(max_length=32, blank=True)
    processing_checked_at = models.DateTimeField(null=True, blank=True)
    # {"captions": 2, ...}: inserts tried per step; a repeat looks for the first one's result
    # before inserting again (a crash may fall between Google's answer and our save).
    step_tries = models.JSONField(default=dict, blank=True)
    quota_units = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(bytes_sent__lte=models.F("total_bytes")),
                name="youtube_upload_sent_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(film__isnull=True) | models.Q(video__isnull=True),
                name="youtube_upload_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.channel_title or self.channel_id} ({self.status})"

    @property
    def url(self) -> str:
        return (
            f"https://www.youtube.com/watch?v={self.youtube_video_id}"
            if self.youtube_video_id
            else ""
        )


class QuotaUsage(models.Model):
    """Data API units one Google Cloud project spent on one quota day (Pacific time)."""

    day = models.DateField()
    cloud_project = models.CharField(max_length=100)
    units = models.PositiveIntegerField(default=0)
    # {"videos.insert": 1600, ...}: where the units went.
    by_method = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day", "cloud_project"]
        verbose_name_plural = "quota usage"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "cloud_project"], name="youtube_quota_day_project_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cloud_project} {self.day}: {self.units} units"
