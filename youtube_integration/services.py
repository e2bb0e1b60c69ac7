"""Connections and the calls made as a channel: consent (state + PKCE), the channel session
(refresh before expiry, quota, errors), disconnect, playlists, processing status.

Tokens are decrypted only into a ChannelSession's credentials and written back encrypted;
no function here logs or returns one.
"""

import datetime as dt
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError

from filmstudio.errors import NotFound

from . import google_api
from .errors import (
    NoChannel,
    OAuthCodeInvalid,
    OAuthDenied,
    OAuthStateInvalid,
    QuotaExceeded,
    ReconnectRequired,
    ScopeMissing,
    Unavailable,
)
from .models import ChannelConnection, OAuthRequest, Upload
from .quota import quota_charge, quota_next_reset
from .tokens import reseal, seal, unseal

logger = logging.getLogger(__name__)

# Google's processing states that will not change any more (videos.list processingDetails).
PROCESSING_FINAL = {"succeeded", "failed", "rejected", "terminated"}


# --- consent ---------------------------------------------------------------------------------


def oauth_start(*, user) -> str:
    """Google's consent URL for `user`: a fresh single-use state bound to them and a PKCE
    verifier kept (encrypted) for the exchange. NotConfigured (503) without a client id."""
    google_api.require_configured()
    state = secrets.token_urlsafe(32)
    url, verifier = google_api.consent_url(state=state)
    expired = timezone.now() - dt.timedelta(seconds=settings.YOUTUBE_OAUTH_STATE_TTL)
    # Consent requests nobody came back for go with the next one anybody starts.
    OAuthRequest.objects.filter(created_at__lt=expired).delete()
    OAuthRequest.objects.create(state=state, user=user, code_verifier_encrypted=seal(verifier))
    return url


def oauth_complete(*, user, state: str, code: str = "", error: str = "") -> ChannelConnection:
    """Finish a consent: check the state is `user`'s, unexpired and unused (consumed either
    way), exchange the code with the PKCE verifier, read the channel and store the
    connection with its tokens encrypted (a reconnect of the same channel updates it).

    Raises OAuthStateInvalid, OAuthDenied (the user said no), OAuthCodeInvalid, ScopeMissing
    (upload or read unticked), NoChannel, Unavailable."""
    fresh_since = timezone.now() - dt.timedelta(seconds=settings.YOUTUBE_OAUTH_STATE_TTL)
    pending = OAuthRequest.objects.filter(
        state=state, user=user, created_at__gte=fresh_since
    ).first()
    # The delete is the claim: of two concurrent callbacks with one state, one gets a row.
    if pending is None or not OAuthRequest.objects.filter(pk=pending.pk).delete()[0]:
        raise OAuthStateInvalid()
    if error:
        raise OAuthDenied(f"Google answered `{error}`: access was not granted.")
    if not code:
        raise OAuthCodeInvalid("The callback carries no authorization code.")
    grant = google_api.exchange_code(
        code=code, state=state, code_verifier=unseal(pending.code_verifier_encrypted)
    )
    missing = [scope for scope in google_api.REQUIRED_SCOPES if scope not in grant.scopes]
    if missing:
        _revoke_quietly(grant.refresh_token)
        raise ScopeMissing(
            "Connecting needs the permissions to upload videos and to see the channel; "
            "allow them on Google's consent screen."
        )
    # Not saved until the channel is known: a session on an unsaved row stores nothing.
    unsaved = ChannelConnection(
        owner=user,
        scopes=list(grant.scopes),
        access_token_encrypted=seal(grant.access_token),
        refresh_token_encrypted=seal(grant.refresh_token),
        token_expires_at=grant.expires_at,
    )
    session = ChannelSession(unsaved)
    found = session.call("channels.list", session.api.channels().list(part="snippet", mine=True))
    items = found.get("items") or []
    if not items:
        _revoke_quietly(grant.refresh_token)
        raise NoChannel()
    snippet = items[0].get("snippet") or {}
    thumbnails = snippet.get("thumbnails") or {}
    thumbnail = (thumbnails.get("default") or next(iter(thumbnails.values()), {})).get("url", "")
    connection, _ = ChannelConnection.objects.update_or_create(
        owner=user,
        channel_id=items[0]["id"],
        defaults={
            "channel_title": (snippet.get("title") or "")[:200],
            "channel_thumbnail_url": thumbnail[:500],
            "scopes": list(grant.scopes),
            "status": ChannelConnection.Status.ACTIVE,
            "access_token_encrypted": seal(grant.access_token),
            "refresh_token_encrypted": seal(grant.refresh_token),
            "token_expires_at": grant.expires_at,
            "last_error": "",
        },
    )
    return connection


def _revoke_quietly(token: str) -> None:
    try:
        google_api.revoke(token)
    except Unavailable:
        logger.warning("Could not revoke an unused YouTube grant at Google")


# --- acting as a channel ---------------------------------------------------------------------


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

    def call(self, method: str, request, *, upload_id: int | None = None):
        """Execute one API request (`method` names its quota cost, e.g. "videos.list")."""
        try:
            result = request.execute()
        except HttpError as exc:
            raise self.error(exc, method=method, upload_id=upload_id) from None
        except RefreshError as exc:
            raise self.refresh_failed(exc) from None
        except google_api.TRANSPORT_ERRORS as exc:
            raise Unavailable(f"YouTube could not be reached ({exc.__class__.__name__}).") from None
        finally:
            self.keep_token()
        quota_charge(method=method, upload_id=upload_id)
        return result

    def raw(self, uri: str, method: str, **kwargs):
        """One authorized HTTP exchange outside the generated client (the resumable
        protocol's session requests): (response, content), errors translated."""
        try:
            return self.http.request(uri, method, **kwargs)
        except RefreshError as exc:
            raise self.refresh_failed(exc) from None
        except google_api.TRANSPORT_ERRORS as exc:
            raise Unavailable(f"YouTube could not be reached ({exc.__class__.__name__}).") from None
        finally:
            self.keep_token()

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


