"""The processing status of published videos, asked of YouTube when the list is read."""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from ..errors import QuotaExceeded, ReconnectRequired, ScopeMissing, Unavailable
from ..models import Upload
from .channel import channel_session

logger = logging.getLogger(__name__)

# Google's processing states that will not change any more (videos.list processingDetails).
PROCESSING_FINAL = {"succeeded", "failed", "rejected", "terminated"}


def videos_refresh_status(*, uploads: Iterable[Upload], now=None) -> None:
    """Ask YouTube (videos.list, one call per channel) for the processing status of the
    published videos among `uploads` whose last answer is stale and not final. Best effort:
    a failure leaves the stored status as it was."""
    now = now or timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.YOUTUBE_PROCESSING_REFRESH_SECONDS)
    by_connection: dict[int, list[Upload]] = defaultdict(list)
    for upload in uploads:
        if (
            upload.youtube_video_id
            and upload.connection_id
            and upload.processing_status not in PROCESSING_FINAL
            and upload.upload_status != "deleted"
            and (
                upload.processing_checked_at is None or upload.processing_checked_at < stale_before
            )
        ):
            by_connection[upload.connection_id].append(upload)
    for group in by_connection.values():
        try:
            session = channel_session(connection=group[0].connection)
            found = session.call(
                "videos.list",
                session.api.videos().list(
                    part="status,processingDetails",
                    id=",".join(u.youtube_video_id for u in group[:50]),
                    maxResults=50,
                ),
            )
        except (ReconnectRequired, Unavailable, QuotaExceeded, ScopeMissing) as exc:
            logger.info("Processing status not refreshed: %s", exc.__class__.__name__)
            continue
        answers = {item["id"]: item for item in found.get("items") or []}
        for upload in group[:50]:
            item = answers.get(upload.youtube_video_id)
            status = (item or {}).get("status") or {}
            processing = ((item or {}).get("processingDetails") or {}).get("processingStatus")
            upload.upload_status = status.get("uploadStatus", "deleted" if item is None else "")
            upload.processing_status = processing or upload.processing_status
            if status.get("privacyStatus") in Upload.Privacy.values:
                upload.privacy = status["privacyStatus"]
            upload.processing_checked_at = now
            Upload.objects.filter(pk=upload.pk).update(
                upload_status=upload.upload_status,
                processing_status=upload.processing_status,
                privacy=upload.privacy,
                processing_checked_at=now,
            )
