import uuid

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    """The job state machine's states, in the order a job walks them (see jobs/state.py)."""

    PENDING = "pending", "Pending"
    VALIDATING = "validating", "Validating"
    QUEUED = "queued", "Queued"
    PROCESSING = "processing", "Processing"
    GENERATING_IMAGES = "generating_images", "Generating images"
    GENERATING_VIDEO = "generating_video", "Generating video"
    GENERATING_AUDIO = "generating_audio", "Generating audio"
    COMPOSING = "composing", "Composing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class JobType(models.TextChoices):
    SCRIPT_ANALYSIS = "script_analysis", "Script analysis"
    IMAGE_GENERATION = "image_generation", "Image generation"
    VOICE_SYNTHESIS = "voice_synthesis", "Voice synthesis"
    VIDEO_COMPOSITION = "video_composition", "Video composition"
    SUBTITLE_GENERATION = "subtitle_generation", "Subtitle generation"
    THUMBNAIL_GENERATION = "thumbnail_generation", "Thumbnail generation"
    MUSIC_GENERATION = "music_generation", "Music generation"
    FULL_GENERATION = "full_generation", "Full generation"
    # Started by youtube_integration (POST /youtube/upload), which holds its input.
    YOUTUBE_UPLOAD = "youtube_upload", "YouTube upload"


class JobPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"


class JobBatch(models.Model):
    """Jobs created by one request (POST /jobs/batch): listed, followed and cancelled
    together. Its credits were reserved in one transaction, all or none."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_batches"
    )
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="jobs_jobbatch_owner_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Batch {self.pk}"


class Job(models.Model):
    """A unit of paid work on a project, run stage by stage by Celery workers.

    The row is the source of truth for where the job stands; Celery results are never read.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    # Empty only for work on something else the owner has (a YouTube upload of a library video).
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="jobs", null=True, blank=True
    )
    type = models.CharField(max_length=32, choices=JobType.choices)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.PENDING)
    priority = models.CharField(
        max_length=8, choices=JobPriority.choices, default=JobPriority.NORMAL
    )
    progress = models.PositiveSmallIntegerField(default=0)
    # The stage that runs now (or next); on failure, the stage to resume from.
    current_stage = models.CharField(max_length=32, blank=True)
    failed_stage = models.CharField(max_length=32, blank=True)
    # Which try of the current stage is running (1 = first); reset when the stage changes.
    stage_attempt = models.PositiveSmallIntegerField(default=0)
    # Stage tries over the whole life of the job, retries and redeliveries included.
    attempts = models.PositiveIntegerField(default=0)
    # Times the sweeper re-enqueued the current stage because it looked stuck.
    sweeps = models.PositiveSmallIntegerField(default=0)
    parameters = models.JSONField(default=dict, blank=True)
    # {"assets": {"film": <asset id>, ...}, "<stage>": {...outputs}}
    result = models.JSONField(default=dict, blank=True)
    # {"<stage>": {"started_at": iso, "finished_at": iso, "seconds": float}}
    stage_timings = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    celery_task_id = models.CharField(max_length=64, blank=True)
    cost = models.PositiveIntegerField(default=0, help_text="Credits reserved for this job.")
    # Each reservation (creation, then each retry) has its own number, so its capture or
    # refund has its own ledger key and happens exactly once.
    reservation_no = models.PositiveSmallIntegerField(default=0)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    stage_started_at = models.DateTimeField(null=True, blank=True)
    # Set while a try of the stage runs, refreshed every JOB_HEARTBEAT_INTERVAL by the worker
    # running it, cleared when the try ends: a stale one means the worker is gone.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # A stage waiting for an outside limit to lift (a provider's daily quota): no task holds
    # it, and the sweeper sends it again at this time.
    not_before = models.DateTimeField(null=True, blank=True)
    # When the job took one of its owner's running slots (jobs/services/admission.py); empty
    # while it waits for one (QUEUED, no task sent).
    admitted_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        JobBatch, on_delete=models.SET_NULL, related_name="jobs", null=True, blank=True
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["status", "stage_started_at"]),
            models.Index(fields=["owner", "status"], name="jobs_job_owner_status_idx"),
            # The staff analytics read a year of jobs by creation and their failures by code
            # from these alone (index-only scans), never from the wide rows.
            models.Index(
                fields=["created_at"], include=["type", "owner"], name="jobs_job_created_cover"
            ),
            models.Index(
                fields=["finished_at"],
                include=["status", "type", "error_code"],
                name="jobs_job_finished_cover",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="jobs_job_owner_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="jobs_job_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk} {self.type} ({self.status})"


class JobEvent(models.Model):
    """One transition or progress step of a job, in the order it happened."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    stage = models.CharField(max_length=32, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["job", "id"])]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.from_status} → {self.to_status} {self.progress}%"
