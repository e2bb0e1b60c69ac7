"""The resumable upload of a video to YouTube, resumable across processes.

The session URI is stored the moment Google hands it out, before a byte is sent, and the
offset Google confirmed is stored after every chunk. A later run (another worker, after a
crash) never starts from zero and never opens a second session while the first can go on:
it asks Google for the session's offset (`Content-Range: bytes */total`) and continues from
there, or, if Google says the session is already complete, takes the video it made. So one
Upload makes at most one video. A 5xx or a dropped connection is retried in place (the client
asks for the offset again first) with exponential backoff, then handed to the caller as a
retryable Unavailable.
"""

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload

from .. import google_api
from ..errors import QuotaExceeded, Unavailable, YouTubeError
from ..models import Upload
from ..quota import quota_charge
from ..sources import source_file
from .channel import ChannelSession

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]  # (bytes confirmed, total bytes)


@dataclass(frozen=True)
class SessionState:
    offset: int  # bytes Google holds
    video: dict | None = None  # the video, when the session is complete
    gone: bool = False  # Google no longer knows the session (expired after a week)


def _backoff(failures: int) -> float:
    base = settings.YOUTUBE_RETRY_BACKOFF_BASE * 2 ** (failures - 1)
    return min(base, settings.YOUTUBE_RETRY_BACKOFF_MAX) * (0.5 + random.random() / 2)


def video_metadata(upload: Upload) -> dict:
    status = {"privacyStatus": upload.privacy, "selfDeclaredMadeForKids": upload.made_for_kids}
    if upload.publish_at:
        # A scheduled video is private until YouTube publishes it at publishAt.
        status["privacyStatus"] = Upload.Privacy.PRIVATE
        status["publishAt"] = upload.publish_at.isoformat().replace("+00:00", "Z")
    return {
        "snippet": {
            "title": upload.title,
            "description": upload.description,
            "tags": list(upload.tags),
            "categoryId": upload.category_id,
        },
        "status": status,
    }


def session_query(session: ChannelSession, uri: str, total: int) -> SessionState:
    """Ask Google how many bytes of the session it holds."""
    response, content = session.raw(
        uri, "PUT", headers={"Content-Range": f"bytes */{total}", "Content-Length": "0"}
    )
    if response.status in (200, 201):
        return SessionState(offset=total, video=_json(content))
    if response.status == 308:
        confirmed = response.get("range", "")
        return SessionState(offset=int(confirmed.rsplit("-", 1)[1]) + 1 if confirmed else 0)
    if response.status in (404, 410):
        return SessionState(offset=0, gone=True)
    raise session.error(HttpError(response, content, uri=uri))


def _json(content: bytes) -> dict:
    return json.loads(content) if content else {}


def _open_session(session: ChannelSession, upload: Upload, request, total: int, mimetype: str):
    """POST the metadata (videos.insert: its quota is charged here) and store the session
    URI before any byte goes."""
    headers = {
        **request.headers,
        "X-Upload-Content-Type": mimetype,
        "X-Upload-Content-Length": str(total),
        "content-length": str(len(request.body or "")),
    }
    response, content = session.raw(request.uri, request.method, body=request.body, headers=headers)
    if response.status != 200 or "location" not in response:
        raise session.error(
            HttpError(response, content, uri=request.uri),
            method="videos.insert",
            upload_id=upload.pk,
        )
    quota_charge(method="videos.insert", upload_id=upload.pk)
    request.resumable_uri = response["location"]
    request.resumable_progress = 0
    Upload.objects.filter(pk=upload.pk).update(
        session_uri=request.resumable_uri,
        bytes_sent=0,
        total_bytes=total,
        status=Upload.Status.UPLOADING,
        updated_at=timezone.now(),
    )


def _save_offset(upload: Upload, offset: int) -> None:
    Upload.objects.filter(pk=upload.pk).update(bytes_sent=offset, updated_at=timezone.now())


def _finish(upload: Upload, video: dict, progress: ProgressCallback) -> Upload:
    status = video.get("status") or {}
    Upload.objects.filter(pk=upload.pk).update(
        youtube_video_id=video["id"],
        bytes_sent=F("total_bytes"),
        session_uri="",
        status=Upload.Status.UPLOADED,
        upload_status=status.get("uploadStatus", ""),
        uploaded_at=timezone.now(),
        updated_at=timezone.now(),
    )
    upload.refresh_from_db()
    progress(upload.total_bytes, upload.total_bytes)
    return upload


def upload_send(*, upload: Upload, session: ChannelSession, progress: ProgressCallback) -> Upload:
    """Send the upload's file to YouTube (resuming a stored session) and record the video.

    Idempotent: an upload that already has its video returns at once. Raises Unavailable
    (retryable: run again and it resumes), QuotaExceeded, ReconnectRequired,
    UploadLimitExceeded or YouTubeError. `progress` may raise to stop (the session stays
    stored for the next run)."""
    if upload.youtube_video_id:
        return upload
    source = source_file(upload)
    with source.open() as stream:
        total = source.size
        media = MediaIoBaseUpload(
            stream,
            mimetype=source.content_type,
            chunksize=settings.YOUTUBE_UPLOAD_CHUNK_SIZE,
            resumable=True,
        )
        request = session.api.videos().insert(
            part="snippet,status", body=video_metadata(upload), media_body=media
        )
        if upload.session_uri:
            if upload.total_bytes != total:
                raise YouTubeError("The source file changed size during its upload.")
            state = session_query(session, upload.session_uri, total)
            if state.video is not None:
                return _finish(upload, state.video, progress)
            if state.gone:
                logger.info("Upload %s: session expired at Google; opening a new one", upload.pk)
            else:
                request.resumable_uri = upload.session_uri
                request.resumable_progress = state.offset
                _save_offset(upload, state.offset)
                progress(state.offset, total)
        if request.resumable_uri is None:
            _open_session(session, upload, request, total, source.content_type)
        return _send_chunks(session, upload, request, total, progress)


def _send_chunks(session, upload, request, total, progress) -> Upload:
    failures = 0
    while True:
        try:
            _, video = request.next_chunk()
        except HttpError as exc:
            error = session.error(exc)
            if exc.resp.status in (404, 410):
                # The session died under us: forget it; the next run opens a new one.
                Upload.objects.filter(pk=upload.pk).update(session_uri="", bytes_sent=0)
                raise Unavailable("YouTube dropped the upload session; starting again.") from None
            if isinstance(error, QuotaExceeded) or not getattr(error, "retryable", False):
                raise error from None
            failures += 1
            reason = f"{exc.resp.status}"
        except RefreshError as exc:
            raise session.refresh_failed(exc) from None
        except google_api.TRANSPORT_ERRORS as exc:
            failures += 1
            reason = exc.__class__.__name__
        else:
            failures = 0
            if video is not None:
                return _finish(upload, video, progress)
            session.keep_token()
            _save_offset(upload, request.resumable_progress)
            progress(request.resumable_progress, total)
            continue
        if failures > settings.YOUTUBE_CHUNK_RETRIES:
            raise Unavailable(f"YouTube kept failing the upload ({reason}); will resume.")
        delay = _backoff(failures)
        logger.info(
            "Upload %s: chunk at %s failed (%s); asking for the offset in %.1fs",
            upload.pk,
            request.resumable_progress,
            reason,
            delay,
        )
        time.sleep(delay)
