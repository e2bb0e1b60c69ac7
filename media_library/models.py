import uuid

from django.conf import settings
from django.db import models


class Category(models.Model):
    """A shelf of the library. The slug is derived from the name and stays unique."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Rendition(models.TextChoices):
    """A rendition is named by the most lines it may have: `720p` is at most 720 lines high
    (short side), never upscaled; a 240-line source is stored as the `480p` rendition."""

    P1080 = "1080p", "1080p"
    P720 = "720p", "720p"
    P480 = "480p", "480p"


RENDITION_LINES = {Rendition.P1080: 1080, Rendition.P720: 720, Rendition.P480: 480}


class Video(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    # Every storage key of this video lives under videos/<key>/; the server names them all.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="videos"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="videos"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    # The client's name for the file: shown to people, never used as a storage key.
    original_filename = models.CharField(max_length=255, blank=True)
    original = models.FileField(max_length=300, blank=True)
    original_size = models.PositiveBigIntegerField(default=0)
    rendition_1080p = models.FileField(max_length=300, blank=True)
    rendition_720p = models.FileField(max_length=300, blank=True)
    rendition_480p = models.FileField(max_length=300, blank=True)
    thumbnail = models.FileField(max_length=300, blank=True)
    duration = models.FloatField(null=True, blank=True, help_text="Seconds.")
    stream_info = models.JSONField(default=dict, blank=True)
    # Bytes of every file this video keeps in storage (original, renditions, thumbnail).
    storage_bytes = models.PositiveBigIntegerField(default=0)
    view_count = models.PositiveBigIntegerField(default=0)
    # Staff unpublish a video (a report upheld, or the admin action): only its uploader and
    # admins still see it.
    is_published = models.BooleanField(default=True)
    # A published pipeline film remembers where it came from (publishing twice is refused).
    source_asset = models.OneToOneField(
        "projects.Asset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="published_video",
    )
    processing_started_at = models.DateTimeField(null=True, blank=True)
    # Claims so far: a video that keeps killing its worker (or outrunning the time limit) is
    # failed after MEDIA_MAX_PROCESSING_ATTEMPTS instead of being re-queued every hour forever.
    processing_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["uploaded_by", "-created_at"]),
            models.Index(fields=["category", "-created_at"]),
            models.Index(fields=["-view_count"]),
        ]

    def __str__(self) -> str:
        return self.title

    def rendition_file(self, rendition: str):
        return getattr(self, f"rendition_{rendition}")

    @property
    def available_renditions(self) -> list[str]:
        return [r.value for r in Rendition if self.rendition_file(r.value)]

    def stored_names(self) -> list[str]:
        """Every storage key this video holds."""
        files = [self.original, self.thumbnail, *(self.rendition_file(r) for r in Rendition)]
        return [f.name for f in files if f]


class UploadQuota(models.Model):
    """Bytes one user has uploaded (or reserved for an upload in flight) in one UTC week.

    A week starts on Sunday 00:00 UTC. A new week simply starts a new row, so the count is
    right even if the beat reset runs late; the beat task deletes the rows of past weeks.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upload_quotas"
    )
    week_start = models.DateField()
    bytes_used = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-week_start", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="uploadquota_user_week"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} week of {self.week_start}: {self.bytes_used} B"


class UploadSession(models.Model):
    """A resumable (tus 1.0) upload in flight: bytes land in a temp file until complete."""

    class Status(models.TextChoices):
        UPLOADING = "uploading", "Uploading"
        COMPLETED = "completed", "Completed"
        REFUSED = "refused", "Refused"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upload_sessions"
    )
    length = models.PositiveBigIntegerField()
    offset = models.PositiveBigIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    # The quota week the declared length was reserved in (released there on refusal).
    quota_week = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADING)
    error = models.TextField(blank=True)
    video = models.ForeignKey(
        Video, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offset__lte=models.F("length")),
                name="uploadsession_offset_within_length",
            ),
        ]

    def __str__(self) -> str:
        return f"upload {self.id} ({self.offset}/{self.length})"


class VideoReport(models.Model):
    """A user's report of a library video: it joins the staff's moderation queue until staff
    uphold it (the video is unpublished) or dismiss it. One open report per user and video."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld (video unpublished)"
        DISMISSED = "dismissed", "Dismissed"

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="video_reports"
    )
    reason = models.TextField(max_length=1000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["video", "reporter"],
                condition=models.Q(status="open"),
                name="videoreport_one_open_per_reporter",
            )
        ]

    def __str__(self) -> str:
        return f"report {self.pk} of video {self.video_id} ({self.status})"
