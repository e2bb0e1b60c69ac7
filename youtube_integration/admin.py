"""Staff views of YouTube publishing. Tokens, PKCE verifiers and upload session URIs are never
shown: their fields are not editable and are listed nowhere here."""

from django.contrib import admin

from .models import ChannelConnection, QuotaUsage, Upload


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows made by the OAuth flow and the publishing job, not by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChannelConnection)
class ChannelConnectionAdmin(ReadOnlyAdmin):
    list_display = ["channel_title", "channel_id", "owner", "status", "token_expires_at"]
    list_filter = ["status"]
    search_fields = ["channel_title", "channel_id", "owner__email"]
    list_select_related = ["owner"]
    fields = [
        "owner",
        "channel_id",
        "channel_title",
        "channel_thumbnail_url",
        "scopes",
        "status",
        "token_expires_at",
        "last_error",
        "connected_at",
        "updated_at",
    ]
    readonly_fields = fields


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "owner",
        "channel_title",
        "status",
        "bytes_sent",
        "total_bytes",
        "youtube_video_id",
        "quota_units",
        "created_at",
    ]
    list_filter = ["status", "privacy"]
    search_fields = ["title", "youtube_video_id", "owner__email", "channel_id"]
    list_select_related = ["owner"]
    fields = [
        "owner",
        "connection",
        "channel_id",
        "channel_title",
        "job",
        "project",
        "film",
        "video",
        "thumbnail",
        "captions",
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
        "thumbnail_set",
        "caption_id",
        "playlist_item_id",
        "upload_status",
        "processing_status",
        "step_tries",
        "quota_units",
        "created_at",
        "uploaded_at",
    ]
    readonly_fields = fields


@admin.register(QuotaUsage)
class QuotaUsageAdmin(ReadOnlyAdmin):
    """Data API units spent per day (Pacific time) and Cloud project, per method."""

    list_display = ["day", "cloud_project", "units", "by_method", "updated_at"]
    list_filter = ["cloud_project"]
    date_hierarchy = "day"
