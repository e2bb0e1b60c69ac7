"""The media library's refusals, each with the machine-readable code the client branches on
(turned into the standard error shape by the API)."""

from rest_framework import status

from filmstudio.errors import Conflict, DomainError, NotFound


class FileTooLarge(DomainError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "file_too_large"
    default_detail = "The file is larger than this site accepts."


class UnsupportedMedia(DomainError):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    code = "unsupported_media_type"
    default_detail = "The file is not a supported video (MP4, MOV, AVI, MKV or WEBM)."


class QuotaExceeded(DomainError):
    # 429 rather than 403: the refusal is temporary and Retry-After says until when.
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "quota_exceeded"
    default_detail = "This upload would exceed your weekly upload quota."

    def __init__(self, detail: str | None = None, *, retry_after: int | None = None, **kw):
        super().__init__(detail, **kw)
        self.retry_after = retry_after


class VideoNotReady(Conflict):
    code = "not_ready"
    default_detail = "The video is not processed yet."


class CategoryExists(Conflict):
    code = "duplicate"
    default_detail = "A category with this name exists."


class NoFilm(Conflict):
    code = "no_film"
    default_detail = "This project has no finished film yet."


class AlreadyPublished(Conflict):
    code = "already_published"
    default_detail = "This film is already published."


# --- Resumable uploads (tus 1.0) --------------------------------------------------------------


class TusVersionUnsupported(DomainError):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    code = "tus_version_unsupported"


class InvalidHeader(DomainError):
    code = "invalid_header"


class InvalidMetadata(DomainError):
    code = "invalid_metadata"


class UploadNotFound(NotFound):
    default_detail = "Upload not found."


class UploadFinished(Conflict):
    code = "upload_finished"
    default_detail = "This upload is already finished."


class UploadLocked(DomainError):
    status_code = status.HTTP_423_LOCKED
    code = "upload_locked"
    default_detail = "Another request is writing to this upload; retry shortly."


class OffsetMismatch(Conflict):
    code = "offset_mismatch"
    default_detail = "Upload-Offset does not match the bytes received so far."


class CannotReportOwnVideo(DomainError):
    code = "cannot_report_own_video"
    default_detail = "You cannot report your own video."
