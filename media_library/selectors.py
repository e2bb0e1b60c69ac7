from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum

from filmstudio.errors import NotFound

from .errors import VideoNotReady
from .models import Category, Video


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
