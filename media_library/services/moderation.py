"""The moderation queue's writes: users report videos; staff decide on reported videos and
on flagged projects (the project's decision is the projects app's service). Every decision
is audited and emailed to the owner."""

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from filmstudio.errors import Forbidden
from filmstudio.services import audit_log, diff
from projects.models import Project
from projects.services import project_moderate

from ..errors import CannotReportOwnVideo
from ..models import Video, VideoReport

DECISIONS = ("approve", "reject")


def video_report(*, video: Video, reporter, reason: str) -> tuple[VideoReport, bool]:
    """Report a video to staff. One open report per user and video: a repeat returns the
    open one (created=False). Nobody reports their own video (CannotReportOwnVideo)."""
    if video.uploaded_by_id == reporter.pk:
        raise CannotReportOwnVideo()
    existing = VideoReport.objects.filter(
        video=video, reporter=reporter, status=VideoReport.Status.OPEN
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = VideoReport.objects.create(video=video, reporter=reporter, reason=reason)
    except IntegrityError:  # a concurrent duplicate won
        return VideoReport.objects.get(
            video=video, reporter=reporter, status=VideoReport.Status.OPEN
        ), False
    return report, True


def video_set_published(*, video: Video, published: bool, by, reason: str = "") -> Video:
    """Publish or unpublish a library video (staff; audited). Idempotent."""
    if not by.is_platform_staff:
        raise Forbidden()
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video.pk)
        before = video.is_published
        if before != published:
            video.is_published = published
            video.save(update_fields=["is_published", "updated_at"])
        audit_log(
            actor=by,
            action="video.publish" if published else "video.unpublish",
            target=video,
            changes=diff({"is_published": before}, {"is_published": published}),
            reason=reason,
        )
    return video


def video_moderate(*, video: Video, decision: str, by, reason: str = "") -> Video:
    """Staff decide on a reported video: `reject` upholds its open reports and unpublishes
    it; `approve` dismisses them and (re)publishes it. The uploader is emailed either way."""
    if not by.is_platform_staff:
        raise Forbidden()
    upheld = decision == "reject"
    with transaction.atomic():
        VideoReport.objects.filter(video=video, status=VideoReport.Status.OPEN).update(
            status=VideoReport.Status.UPHELD if upheld else VideoReport.Status.DISMISSED,
            decided_by=by,
            decided_at=timezone.now(),
        )
        video = video_set_published(video=video, published=not upheld, by=by, reason=reason)
        audit_log(actor=by, action=f"moderation.{decision}", target=video, reason=reason)
        owner = video.uploaded_by
        why = f"\n\nThe reviewer's note: {reason}" if reason else ""
        verdict = (
            "was reported and our reviewers unpublished it"
            if upheld
            else "was reported; our reviewers found nothing wrong and it stays published"
        )
        transaction.on_commit(
            lambda: send_mail(
                subject=f"Your video “{video.title}” was reviewed",
                message=f"Your video “{video.title}” {verdict}.{why}",
                from_email=None,
                recipient_list=[owner.email],
            )
        )
    return video


def moderation_decide(*, kind: str, item_id: int, decision: str, by, reason: str = ""):
    """One decision of the moderation queue on a project or a video (see `project_moderate`
    and `video_moderate`). NotFound for an item not in the queue's tables."""
    from ..selectors import moderation_item

    item = moderation_item(kind=kind, item_id=item_id)
    if isinstance(item, Project):
        return project_moderate(project=item, decision=decision, by=by, reason=reason)
    return video_moderate(video=item, decision=decision, by=by, reason=reason)
