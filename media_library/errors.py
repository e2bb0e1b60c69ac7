"""Domain errors of the media library (turned into the standard error shape by the API)."""

from rest_framework import status

from filmstudio.errors import DomainError


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
