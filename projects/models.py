import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class ProjectQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)


class Project(models.Model):
    """A film in the making: its screenplay, how it should look, and where it stands."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        GENERATING = "generating", "Generating"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    class ModerationStatus(models.TextChoices):
        NOT_REVIEWED = "not_reviewed", "Not reviewed"
        PENDING_REVIEW = "pending_review", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    class AspectRatio(models.TextChoices):
        LANDSCAPE = "16:9", "16:9 (1920×1080)"
        PORTRAIT = "9:16", "9:16 (1080×1920)"
        SQUARE = "1:1", "1:1 (1080×1080)"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    script = models.TextField(blank=True, help_text="The screenplay: Fountain or plain prose.")
    style = models.CharField(max_length=100, blank=True)
    # Seconds. Ten minutes is the longest film a 2-core render box finishes in reasonable time.
    target_duration = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    aspect_ratio = models.CharField(
        max_length=5, choices=AspectRatio.choices, default=AspectRatio.LANDSCAPE
    )

    class FrameRate(models.IntegerChoices):
        FILM = 24, "24 fps (film)"
        PAL = 25, "25 fps"
        NTSC = 30, "30 fps"

    frame_rate = models.PositiveSmallIntegerField(choices=FrameRate.choices, default=FrameRate.FILM)
    # Who speaks with which voice: {"MARA": "woman_old", "NARRATOR": "narrator"}; characters
    # not named are cast from the script (film.casting).
    cast = models.JSONField(default=dict, blank=True)

    class PictureSource(models.TextChoices):
        DEFAULT = "default", "The site's default engine"
        DRAWN = "drawn", "Drawn scenery (offline)"
        STOCK = "stock", "Stock photos by keyword"
        AI = "ai", "Generated images (Stable Diffusion or OpenAI)"

    class VoiceSource(models.TextChoices):
        DEFAULT = "default", "The site's default engine"
        LOCAL = "local", "Piper (offline)"
        OPENAI = "openai", "OpenAI voices"
        ELEVENLABS = "elevenlabs", "ElevenLabs voices"

    class Captions(models.TextChoices):
        ALL = "all", "Narration and dialogue"
        DIALOGUE = "dialogue", "Dialogue only"

    # Where the pictures and voices come from; a source the site has no key (or GPU) for is
    # made by the offline engine instead (`film.providers.registry.engine_for_source`).
    picture_source = models.CharField(
        max_length=16, choices=PictureSource.choices, default=PictureSource.DEFAULT
    )
    voice_source = models.CharField(
        max_length=16, choices=VoiceSource.choices, default=VoiceSource.DEFAULT
    )
    captions = models.CharField(max_length=16, choices=Captions.choices, default=Captions.ALL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    moderation_status = models.CharField(
        max_length=16, choices=ModerationStatus.choices, default=ModerationStatus.NOT_REVIEWED
    )
    # What moderation flagged, for the staff's review queue: {"provider", "categories":
    # {category: score}, "offending": [excerpts]}; empty when nothing was flagged.
    moderation_flags = models.JSONField(default=dict, blank=True)
    # The newest thumbnail, kept by `asset_create_from_file` as it stores one, so lists link
    # it without looking through the assets; deleting that asset clears it.
    thumbnail = models.ForeignKey(
        "Asset", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(aspect_ratio__in=["16:9", "9:16", "1:1"]),
                name="projects_project_aspect_ratio_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def asset_upload_to(asset: "Asset", filename: str) -> str:
    # The server names every key; the client's or pipeline's filename keeps only its suffix.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"projects/{asset.project_id}/{asset.kind}/{uuid.uuid4().hex}{suffix}"


class Asset(models.Model):
    """A file that belongs to a project: the film, its thumbnail, subtitles, shot images..."""

    class Kind(models.TextChoices):
        FILM = "film", "Film"
        THUMBNAIL = "thumbnail", "Thumbnail"
        SUBTITLES = "subtitles", "Subtitles"
        IMAGE = "image", "Image"
        AUDIO = "audio", "Audio"
        CLIP = "clip", "Video clip"
        MUSIC = "music", "Music"
        BREAKDOWN = "breakdown", "Script breakdown"
        OTHER = "other", "Other"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    file = models.FileField(upload_to=asset_upload_to, max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["project", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} of {self.project_id}"
