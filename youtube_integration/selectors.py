"""Reads of YouTube publishing, scoped to the requesting user in one place."""

from django.db.models import QuerySet

from filmstudio.errors import NotFound

from .models import ChannelConnection, QuotaUsage, Upload


def connections_for_user(*, user) -> QuerySet[ChannelConnection]:
    return ChannelConnection.objects.filter(owner=user)


def _get_or_404(queryset: QuerySet, pk, message: str):
    """The row, or NotFound: another user's object does not exist for the caller."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(message) from None


def connection_get_for_user(*, user, connection_id) -> ChannelConnection:
    return _get_or_404(connections_for_user(user=user), connection_id, "Channel not found.")


def uploads_for_user(*, user) -> QuerySet[Upload]:
    return Upload.objects.filter(owner=user).select_related("connection", "job")


def upload_get_for_user(*, user, upload_id) -> Upload:
    return _get_or_404(uploads_for_user(user=user), upload_id, "Upload not found.")


def published_videos_for_user(*, user) -> QuerySet[Upload]:
    """What the user published: uploads that made a video, newest first."""
    return uploads_for_user(user=user).exclude(youtube_video_id="").order_by("-uploaded_at", "-id")


def published_upload_get_for_user(*, user, upload_id) -> Upload:
    upload = upload_get_for_user(user=user, upload_id=upload_id)
    if not upload.youtube_video_id:
        raise NotFound("This upload has no YouTube video yet.")
    return upload


def quota_usage_recent() -> QuerySet[QuotaUsage]:
    return QuotaUsage.objects.order_by("-day", "cloud_project")


# --- staff


def user_youtube_section(*, user) -> dict:
    """The YouTube part of the staff's user detail: channel connections and uploads."""
    from django.db.models import Count

    connections = connections_for_user(user=user).values(
        "id", "channel_id", "channel_title", "status", "connected_at", "last_error"
    )
    uploads = dict(
        Upload.objects.filter(owner=user)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {"connections": list(connections), "uploads_by_status": uploads}


def publications_series(*, window) -> dict:
    """YouTube's part of the staff analytics: videos that reached YouTube, per bucket."""
    from filmstudio.analytics import bucketed

    reached = Upload.objects.filter(uploaded_at__isnull=False)
    return {
        "series": {"youtube_publications": bucketed(reached, field="uploaded_at", window=window)}
    }


def publications_metrics() -> list[tuple]:
    reached = Upload.objects.filter(uploaded_at__isnull=False).count()
    return [("filmstudio_youtube_publications", "Videos that reached YouTube.", {}, reached)]
