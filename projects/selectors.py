from collections.abc import Iterable

from django.db.models import F, QuerySet

from .errors import ProjectNotFound
from .models import Asset, Project


def projects_for_user(*, user) -> QuerySet[Project]:
    """The user's live projects: the one place project reads are scoped to their owner."""
    return Project.objects.alive().filter(owner=user)


# A list row's columns: all but the screenplay and the moderation flags, which a list never
# shows (a screenplay may be FILM_SCRIPT_MAX_BYTES, 200 kB, and a page holds up to 100).
_LIST_COLUMNS = [
    field.attname
    for field in Project._meta.concrete_fields
    if field.name not in ("script", "moderation_flags")
]


def projects_list(*, user) -> QuerySet:
    """The user's live projects as rows (dicts keyed by column name: a read-only list needs
    no model instances), each with `thumbnail_name`: the storage name of its newest
    thumbnail (or None), read in the same query however long the page."""
    return projects_for_user(user=user).values(*_LIST_COLUMNS, thumbnail_name=F("thumbnail__file"))


def project_get_for_user(*, user, project_id: int) -> Project:
    """The user's project, or ProjectNotFound (another user's project does not exist for
    them)."""
    try:
        return projects_for_user(user=user).get(pk=project_id)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise ProjectNotFound() from None


def project_assets(*, project: Project) -> QuerySet[Asset]:
    return project.assets.order_by("created_at", "id")


def film_asset(*, project_id: int, among: Iterable[int] | None = None) -> Asset | None:
    """Which asset is the film: the project's newest stored asset of kind `film`, only among
    the asset ids `among` when given (one job's outputs). The one place that decides it, for
    publishing to the library and for a job's download."""
    films = Asset.objects.filter(project_id=project_id, kind=Asset.Kind.FILM).exclude(file="")
    if among is not None:
        films = films.filter(pk__in=list(among))
    return films.order_by("-created_at", "-id").first()


def result_asset(*, project_id: int, asset_ids: list[int]) -> Asset | None:
    """What a list of outputs (a job's, in the order they were made) delivers: its film,
    else its last asset; None when it has none."""
    if not asset_ids:
        return None
    return film_asset(project_id=project_id, among=asset_ids) or (
        Asset.objects.filter(project_id=project_id, pk=asset_ids[-1]).first()
    )


def user_projects_section(*, user) -> dict:
    """The projects part of the staff's user detail: counts and the latest projects."""
    from django.db.models import Count, Q

    counts = Project.objects.filter(owner=user).aggregate(
        total=Count("id", filter=Q(deleted_at__isnull=True)),
        deleted=Count("id", filter=Q(deleted_at__isnull=False)),
        pending_review=Count(
            "id", filter=Q(moderation_status=Project.ModerationStatus.PENDING_REVIEW)
        ),
    )
    recent = (
        projects_for_user(user=user)
        .order_by("-created_at", "-id")
        .values("id", "title", "status", "moderation_status", "created_at")[:10]
    )
    return {**counts, "recent": list(recent)}
