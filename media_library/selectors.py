from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum

from filmstudio.errors import NotFound

from .models import SiteConfig, Video


def site_config_get() -> SiteConfig:
    """The site configuration row, created with defaults on first use."""
    config, _ = SiteConfig.objects.get_or_create(id=1)
    return config


def videos_visible_to(user) -> QuerySet[Video]:
    """Completed videos for everyone; an uploader also sees their own unfinished ones and
    an admin sees all. The one place video visibility is decided."""
    qs = Video.objects.select_related("category", "uploaded_by")
    if user is not None and user.is_authenticated:
        if user.is_platform_admin:
            return qs
        return qs.filter(Q(status=Video.Status.COMPLETED) | Q(uploaded_by=user))
    return qs.filter(status=Video.Status.COMPLETED)


def video_get_visible(*, user, video_id: int) -> Video:
    video = videos_visible_to(user).filter(id=video_id).first()
    if video is None:
        raise NotFound("Video not found.")
    return video


def video_list(
    *,
    user,
    category_id: int | None = None,
    uploaded_by: int | None = None,
    sort_by: str = "created_at",
    order: str = "desc",
) -> QuerySet[Video]:
    qs = videos_visible_to(user)
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
