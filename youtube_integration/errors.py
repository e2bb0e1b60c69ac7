"""Errors of YouTube publishing, each with its HTTP status and machine-readable code.

`retryable` tells the job engine whether another try of a step may succeed.
"""

from datetime import datetime

from rest_framework import status

from filmstudio.errors import Conflict, DomainError


class YouTubeError(DomainError):
    """Google answered with an error we do not handle specially (its reason is in the text)."""

    status_code = status.HTTP_502_BAD_GATEWAY
    code = "youtube_rejected"
    default_detail = "YouTube refused the request."
    retryable = False


class NotConfigured(DomainError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "youtube_not_configured"
    default_detail = "YouTube publishing is not configured on this server (no Google client id)."
    retryable = False


class Unavailable(YouTubeError):
    """A 5xx, a rate limit or a dropped connection: worth trying again later."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "youtube_unavailable"
    default_detail = "YouTube could not be reached; try again shortly."
    retryable = True


class OAuthStateInvalid(DomainError):
    code = "oauth_state_invalid"
    default_detail = "This consent link is unknown, expired, already used or not yours."


class OAuthDenied(DomainError):
    code = "oauth_denied"
    default_detail = "Access to the YouTube channel was not granted."


class OAuthCodeInvalid(DomainError):
    code = "oauth_code_invalid"
    default_detail = "Google did not accept the authorization code."


class NoChannel(Conflict):
    code = "youtube_channel_missing"
    default_detail = "This Google account has no YouTube channel; create one on YouTube first."


class ScopeMissing(Conflict):
    code = "scope_missing"
    default_detail = "The channel was connected without a permission this needs; reconnect it."
    retryable = False


class ReconnectRequired(Conflict):
    code = "reconnect_required"
    default_detail = (
        "Google no longer accepts this channel's authorization (revoked or expired); "
        "connect the channel again."
    )
    retryable = False


class UploadLimitExceeded(Conflict):
    code = "upload_limit_exceeded"
    default_detail = "The channel has reached YouTube's upload limit for now (uploadLimitExceeded)."
    retryable = False


class QuotaExceeded(DomainError):
    """The Cloud project's daily quota is spent (quotaExceeded). A job waits for `resume_at`
    (the next midnight, Pacific time) instead of failing."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "quota_exceeded"
    default_detail = "The daily YouTube API quota is used up (quotaExceeded)."
    retryable = True

    def __init__(self, detail: str | None = None, *, resume_at: datetime, **kw):
        super().__init__(detail, **kw)
        self.resume_at = resume_at