def connection_disconnect(*, connection: ChannelConnection) -> None:
    """Revoke the grant at Google, then delete the connection (its uploads stay listed).
    Unavailable (503) and nothing deleted if Google cannot be reached: try again."""
    token = unseal(connection.refresh_token_encrypted) or unseal(connection.access_token_encrypted)
    if token:
        google_api.revoke(token)
    connection.delete()


# --- playlists -------------------------------------------------------------------------------

PLAYLIST_PAGE = 50  # the API's largest page


def playlists_list(*, connection: ChannelConnection) -> list[dict]:
    """Every playlist of the channel (all pages), newest first as YouTube returns them."""
    session = channel_session(connection=connection)
    playlists, token = [], None
    while True:
        page = session.call(
            "playlists.list",
            session.api.playlists().list(
                part="snippet,status,contentDetails",
                mine=True,
                maxResults=PLAYLIST_PAGE,
                pageToken=token,
            ),
        )
        playlists.extend(page.get("items") or [])
        token = page.get("nextPageToken")
        if not token:
            return playlists


def playlist_create(
    *, connection: ChannelConnection, title: str, description: str = "", privacy: str
) -> dict:
    session = channel_session(connection=connection)
    session.require_scope(google_api.SCOPE_FORCE_SSL, "Creating a playlist")
    body = {
        "snippet": {"title": title, "description": description},
        "status": {"privacyStatus": privacy},
    }
    return session.call(
        "playlists.insert", session.api.playlists().insert(part="snippet,status", body=body)
    )


def playlist_check_owned(*, session: ChannelSession, playlist_id: str, upload_id=None) -> dict:
    """The playlist, if it is this channel's; NotFound otherwise (another channel's playlist
    does not exist for the caller)."""
    found = session.call(
        "playlists.list",
        session.api.playlists().list(part="snippet", id=playlist_id),
        upload_id=upload_id,
    )
    for item in found.get("items") or []:
        if (item.get("snippet") or {}).get("channelId") == session.connection.channel_id:
            return item
    raise NotFound("Playlist not found on this channel.")


def playlist_items_of(*, session: ChannelSession, playlist_id: str, upload: Upload) -> list[str]:
    found = session.call(
        "playlistItems.list",
        session.api.playlistItems().list(
            part="id", playlistId=playlist_id, videoId=upload.youtube_video_id
        ),
        upload_id=upload.pk,
    )
    return [item["id"] for item in found.get("items") or []]


def playlist_add_video(*, upload: Upload, playlist_id: str) -> str:
    """Put the upload's video into one of its channel's playlists (once: an item already
    there is reused). Returns the playlist item id."""
    session = channel_session(connection=upload.connection)
    session.require_scope(google_api.SCOPE_FORCE_SSL, "Adding to a playlist")
    playlist_check_owned(session=session, playlist_id=playlist_id, upload_id=upload.pk)
    existing = playlist_items_of(session=session, playlist_id=playlist_id, upload=upload)
    if existing:
        return existing[0]
    body = {
        "snippet": {
            "playlistId": playlist_id,
            "resourceId": {"kind": "youtube#video", "videoId": upload.youtube_video_id},
        }
    }
    item = session.call(
        "playlistItems.insert",
        session.api.playlistItems().insert(part="snippet", body=body),
        upload_id=upload.pk,
    )
    return item["id"]


def playlist_remove_video(*, upload: Upload, playlist_id: str) -> int:
    """Take the upload's video out of the playlist; returns how many items went."""
    session = channel_session(connection=upload.connection)
    session.require_scope(google_api.SCOPE_FORCE_SSL, "Removing from a playlist")
    playlist_check_owned(session=session, playlist_id=playlist_id, upload_id=upload.pk)
    items = playlist_items_of(session=session, playlist_id=playlist_id, upload=upload)
    for item_id in items:
        session.call(
            "playlistItems.delete",
            session.api.playlistItems().delete(id=item_id),
            upload_id=upload.pk,
        )
    Upload.objects.filter(pk=upload.pk, playlist_item_id__in=items).update(playlist_item_id="")
    return len(items)


# --- processing status -----------------------------------------------------------------------


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


def tokens_rotate() -> int:
    """Re-encrypt every stored token and verifier under the newest key; returns how many
    connections were rewritten. Each row is rewritten under its lock (a refresh running at
    the same time is not lost)."""
    rotated = 0
    for pk in ChannelConnection.objects.values_list("pk", flat=True):
        with transaction.atomic():
            connection = ChannelConnection.objects.select_for_update().get(pk=pk)
            connection.access_token_encrypted = reseal(connection.access_token_encrypted)
            connection.refresh_token_encrypted = reseal(connection.refresh_token_encrypted)
            connection.save(update_fields=["access_token_encrypted", "refresh_token_encrypted"])
            rotated += 1
    for request in OAuthRequest.objects.all():
        request.code_verifier_encrypted = reseal(request.code_verifier_encrypted)
        request.save(update_fields=["code_verifier_encrypted"])
    return rotated
