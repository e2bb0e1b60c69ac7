from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum

from filmstudio.errors import NotFound

from .errors import VideoNotReady
from .models import Category, Video


def videos_visible_to(user) -> QuerySet[Video]:
    """Completed, published videos for everyone; an uploader also sees their own unfinished
    (or unpublished) ones and an admin sees all. The one place video visibility is decided."""
    qs = Video.objects.select_related("category", "uploaded_by")
    public = Q(status=Video.Status.COMPLETED, is_published=True)
    if user is not None and user.is_authenticated:
        if user.is_platform_admin:
            return qs
        return qs.filter(public | Q(uploaded_by=user))
    return qs.filter(public)


def video_get_visible(*, user, video_id: int) -> Video:
    video = videos_visible_to(user).filter(id=video_id).first()
    if video is None:
        raise NotFound("Video not found.")
    return video


def video_get_editable(*, user, video_id: int) -> Video:
    """A video `user` may change or delete: their own, or any for an admin. NotFound
    otherwise, even for a public video they may watch: another user's object is a 404."""
    video = video_get_visible(user=user, video_id=video_id)
    if not (user.is_platform_admin or video.uploaded_by_id == user.id):
        raise NotFound("Video not found.")
    return video


def video_rendition_name(*, video: Video, rendition: str | None) -> str:
    """The storage name of the rendition to stream: the one asked for, else the best one.
    VideoNotReady (409) before processing made any; NotFound for one it did not make."""
    available = video.available_renditions
    if not available:
        raise VideoNotReady()
    rendition = rendition or available[0]
    if rendition not in available:
        raise NotFound(
            f"No {rendition} rendition; available: {', '.join(available)}.",
            code="rendition_not_found",
        )
    return video.rendition_file(rendition).name


def video_thumbnail_name(*, video: Video) -> str:
    if not video.thumbnail:
        raise NotFound("This video has no thumbnail yet.", code="not_ready")
    return video.thumbnail.name


def video_list(
    *,
    user,
    category_id: int | None = None,
    uploaded_by: int | None = None,
    sort_by: str = "created_at",
    order: str = "desc",
    search: str = "",
) -> QuerySet[Video]:
    qs = videos_visible_to(user)
    for word in search.split():
        # Every word must appear in the title or the description (any letter case).
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if category_id is not None:
        qs = qs.filter(category_id=category_id)
    if uploaded_by is not None:
        qs = qs.filter(uploaded_by_id=uploaded_by)
    prefix = "-" if order == "desc" else ""
    # id breaks ties so pages never repeat or skip a video.
    return qs.order_by(f"{prefix}{sort_by}", f"{prefix}id")


def admin_stats() -> dict:
    User = get_user_model()
    videos = Video.objects.aggregate(
        total=Count("id"),
        storage=Sum("storage_bytes"),
        pending=Count("id", filter=Q(status=Video.Status.PENDING)),
        processing=Count("id", filter=Q(status=Video.Status.PROCESSING)),
        failed=Count("id", filter=Q(status=Video.Status.FAILED)),
    )
    return {
        "users": User.objects.count(),
        "active_users": User.objects.filter(is_active=True).count(),
        "videos": videos["total"],
        "storage_used_bytes": videos["storage"] or 0,
        "videos_pending": videos["pending"],
        "videos_processing": videos["processing"],
        "videos_failed": videos["failed"],
    }


def categories_list() -> QuerySet[Category]:
    """Every category (a site has tens: the whole list, one query)."""
    return Category.objects.all()


def category_get_or_none(*, category_id: int) -> Category | None:
    return Category.objects.filter(id=category_id).first()


def category_get(*, category_id: int) -> Category:
    category = category_get_or_none(category_id=category_id)
    if category is None:
        raise NotFound("Category not found.")
    return category


# --- staff: the moderation queue, the user detail, analytics

# The queue lists at most this many of each kind, oldest first: staff work from the top, and
# a queue longer than this is a problem the count (which is exact) shows anyway.
MODERATION_QUEUE_MAX = 200


