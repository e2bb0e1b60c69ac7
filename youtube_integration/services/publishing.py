"""The steps after the video exists: thumbnail (thumbnails.set), captions (captions.insert)
and playlist (playlistItems.insert). Each is safe to run again: the thumbnail is simply set
again, and a repeated captions or playlist step first looks for what an earlier try made.
"""

from django.db import transaction
from django.utils import timezone
from googleapiclient.http import MediaIoBaseUpload

from .. import google_api
from ..errors import YouTubeError
from ..models import Upload
from ..sources import captions_file, thumbnail_file
from .channel import ChannelSession
from .playlists import playlist_add_video

CAPTION_TRACK_NAME = "FilmStudio"


def _count_try(upload: Upload, step: str) -> int:
    """Count a try of `step` before Google is asked; returns which try this is."""
    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        tries = dict(locked.step_tries)
        tries[step] = tries.get(step, 0) + 1
        locked.step_tries = tries
        locked.save(update_fields=["step_tries", "updated_at"])
    upload.step_tries = tries
    return tries[step]


def _require_video(upload: Upload) -> None:
    if not upload.youtube_video_id:
        raise YouTubeError("The video has not been uploaded yet.", code="not_uploaded")


def upload_set_thumbnail(*, upload: Upload, session: ChannelSession) -> bool:
    """Set the video's custom thumbnail (False when the upload has none to set)."""
    _require_video(upload)
    source = thumbnail_file(upload)
    if upload.thumbnail_set or source is None:
        return upload.thumbnail_set
    with source.open() as stream:
        media = MediaIoBaseUpload(stream, mimetype=source.content_type, resumable=False)
        session.call(
            "thumbnails.set",
            session.api.thumbnails().set(videoId=upload.youtube_video_id, media_body=media),
            upload_id=upload.pk,
        )
    Upload.objects.filter(pk=upload.pk).update(thumbnail_set=True, updated_at=timezone.now())
    upload.thumbnail_set = True
    return True


def _existing_caption(session: ChannelSession, upload: Upload) -> str:
    found = session.call(
        "captions.list",
        session.api.captions().list(part="snippet", videoId=upload.youtube_video_id),
        upload_id=upload.pk,
    )
    for item in found.get("items") or []:
        snippet = item.get("snippet") or {}
        if snippet.get("name") == CAPTION_TRACK_NAME and (
            snippet.get("language") == upload.caption_language
        ):
            return item["id"]
    return ""


def upload_insert_captions(*, upload: Upload, session: ChannelSession) -> str:
    """Add the film's subtitles as a caption track (once); returns its id ("" if none)."""
    _require_video(upload)
    source = captions_file(upload)
    if upload.caption_id or source is None:
        return upload.caption_id
    session.require_scope(google_api.SCOPE_FORCE_SSL, "Adding captions")
    caption_id = ""
    if _count_try(upload, "captions") > 1:
        caption_id = _existing_caption(session, upload)
    if not caption_id:
        body = {
            "snippet": {
                "videoId": upload.youtube_video_id,
                "language": upload.caption_language,
                "name": CAPTION_TRACK_NAME,
                "isDraft": False,
            }
        }
        with source.open() as stream:
            media = MediaIoBaseUpload(stream, mimetype=source.content_type, resumable=False)
            caption = session.call(
                "captions.insert",
                session.api.captions().insert(part="snippet", body=body, media_body=media),
                upload_id=upload.pk,
            )
        caption_id = caption["id"]
    Upload.objects.filter(pk=upload.pk).update(caption_id=caption_id, updated_at=timezone.now())
    upload.caption_id = caption_id
    return caption_id


def upload_add_to_playlist(*, upload: Upload) -> str:
    """Put the video into the playlist chosen at upload time (once); returns the item id."""
    _require_video(upload)
    if not upload.playlist_id or upload.playlist_item_id:
        return upload.playlist_item_id
    item_id = playlist_add_video(upload=upload, playlist_id=upload.playlist_id)
    Upload.objects.filter(pk=upload.pk).update(playlist_item_id=item_id, updated_at=timezone.now())
    upload.playlist_item_id = item_id
    return item_id
