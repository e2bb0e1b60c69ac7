"""Connecting and disconnecting channels: the consent (a single-use state bound to the user,
PKCE), the code exchange, revoking, and re-encrypting stored tokens under a new key."""

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import google_api
from ..errors import (
    NoChannel,
    OAuthCodeInvalid,
    OAuthDenied,
    OAuthStateInvalid,
    ScopeMissing,
    Unavailable,
)
from ..models import ChannelConnection, OAuthRequest
from ..tokens import reseal, seal, unseal
from .channel import ChannelSession

logger = logging.getLogger(__name__)


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


def connection_disconnect(*, connection: ChannelConnection) -> None:
    """Revoke the grant at Google, then delete the connection (its uploads stay listed).
    Unavailable (503) and nothing deleted if Google cannot be reached: try again."""
    token = unseal(connection.refresh_token_encrypted) or unseal(connection.access_token_encrypted)
    if token:
        google_api.revoke(token)
    connection.delete()


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


def connections_erase_owner(*, user) -> None:
    """A deleted account's channel grants: deleted now, revoked at Google after the commit
    (best effort: the account is gone either way)."""
    for connection in ChannelConnection.objects.filter(owner=user):
        token = unseal(connection.refresh_token_encrypted) or unseal(
            connection.access_token_encrypted
        )
        if token:
            transaction.on_commit(lambda token=token: _revoke_quietly(token))
        connection.delete()