def moderation_queue() -> list[dict]:
    """What waits for staff, oldest first: projects moderation held for review (with the
    flagged categories, scores and excerpts) and videos with open reports (with the
    reports). Three queries whatever the length."""
    from django.db.models import Min, Prefetch

    from projects.models import Project

    from .models import VideoReport

    projects = (
        Project.objects.alive()
        .filter(moderation_status=Project.ModerationStatus.PENDING_REVIEW)
        .select_related("owner")
        .order_by("updated_at", "id")[:MODERATION_QUEUE_MAX]
    )
    open_reports = VideoReport.objects.filter(status=VideoReport.Status.OPEN)
    videos = (
        Video.objects.filter(reports__status=VideoReport.Status.OPEN)
        .annotate(first_report=Min("reports__created_at"))
        .select_related("uploaded_by")
        .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_reports"))
        .order_by("first_report", "id")[:MODERATION_QUEUE_MAX]
    )
    items = [
        {
            "kind": "project",
            "id": project.pk,
            "title": project.title,
            "owner": project.owner_id,
            "owner_email": project.owner.email,
            "since": project.updated_at,
            "categories": (project.moderation_flags or {}).get("categories", {}),
            "excerpts": (project.moderation_flags or {}).get("offending", []),
            "reports": [],
        }
        for project in projects
    ] + [
        {
            "kind": "video",
            "id": video.pk,
            "title": video.title,
            "owner": video.uploaded_by_id,
            "owner_email": video.uploaded_by.email,
            "since": video.first_report,
            "categories": {},
            "excerpts": [],
            "reports": [
                {"id": r.pk, "reporter": r.reporter_id, "reason": r.reason, "at": r.created_at}
                for r in video.open_reports
            ],
        }
        for video in videos
    ]
    return sorted(items, key=lambda item: (item["since"], item["kind"], item["id"]))


def moderation_item(*, kind: str, item_id: int):
    """The project held for review or the reported video the queue names, or NotFound."""
    from projects.models import Project

    if kind == "project":
        item = Project.objects.alive().filter(pk=item_id).first()
    elif kind == "video":
        item = Video.objects.filter(pk=item_id).select_related("uploaded_by").first()
    else:
        item = None
    if item is None:
        raise NotFound(f"No such {kind}.")
    return item


def user_media_section(*, user) -> dict:
    """The media library's part of the staff's user detail: videos and the upload quota."""
    from .models import UploadQuota
    from .services.quota import quota_week_start

    videos = Video.objects.filter(uploaded_by=user).aggregate(
        count=Count("id"),
        bytes=Sum("storage_bytes"),
        unpublished=Count("id", filter=Q(is_published=False)),
        failed=Count("id", filter=Q(status=Video.Status.FAILED)),
    )
    week = quota_week_start()
    used = (
        UploadQuota.objects.filter(user=user, week_start=week)
        .values_list("bytes_used", flat=True)
        .first()
    )
    from filmstudio.selectors import site_config_get

    return {
        "videos": {**videos, "bytes": videos["bytes"] or 0},
        "upload_quota": {
            "week_start": week,
            "bytes_used": used or 0,
            "bytes_allowed": site_config_get().weekly_upload_quota_bytes,
        },
        "reports_against": Video.objects.filter(uploaded_by=user, reports__status="open").count(),
    }


def uploads_series(*, window) -> dict:
    """The media library's part of the staff analytics: uploads (count and bytes)."""
    from filmstudio.analytics import bucketed

    uploads = Video.objects.filter(source_asset__isnull=True)
    return {
        "series": {
            "uploads": bucketed(uploads, field="created_at", window=window),
            "upload_bytes": bucketed(
                uploads, field="created_at", window=window, value=Sum("original_size")
            ),
        }
    }


def uploads_metrics() -> list[tuple]:
    """Uploaded library videos and their bytes, for /metrics."""
    uploads = Video.objects.filter(source_asset__isnull=True).aggregate(
        n=Count("*"), size=Sum("original_size")
    )
    return [
        ("filmstudio_uploads", "Videos uploaded to the library.", {}, uploads["n"]),
        ("filmstudio_upload_bytes", "Bytes uploaded to the library.", {}, uploads["size"] or 0),
    ]
