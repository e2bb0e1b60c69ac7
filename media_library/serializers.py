from django.urls import reverse
from rest_framework import serializers

from .models import Category, Rendition, Video


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug", "created_at"]
        read_only_fields = ["id", "slug", "created_at"]


class CategoryInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class UploaderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class VideoSerializer(serializers.ModelSerializer):
    category = CategorySerializer(read_only=True, allow_null=True)
    uploaded_by = UploaderSerializer(read_only=True)
    # A plain string in the schema: other apps' `status` enums would collide by name.
    status = serializers.CharField(
        read_only=True, help_text="pending | processing | completed | failed"
    )
    renditions = serializers.SerializerMethodField()
    stream_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Video
        fields = [
            "id",
            "title",
            "description",
            "category",
            "uploaded_by",
            "status",
            "error",
            "original_filename",
            "original_size",
            "duration",
            "stream_info",
            "storage_bytes",
            "view_count",
            "renditions",
            "stream_url",
            "thumbnail_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_renditions(self, video: Video) -> list[str]:
        return video.available_renditions

    def get_stream_url(self, video: Video) -> str | None:
        if not video.available_renditions:
            return None
        return reverse("video-stream", args=[video.id])

    def get_thumbnail_url(self, video: Video) -> str | None:
        return reverse("video-thumbnail", args=[video.id]) if video.thumbnail else None


class VideoUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True, default=None
    )


class VideoUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )


class VideoListQuerySerializer(serializers.Serializer):
    category_id = serializers.IntegerField(required=False, min_value=1)
    uploaded_by = serializers.IntegerField(required=False, min_value=1)
    sort_by = serializers.ChoiceField(choices=["created_at", "view_count"], default="created_at")
    order = serializers.ChoiceField(choices=["asc", "desc"], default="desc")
    # A few words, not a document: the words are each matched against title and description.
    search = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")


class UserVideoListQuerySerializer(VideoListQuerySerializer):
    uploaded_by = None  # the path names the uploader


class VideoPageSerializer(serializers.Serializer):
    """One page of videos (the schema of `paginated_response`'s envelope)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = VideoSerializer(many=True)


class StreamQuerySerializer(serializers.Serializer):
    rendition = serializers.ChoiceField(choices=Rendition.choices, required=False)


class ViewCountSerializer(serializers.Serializer):
    view_count = serializers.IntegerField()


class PublishSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True, default=None
    )


class AdminStatsSerializer(serializers.Serializer):
    users = serializers.IntegerField()
    active_users = serializers.IntegerField()
    videos = serializers.IntegerField()
    storage_used_bytes = serializers.IntegerField()
    videos_pending = serializers.IntegerField()
    videos_processing = serializers.IntegerField()
    videos_failed = serializers.IntegerField()


# --- moderation


class VideoReportCreateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class VideoReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    video = serializers.IntegerField(source="video_id")
    reason = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class QueuedReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reporter = serializers.IntegerField()
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class ModerationItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["project", "video"])
    id = serializers.IntegerField()
    title = serializers.CharField()
    owner = serializers.IntegerField()
    owner_email = serializers.EmailField()
    since = serializers.DateTimeField()
    categories = serializers.DictField(
        child=serializers.FloatField(), help_text="Flagged category → highest score (projects)."
    )
    excerpts = serializers.ListField(
        child=serializers.CharField(), help_text="The flagged texts (projects)."
    )
    reports = QueuedReportSerializer(many=True, help_text="Open reports (videos).")


class ModerationDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["decision"] == "reject" and not attrs["reason"].strip():
            raise serializers.ValidationError({"reason": ["A rejection needs a reason."]})
        return attrs
