"""Acting as a connected channel: credentials refreshed before expiry, every call charged to
the quota ledger, Google's errors translated, a dead grant turned into `reconnect_required`.

Tokens are decrypted only into a ChannelSession's credentials and written back encrypted;
nothing here logs or returns one.
"""

import datetime as dt
import logging
from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError

from .. import google_api
from ..errors import QuotaExceeded, ReconnectRequired, ScopeMissing, Unavailable
from ..models import ChannelConnection
from ..quota import quota_charge, quota_next_reset
from ..tokens import seal, unseal

logger = logging.getLogger(__name__)


class ChannelSession:
    """The Data API as one connected channel: credentials refreshed before expiry, every call
    charged to the quota ledger and its errors translated; a token Google refreshed on the way
    is stored again (encrypted)."""

    def __init__(self, connection: ChannelConnection):
        self.connection = connection
        self.credentials = google_api.credentials(
            access_token=unseal(connection.access_token_encrypted),
            refresh_token=unseal(connection.refresh_token_encrypted),
            expires_at=connection.token_expires_at,
            scopes=connection.scopes,
        )
        self._stored_token = self.credentials.token
        self.api, self.http = google_api.youtube(self.credentials)

    def __repr__(self) -> str:
        return f"ChannelSession(connection={self.connection.pk})"

    def ensure_fresh(self) -> None:
        margin = dt.timedelta(seconds=settings.YOUTUBE_TOKEN_REFRESH_MARGIN)
        expires = self.connection.token_expires_at
        if self.credentials.token and expires and expires - timezone.now() > margin:
            return
        try:
            google_api.refresh(self.credentials)
        except RefreshError as exc:
            raise self.refresh_failed(exc) from None
        self.keep_token()

    def keep_token(self) -> None:
        """Store the access token again if Google refreshed it during a call."""
        if self.credentials.token == self._stored_token or self.connection.pk is None:
            return
        fields = {
            "access_token_encrypted": seal(self.credentials.token),
            "token_expires_at": google_api.credentials_expiry(self.credentials),
            "updated_at": timezone.now(),
        }
        if self.credentials.refresh_token:  # Google may rotate it; keep the newest
            fields["refresh_token_encrypted"] = seal(self.credentials.refresh_token)
        ChannelConnection.objects.filter(pk=self.connection.pk).update(**fields)
        self.connection.token_expires_at = fields["token_expires_at"]
        self._stored_token = self.credentials.token

    def refresh_failed(self, exc: RefreshError) -> Exception:
        if not google_api.is_invalid_grant(exc):
            return Unavailable("Google's token endpoint refused to refresh the token; retrying.")
        connection_mark_reconnect(connection=self.connection, reason="invalid_grant")
        return ReconnectRequired()

    def error(self, exc: HttpError, *, method: str = "", upload_id: int | None = None):
        """Our error for Google's; with `method`, the failed call is charged to the quota
        (Google bills refused calls too, except for quota it no longer has)."""
        quota_gone = google_api.error_reason(exc) in {"quotaExceeded", "dailyLimitExceeded"}
        if method and not quota_gone:
            quota_charge(method=method, upload_id=upload_id)
        if quota_gone:
            resume_at = quota_next_reset()
            return QuotaExceeded(
                f"The daily YouTube API quota is used up (quotaExceeded); it resets at "
                f"{resume_at.isoformat()}.",
                resume_at=resume_at,
            )
        return google_api.translate(exc)

    @contextmanager
    def _exchange(self):
        """One exchange with Google: a refused refresh or a lost connection translated, and a
        token refreshed on the way stored."""
        try:
            yield
        except RefreshError as exc:
            raise self.refresh_failed(exc) from None
        except google_api.TRANSPORT_ERRORS as exc:
            raise Unavailable(f"YouTube could not be reached ({exc.__class__.__name__}).") from None
        finally:
            self.keep_token()

    def call(self, method: str, request, *, upload_id: int | None = None):
        """Execute one API request (`method` names its quota cost, e.g. "videos.list")."""
        with self._exchange():
            try:
                result = request.execute()
            except HttpError as exc:
                raise self.error(exc, method=method, upload_id=upload_id) from None
        quota_charge(method=method, upload_id=upload_id)
        return result

    def raw(self, uri: str, method: str, **kwargs):
        """One authorized HTTP exchange outside the generated client (the resumable
        protocol's session requests): (response, content)."""
        with self._exchange():
            return self.http.request(uri, method, **kwargs)

    def require_scope(self, scope: str, what: str) -> None:
        if scope not in (self.connection.scopes or []):
            raise ScopeMissing(f"{what} needs the `{scope.rsplit('/', 1)[-1]}` permission.")


def channel_session(*, connection: ChannelConnection | None) -> ChannelSession:
    """A session for an active connection (ReconnectRequired otherwise, or if Google refuses
    to refresh its token)."""
    google_api.require_configured()
    if connection is None:
        raise ReconnectRequired("The channel was disconnected; connect it again.")
    if connection.status != ChannelConnection.Status.ACTIVE:
        raise ReconnectRequired()
    session = ChannelSession(connection)
    session.ensure_fresh()
    return session


def connection_mark_reconnect(*, connection: ChannelConnection, reason: str) -> None:
    """Google refused the grant: forget the dead tokens and ask the user to reconnect."""
    ChannelConnection.objects.filter(pk=connection.pk).update(
        status=ChannelConnection.Status.RECONNECT_REQUIRED,
        access_token_encrypted="",
        refresh_token_encrypted="",
        token_expires_at=None,
        last_error=reason[:300],
        updated_at=timezone.now(),
    )
    connection.status = ChannelConnection.Status.RECONNECT_REQUIRED
    logger.info("YouTube connection %s needs a reconnect (%s)", connection.pk, reason)
