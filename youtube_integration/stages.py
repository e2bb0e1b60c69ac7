"""The work of the `youtube_upload` job's stages, with the job engine's stage contract
(`work(job, *, progress) -> dict`, see jobs/stages.py): upload, thumbnail, captions, playlist.

Each stage is its own retryable step and safe to run again: the upload resumes its stored
session from Google's offset, the thumbnail is set again, captions and the playlist item are
looked for before they are inserted again. Errors keep their codes (`reconnect_required`,
`upload_limit_exceeded`, `youtube_unavailable`, ...) and say whether a retry can help;
`quota_exceeded` carries `resume_at`, the next quota day.
"""

from django.utils import timezone

from .models import Upload
from .services.channel import channel_session
from .services.publishing import (
    upload_add_to_playlist,
    upload_insert_captions,
    upload_set_thumbnail,
)
from .services.uploader import upload_send


def _upload_of(job) -> Upload:
    return Upload.objects.select_related(
        "connection", "film", "video", "thumbnail", "captions"
    ).get(job=job)


def upload(job, *, progress) -> dict:
    """Send the video (resumable); progress events say how many bytes Google confirmed."""
    target = _upload_of(job)

    def report(sent: int, total: int) -> None:
        progress(sent * 100 // max(total, 1), f"upload: {sent} of {total} bytes")

    done = upload_send(
        upload=target, session=channel_session(connection=target.connection), progress=report
    )
    return {"youtube_video_id": done.youtube_video_id, "bytes": done.total_bytes, "url": done.url}


def thumbnail(job, *, progress) -> dict:
    target = _upload_of(job)
    done = upload_set_thumbnail(
        upload=target, session=channel_session(connection=target.connection)
    )
    progress(100, "thumbnail set" if done else "no thumbnail to set")
    return {"thumbnail_set": done}


def captions(job, *, progress) -> dict:
    target = _upload_of(job)
    if target.captions_id is None:
        progress(100, "no captions to add")
        return {"caption_id": ""}
    caption_id = upload_insert_captions(
        upload=target, session=channel_session(connection=target.connection)
    )
    progress(100, "captions added")
    return {"caption_id": caption_id}


def playlist(job, *, progress) -> dict:
    target = _upload_of(job)
    item_id = upload_add_to_playlist(upload=target)
    progress(100, "added to the playlist" if item_id else "no playlist")
    Upload.objects.filter(pk=target.pk).update(
        status=Upload.Status.PUBLISHED, updated_at=timezone.now()
    )
    return {"playlist_item_id": item_id}


# The stage table's names (jobs/stages.py) -> their work.
STAGE_WORK = {
    "youtube_upload": upload,
    "youtube_thumbnail": thumbnail,
    "youtube_captions": captions,
    "youtube_playlist": playlist,
}
