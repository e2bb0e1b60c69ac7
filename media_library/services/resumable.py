"""Resumable uploads (tus 1.0 core + creation + termination), the service side.

The bytes of an upload in flight live in MEDIA_RESUMABLE_DIR/<session id>; the row holds
the offset. A PATCH holds an exclusive flock on that file, so two requests can never
write the same upload at once (the second gets 423), without holding a DB transaction
open while bytes trickle in.
"""

import base64
import binascii
import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from filmstudio.errors import DomainError
from filmstudio.text import text_check

from ..errors import (
    FileTooLarge,
    InvalidMetadata,
    OffsetMismatch,
    UnsupportedMedia,
    UploadFinished,
    UploadLocked,
    UploadNotFound,
)
from ..models import UploadSession
from ..selectors import category_get_or_none
from .quota import quota_release, quota_reserve
from .uploads import upload_check_size, video_create_from_local_file


def session_path(session: UploadSession) -> Path:
    return Path(settings.MEDIA_RESUMABLE_DIR) / session.id.hex


def parse_metadata(header: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64value` pairs (value may be absent)."""
    metadata: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in (header or "").split(","))):
        key, _, value = pair.partition(" ")
        try:
            metadata[key] = base64.b64decode(value, validate=True).decode() if value else ""
        except (binascii.Error, UnicodeDecodeError) as exc:
            message = f"Upload-Metadata value for {key!r} is not base64 UTF-8."
            raise InvalidMetadata(message) from exc
    return text_check(metadata, where="Upload-Metadata")


def upload_session_create(*, user, length: int, metadata: dict[str, str]) -> UploadSession:
    """Open a resumable upload of `length` bytes. The size is checked against the site
    maximum (413) and reserved against the weekly quota (429) before any byte is accepted.
    Requires a `title` in the metadata (`filename`, `description`, `category_id` optional)."""
    if not metadata.get("title", "").strip():
        raise InvalidMetadata(
            "Upload-Metadata must include a title.", errors={"title": ["This field is required."]}
        )
    category_id = _category_id(metadata)
    if category_id and category_get_or_none(category_id=category_id) is None:
        raise DomainError("Unknown category.", code="invalid", errors={"category_id": ["Unknown."]})
    if length <= 0:
        raise UnsupportedMedia("The file is empty.")
    upload_check_size(declared_size=length)
    week = quota_reserve(user=user, nbytes=length)
    try:
        session = UploadSession.objects.create(
            user=user, length=length, metadata=metadata, quota_week=week
        )
        session_path(session).touch()
    except Exception:
        quota_release(user=user, nbytes=length, week=week)
        raise
    return session


def _category_id(metadata: dict[str, str]) -> int:
    """The category the upload names (`category_id`, or `category`), 0 for none."""
    value = metadata.get("category_id") or metadata.get("category") or ""
    try:
        return int(value)
    except ValueError:
        return 0


def upload_session_get(*, user, session_id) -> UploadSession:
    session = UploadSession.objects.filter(id=session_id, user=user).first()
    if session is None:
        raise UploadNotFound()
    return session


@contextlib.contextmanager
def _locked(session: UploadSession):
    path = session_path(session)
    try:
        handle = open(path, "r+b")  # noqa: SIM115 - held across the yield
    except FileNotFoundError as exc:
        raise UploadNotFound() from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise UploadLocked() from exc
        yield handle
    finally:
        handle.close()


def upload_session_append(
    *, session: UploadSession, offset: int, read: Callable[[int], bytes]
) -> UploadSession:
    """Append the request body at `offset` (must equal the bytes received so far, else
    409), reading it in MEDIA_UPLOAD_CHUNK_SIZE pieces: memory stays flat whatever the size.
    A body cut short (client gone) keeps what arrived, so the client can resume from HEAD.
    Bytes past the declared length are refused (413). When the last byte arrives the file
    is probed and becomes a Video (or is refused: 415, file deleted, quota released)."""
    if session.status != UploadSession.Status.UPLOADING:
        raise UploadFinished()
    with _locked(session) as handle:
        session.refresh_from_db(fields=["offset", "status"])
        if session.status != UploadSession.Status.UPLOADING:
            raise UploadFinished()
        if offset != session.offset:
            raise OffsetMismatch(
                f"Upload-Offset is {offset}; the server has {session.offset} bytes."
            )
        handle.seek(offset)
        handle.truncate()  # bytes past the committed offset are from a cut-short request
        received = offset
        while True:
            try:
                chunk = read(settings.MEDIA_UPLOAD_CHUNK_SIZE)
            except OSError:  # the client went away mid-body: keep what arrived
                break
            if not chunk:
                break
            if received + len(chunk) > session.length:
                # Nothing of this request is kept: the client sends more than it declared.
                handle.truncate(offset)
                raise FileTooLarge("The body runs past the declared Upload-Length.")
            handle.write(chunk)
            received += len(chunk)
        handle.flush()
        os.fsync(handle.fileno())
        UploadSession.objects.filter(id=session.id).update(
            offset=received, updated_at=timezone.now()
        )
        session.offset = received
        if session.offset == session.length:
            # Still under the lock: a racing PATCH sees the finished status, never finishes twice.
            _upload_session_finish(session)
    return session


def _upload_session_finish(session: UploadSession) -> None:
    meta = session.metadata
    category_id = _category_id(meta)
    category = category_get_or_none(category_id=category_id) if category_id else None
    try:
        video = video_create_from_local_file(
            user=session.user,
            path=str(session_path(session)),
            size=session.length,
            title=meta.get("title", "")[:200],
            description=meta.get("description", ""),
            category=category,
            original_filename=meta.get("filename", ""),
            quota_week=session.quota_week,
        )
    except DomainError as exc:
        UploadSession.objects.filter(id=session.id).update(
            status=UploadSession.Status.REFUSED, error=exc.detail
        )
        raise
    UploadSession.objects.filter(id=session.id).update(
        status=UploadSession.Status.COMPLETED, video=video
    )
    session.status = UploadSession.Status.COMPLETED
    session.video = video


def upload_session_terminate(*, session: UploadSession) -> None:
    """tus termination: drop the partial bytes and give back the quota reservation.

    Takes the upload's lock first, so it cannot pull the file from under a PATCH that is
    writing or finishing it (UploadLocked, 423, meanwhile); the status is re-read under the
    lock and the row removed with a conditional delete, so the reservation is released once
    and only for an upload that never finished (a finished one's bytes count for its video)."""
    with contextlib.ExitStack() as stack:
        with contextlib.suppress(UploadNotFound):  # finished uploads have no partial file left
            stack.enter_context(_locked(session))
        status = (
            UploadSession.objects.filter(id=session.id).values_list("status", flat=True).first()
        )
        with contextlib.suppress(FileNotFoundError):
            session_path(session).unlink()
        deleted, _ = UploadSession.objects.filter(id=session.id).delete()
    if deleted and status == UploadSession.Status.UPLOADING:
        quota_release(user=session.user, nbytes=session.length, week=session.quota_week)


def upload_sessions_expire(*, now: dt.datetime | None = None) -> int:
    """Terminate uploads untouched for MEDIA_UPLOAD_SESSION_TTL_HOURS; finished sessions
    are simply forgotten. Returns how many were removed."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.MEDIA_UPLOAD_SESSION_TTL_HOURS)
    count = 0
    for session in UploadSession.objects.filter(updated_at__lt=cutoff).select_related("user"):
        try:
            upload_session_terminate(session=session)
        except UploadLocked:  # a client is writing to it right now: not abandoned after all
            continue
        count += 1
    return count
