"""Input and output shapes of the YouTube endpoints. No shape has a token field."""

from django.core.validators import RegexValidator
from django.utils import timezone
from rest_framework import serializers

from . import google_api
from .models import ChannelConnection, QuotaUsage, Upload

# YouTube refuses angle brackets in titles and descriptions, and tags longer than 500
# characters all together (each counted with a separator).
NO_ANGLES = RegexValidator(r"^[^<>]*$", "YouTube does not allow < or > here.")


class ConsentUrlSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Send the user here; Google sends them back with a code.")


class CallbackSerializer(serializers.Serializer):
    state = serializers.CharField(max_length=64)
    code = serializers.CharField(max_length=512, required=False, allow_blank=True, default="")
    error = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ChannelSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="channel_title", read_only=True)
    thumbnail_url = serializers.URLField(source="channel_thumbnail_url", read_only=True)
    can_caption = serializers.SerializerMethodField(
        help_text="Whether captions and playlists are allowed (the youtube.force-ssl scope)."
    )

    class Meta:
        model = ChannelConnection
        fields = [
            "id",
            "channel_id",
            "title",
            "thumbnail_url",
            "status",
            "scopes",
            "can_caption",
            "last_error",
            "connected_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_can_caption(self, obj: ChannelConnection) -> bool:
        return google_api.SCOPE_FORCE_SSL in (obj.scopes or [])


class ChannelQuerySerializer(serializers.Serializer):
    channel = serializers.IntegerField(help_text="The connection id (GET /youtube/channels).")


class PlaylistSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    privacy = serializers.CharField()
    item_count = serializers.IntegerField(allow_null=True)

    def to_representation(self, item: dict) -> dict:
        snippet = item.get("snippet") or {}
        return {
            "id": item["id"],
            "title": snippet.get("title", ""),
            "description": snippet.get("description", ""),
            "privacy": (item.get("status") or {}).get("privacyStatus", ""),
            "item_count": (item.get("contentDetails") or {}).get("itemCount"),
        }


class PlaylistCreateSerializer(serializers.Serializer):
    channel = serializers.IntegerField()
    title = serializers.CharField(max_length=150, validators=[NO_ANGLES])
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", validators=[NO_ANGLES]
    )
    privacy = serializers.ChoiceField(choices=Upload.Privacy.choices, default="private")


class PlaylistItemCreateSerializer(serializers.Serializer):
    upload = serializers.IntegerField(help_text="A published upload (GET /youtube/videos).")


class PlaylistItemSerializer(serializers.Serializer):
    playlist_id = serializers.CharField()
    playlist_item_id = serializers.CharField()
    upload = serializers.IntegerField()


class UploadCreateSerializer(serializers.Serializer):
    channel = serializers.IntegerField(help_text="The connection to publish to.")
    job = serializers.IntegerField(required=False, help_text="A completed film job.")
    project = serializers.IntegerField(required=False, help_text="A project with a film.")
    video = serializers.IntegerField(required=False, help_text="A processed library video.")
    title = serializers.CharField(max_length=100, required=False, validators=[NO_ANGLES])
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", validators=[NO_ANGLES]
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100, validators=[NO_ANGLES]),
        required=False,
        default=list,
        max_length=100,
    )
    category_id = serializers.RegexField(r"^\d{1,4}$", default="1")
    privacy = serializers.ChoiceField(choices=Upload.Privacy.choices, required=False)
    publish_at = serializers.DateTimeField(
        required=False, help_text="Scheduled publication; the video is private until then."
    )
    made_for_kids = serializers.BooleanField(default=False)
    playlist = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    captions = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The film's subtitles as a caption track. Absent: when there are some and "
        "the channel allows captions; true: required (409 otherwise); false: none.",
    )
    caption_language = serializers.RegexField(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$", default="en")
    thumbnail = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The film's (or video's) thumbnail. Absent: when there is one; true: "
        "required (409 otherwise); false: none.",
    )

    def validate_tags(self, tags: list[str]) -> list[str]:
        if sum(len(tag) + 1 for tag in tags) > 500:
            raise serializers.ValidationError("Tags may have 500 characters in all.")
        return tags

    def validate(self, attrs: dict) -> dict:
        sources = [name for name in ("job", "project", "video") if attrs.get(name) is not None]
        if not sources or (attrs.get("video") is not None and len(sources) > 1):
            raise serializers.ValidationError(
                "Give a film (`job` or `project`) or a library `video`.", code="source_required"
            )
        if attrs.get("publish_at") is not None:
            if attrs["publish_at"] <= timezone.now():
                raise serializers.ValidationError({"publish_at": ["Must be in the future."]})
            if attrs.get("privacy", "private") != "private":
                raise serializers.ValidationError(
                    {"privacy": ["A scheduled video is private until publish_at."]}
                )
        attrs.setdefault("privacy", "private")
        return attrs


class UploadSerializer(serializers.ModelSerializer):
    channel = serializers.IntegerField(source="connection_id", read_only=True, allow_null=True)
    url = serializers.CharField(read_only=True)
    job_status = serializers.CharField(source="job.status", read_only=True, default=None)
    progress = serializers.IntegerField(source="job.progress", read_only=True, default=None)
    error_code = serializers.CharField(source="job.error_code", read_only=True, default="")
    error_message = serializers.CharField(source="job.error_message", read_only=True, default="")

    class Meta:
        model = Upload
        fields = [
            "id",
            "channel",
            "channel_id",
            "channel_title",
            "job",
            "job_status",
            "progress",
            "project",
            "video",
            "title",
            "description",
            "tags",
            "category_id",
            "privacy",
            "publish_at",
            "made_for_kids",
            "playlist_id",
            "status",
            "total_bytes",
            "bytes_sent",
            "youtube_video_id",
            "url",
            "thumbnail_set",
            "caption_id",
            "playlist_item_id",
            "upload_status",
            "processing_status",
            "processing_checked_at",
            "quota_units",
            "error_code",
            "error_message",
            "created_at",
            "uploaded_at",
        ]
        read_only_fields = fields


class PublishedVideoSerializer(serializers.ModelSerializer):
    channel = serializers.IntegerField(source="connection_id", read_only=True, allow_null=True)
    url = serializers.CharField(read_only=True)

    class Meta:
        model = Upload
        fields = [
            "id",
            "youtube_video_id",
            "url",
            "channel",
            "channel_id",
            "channel_title",
            "title",
            "privacy",
            "publish_at",
            "upload_status",
            "processing_status",
            "processing_checked_at",
            "uploaded_at",
        ]
        read_only_fields = fields


class QuotaUsageSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuotaUsage
        fields = ["day", "cloud_project", "units", "by_method", "updated_at"]
        read_only_fields = fields
