from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from filmstudio.errors import Forbidden
from filmstudio.services import audit_log, diff, model_update

from .errors import ScriptTooLarge
from .models import Asset, Project

# The fields a project's owner may write (the API's serializer too); status and moderation
# belong to the platform.
EDITABLE_FIELDS = (
    "cast",
    "title",
    "description",
    "script",
    "style",
    "target_duration",
    "aspect_ratio",
    "frame_rate",
    "picture_source",
    "voice_source",
    "captions",
)


def _editable(fields: dict[str, Any]) -> dict[str, Any]:
    """The owner-editable fields of `fields`; ScriptTooLarge (400 `script_too_large`) for a
    screenplay over FILM_SCRIPT_MAX_BYTES (UTF-8), the limit every job applies to it."""
    data = {key: fields[key] for key in EDITABLE_FIELDS if key in fields}
    limit = settings.FILM_SCRIPT_MAX_BYTES
    size = len(str(data.get("script") or "").encode("utf-8", "surrogatepass"))
    if size > limit:
        message = f"The screenplay is {size} bytes; the limit is {limit}."
        raise ScriptTooLarge(message, errors={"script": [message]})
    return data


def project_create(*, owner, **fields: Any) -> Project:
    """Create a draft project owned by `owner`. Only EDITABLE_FIELDS are taken; a screenplay
    over the jobs' size limit is refused (ScriptTooLarge)."""
    data = _editable(fields)
    project = Project(owner=owner, **data)
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_update(*, project: Project, **fields: Any) -> Project:
    """Change the owner-editable fields of `project`; anything else is ignored. A new
    screenplay revokes a staff approval (moderation reads it again); one over the jobs' size
    limit is refused (ScriptTooLarge)."""
    data = _editable(fields)
    script_changed = "script" in data and data["script"] != project.script
    if script_changed and project.moderation_status == Project.ModerationStatus.APPROVED:
        # Staff approved the text they read, not the next one: it is moderated again.
        data["moderation_status"] = Project.ModerationStatus.NOT_REVIEWED
    fields = [*EDITABLE_FIELDS, "moderation_status"]
    return model_update(instance=project, fields=fields, data=data)[0]


def project_flag_for_review(*, project: Project, flags: dict | None = None) -> None:
    """Moderation flagged the project's content: it waits for staff in the review queue,
    with what was flagged (`flags`: provider, categories and scores, offending excerpts)."""
    flags = flags or {}
    Project.objects.filter(pk=project.pk).update(
        moderation_status=Project.ModerationStatus.PENDING_REVIEW,
        moderation_flags=flags,
        updated_at=timezone.now(),
    )
    project.moderation_status = Project.ModerationStatus.PENDING_REVIEW
    project.moderation_flags = flags


MODERATION_DECISIONS = {
    "approve": Project.ModerationStatus.APPROVED,
    "reject": Project.ModerationStatus.REJECTED,
}


def project_moderate(*, project: Project, decision: str, by, reason: str = "") -> Project:
    """Staff decide on a project's content: `approve` (its held job may be retried by its
    owner, and moderation does not stop it again until the screenplay changes) or `reject`
    (no job of it can run). The owner is emailed either way, with the reason; the decision
    is audited. Staff only (Forbidden)."""
    if not by.is_platform_staff:
        raise Forbidden()
    status = MODERATION_DECISIONS[decision]
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("owner").get(pk=project.pk)
        before = project.moderation_status
        project.moderation_status = status
        project.save(update_fields=["moderation_status", "updated_at"])
        audit_log(
            actor=by,
            action=f"moderation.{decision}",
            target=project,
            changes=diff({"moderation_status": before}, {"moderation_status": status}),
            reason=reason,
        )
        owner = project.owner
        transaction.on_commit(
            lambda: send_mail(
                subject=f"Your project “{project.title}” was {status} by our reviewers",
                message=_decision_message(project=project, decision=decision, reason=reason),
                from_email=None,
                recipient_list=[owner.email],
            )
        )
    return project


def _decision_message(*, project: Project, decision: str, reason: str) -> str:
    why = f"\n\nThe reviewer's note: {reason}" if reason else ""
    if decision == "approve":
        return (
            f"Our reviewers approved the screenplay of “{project.title}”. You can retry the "
            f"job that was held for review; it resumes where it stopped.{why}"
        )
    return (
        f"Our reviewers rejected the screenplay of “{project.title}”; it cannot be rendered.{why}"
    )


def project_delete(*, project: Project) -> None:
    """Soft delete: the project disappears from every read but its rows and files stay,
    so a job still running for it can finish and staff can restore it. Idempotent."""
    Project.objects.filter(pk=project.pk, deleted_at__isnull=True).update(deleted_at=timezone.now())


def asset_create_from_file(
    *, project: Project, kind: str, path: Path, content_type: str, metadata: dict | None = None
) -> Asset:
    """Save the local file `path` through Django storage as an Asset of `project`.

    Idempotent per (project, kind, metadata job and key): a stage that runs again gets the
    Asset it made the first time. A new thumbnail becomes the project's `thumbnail` (in the
    same transaction). The row is written only after the file is fully stored,
    and the stored file is removed if the row cannot be written, so a failure never leaves
    a half-written Asset (or an orphaned file) behind.
    """
    metadata = metadata or {}
    if "job" in metadata and "key" in metadata:
        existing = Asset.objects.filter(
            project=project, kind=kind, metadata__job=metadata["job"], metadata__key=metadata["key"]
        ).first()
        if existing is not None:
            return existing
    asset = Asset(project=project, kind=kind, content_type=content_type, metadata=metadata)
    with open(path, "rb") as handle:
        asset.file.save(Path(path).name, File(handle), save=False)
    asset.size = asset.file.size
    try:
        with transaction.atomic():
            asset.save()
            if kind == Asset.Kind.THUMBNAIL:
                # The newest thumbnail is the project's (what its list entry links).
                Project.objects.filter(pk=project.pk).update(thumbnail=asset)
    except Exception:
        asset.file.storage.delete(asset.file.name)
        raise
    if kind == Asset.Kind.THUMBNAIL:
        project.thumbnail = asset
    return asset


def projects_erase_owner(*, user) -> None:
    """A deleted account's projects: deleted (soft) and emptied of the owner's words; the
    rows stay for the jobs and ledger lines that name them."""
    Project.objects.filter(owner=user).update(
        deleted_at=timezone.now(), title="(deleted)", description="", script="", cast={}
    )


def project_restore(*, project: Project, by) -> Project:
    """Staff bring back a soft-deleted project (audited). Idempotent."""
    with transaction.atomic():
        restored = Project.objects.filter(pk=project.pk, deleted_at__isnull=False).update(
            deleted_at=None, updated_at=timezone.now()
        )
        if restored:
            audit_log(actor=by, action="project.restore", target=project)
    project.deleted_at = None
    return project
