from django.db.models import QuerySet

from filmstudio.errors import NotFound

from .models import Asset, Project


def projects_for_user(*, user) -> QuerySet[Project]:
    """The user's live projects: the one place project reads are scoped to their owner."""
    return Project.objects.alive().filter(owner=user)


def project_get_for_user(*, user, project_id: int) -> Project:
    """The user's project, or NotFound (another user's project does not exist for them)."""
    try:
        return projects_for_user(user=user).get(pk=project_id)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise NotFound("Project not found.") from None


def project_assets(*, project: Project) -> QuerySet[Asset]:
    return project.assets.order_by("created_at", "id")
