from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Project

# The fields a project's owner may write; status and moderation belong to the platform.
EDITABLE_FIELDS = ("title", "description", "script", "style", "target_duration", "aspect_ratio")


def project_create(*, owner, **fields: Any) -> Project:
    """Create a draft project owned by `owner`. Only EDITABLE_FIELDS are taken."""
    data = {key: fields[key] for key in EDITABLE_FIELDS if key in fields}
    project = Project(owner=owner, **data)
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_update(*, project: Project, **fields: Any) -> Project:
    """Change the owner-editable fields of `project`; anything else is ignored."""
    changed = [key for key in EDITABLE_FIELDS if key in fields]
    for key in changed:
        setattr(project, key, fields[key])
    project.full_clean()
    project.save(update_fields=[*changed, "updated_at"])
    return project


def project_delete(*, project: Project) -> None:
    """Soft delete: the project disappears from every read but its rows and files stay,
    so a job still running for it can finish and staff can restore it. Idempotent."""
    Project.objects.filter(pk=project.pk, deleted_at__isnull=True).update(deleted_at=timezone.now())
