"""Google's official clients, configured from settings, and their errors translated to ours.

No database here. The YouTube client is built from the discovery document that ships inside
google-api-python-client (no network fetch), with its root URL taken from
settings.YOUTUBE_API_ROOT_URL when set, so media uploads follow it too (client_options alone
would leave the upload URLs on Google's host). HTTP goes through `build_http()`, which keeps
httplib2 from treating the resumable protocol's 308 as a redirect.
"""

import datetime as dt
import http.client
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import google_auth_httplib2
import googleapiclient
import httplib2
import requests
from django.conf import settings
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow
from googleapiclient.discovery import Resource, build_from_document
from googleapiclient.errors import HttpError
from googleapiclient.http import build_http
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from .errors import (
    NotConfigured,
    OAuthCodeInvalid,
    ScopeMissing,
    Unavailable,
    UploadLimitExceeded,
    YouTubeError,
)

logger = logging.getLogger(__name__)

DISCOVERY_DOCUMENT = (
    Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "youtube.v3.json"
)
SCOPE_FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
# Without these two a connection is useless: uploading, and reading the channel.
REQUIRED_SCOPES = (
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.readonly",
)
# Lost connections and timeouts, as httplib2 and http.client raise them.
TRANSPORT_ERRORS = (httplib2.HttpLib2Error, http.client.HTTPException, OSError, TransportError)
# Google's error reasons that mean "slow down / try later" rather than "no".
RETRYABLE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "backendError", "internalError"}


def require_configured() -> None:
    if not (settings.YOUTUBE_CLIENT_ID and settings.YOUTUBE_CLIENT_SECRET):
        raise NotConfigured()


@lru_cache(maxsize=4)
def _discovery(root_url: str) -> str:
    document = json.loads(DISCOVERY_DOCUMENT.read_text())
    if root_url:
        root = root_url.rstrip("/") + "/"
        document["rootUrl"] = root
        document["mtlsRootUrl"] = root
        document["baseUrl"] = root + document["servicePath"]
    return json.dumps(document)


def new_http() -> httplib2.Http:
    http_ = build_http()
    http_.timeout = settings.YOUTUBE_HTTP_TIMEOUT
    return http_


# --- OAuth: consent URL, code exchange, refresh, revoke ------------------------------------


def _flow(*, state: str, code_verifier: str | None = None) -> Flow:
    require_configured()
    config = {
        "web": {
            "client_id": settings.YOUTUBE_CLIENT_ID,
            "client_secret": settings.YOUTUBE_CLIENT_SECRET,
            "auth_uri": settings.GOOGLE_AUTH_URI,
            "token_uri": settings.GOOGLE_TOKEN_URI,
            "redirect_uris": [settings.YOUTUBE_REDIRECT_URI],
        }
    }
    return Flow.from_client_config(
        config,
        scopes=list(settings.YOUTUBE_OAUTH_SCOPES),
        redirect_uri=settings.YOUTUBE_REDIRECT_URI,
        state=state,
        code_verifier=code_verifier,
        autogenerate_code_verifier=code_verifier is None,
    )


def consent_url(*, state: str) -> tuple[str, str]:
    """Google's consent URL for `state` and the PKCE code verifier its challenge came from.
    Offline access (a refresh token) and the consent prompt (so Google sends one again on a
    reconnect)."""
    flow = _flow(state=state)
    url, _ = flow.authorization_url(access_type="offline", prompt="consent")
    return url, flow.code_verifier


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    refresh_token: str
    expires_at: dt.datetime
    scopes: tuple[str, ...]

    def __repr__(self) -> str:  # never print a token, even in a traceback's locals
        return f"TokenGrant(expires_at={self.expires_at!r}, scopes={self.scopes!r})"


def _refuse_server_errors(response):
    # oauthlib reads any body as an OAuth answer; a 5xx is Google being down, not a "no".
    if response.status_code >= 500:
        raise Unavailable(f"Google's token endpoint answered {response.status_code}.")
    return response


def exchange_code(*, code: str, state: str, code_verifier: str) -> TokenGrant:
    """Trade the authorization code (and the PKCE verifier) for tokens at Google."""
    flow = _flow(state=state, code_verifier=code_verifier)
    flow.oauth2session.register_compliance_hook("access_token_response", _refuse_server_errors)
    try:
        token = flow.fetch_token(code=code, timeout=settings.YOUTUBE_HTTP_TIMEOUT)
    except Warning as granted_less:
        # oauthlib raises when Google granted fewer scopes than asked (the user unticked
        # some); the token rides on the warning and the caller checks what was granted.
        token = getattr(granted_less, "token", None)
        if token is None:
            raise
    except OAuth2Error as exc:
        raise OAuthCodeInvalid(
            f"Google did not accept the authorization code ({exc.error})."
        ) from None
    except (requests.RequestException, ValueError) as exc:
        raise Unavailable(f"Google's token endpoint failed: {exc.__class__.__name__}.") from None
    scope = token.get("scope") or ""
    scopes = scope.split() if isinstance(scope, str) else list(scope)
    if not token.get("refresh_token"):
        raise OAuthCodeInvalid("Google sent no refresh token; connect the channel again.")
    return TokenGrant(
        access_token=token["access_token"],
        refresh_token=token["refresh_token"],
        expires_at=dt.datetime.fromtimestamp(float(token["expires_at"]), dt.UTC),
        scopes=tuple(scopes),
    )


def credentials(
    *, access_token: str, refresh_token: str, expires_at: dt.datetime | None, scopes
) -> Credentials:
    expiry = expires_at.astimezone(dt.UTC).replace(tzinfo=None) if expires_at else None
    return Credentials(
        token=access_token or None,
        refresh_token=refresh_token,
        token_uri=settings.GOOGLE_TOKEN_URI,
        client_id=settings.YOUTUBE_CLIENT_ID,
        client_secret=settings.YOUTUBE_CLIENT_SECRET,
        scopes=list(scopes) or None,
        expiry=expiry,
    )


def credentials_expiry(creds: Credentials) -> dt.datetime | None:
    return creds.expiry.replace(tzinfo=dt.UTC) if creds.expiry else None


def is_invalid_grant(exc: RefreshError) -> bool:
    """Whether Google refused the refresh token itself (revoked, expired): no retry helps."""
    details = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], dict) else {}
    return details.get("error") == "invalid_grant" or str(exc).startswith("invalid_grant")


def refresh(creds: Credentials) -> None:
    """Get a new access token (RefreshError if Google refuses, Unavailable if unreachable)."""
    try:
        creds.refresh(google_auth_httplib2.Request(new_http()))
    except RefreshError:
        raise
    except TRANSPORT_ERRORS as exc:
        raise Unavailable(f"Google's token endpoint failed: {exc.__class__.__name__}.") from None


def revoke(token: str) -> None:
    """Revoke a grant at Google. A token Google no longer knows counts as revoked."""
    body = urlencode({"token": token})
    try:
        response, content = new_http().request(
            settings.GOOGLE_REVOKE_URI,
            "POST",
            body=body,
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    except TRANSPORT_ERRORS as exc:
        raise Unavailable(f"Google's revoke endpoint failed: {exc.__class__.__name__}.") from None
    if response.status == 200:
        return
    if response.status == 400 and b"invalid_token" in content:
        return
    raise Unavailable(f"Google's revoke endpoint answered {response.status}.")


# --- the Data API ----------------------------------------------------------------------------


def youtube(creds: Credentials) -> tuple[Resource, google_auth_httplib2.AuthorizedHttp]:
    """A YouTube Data API v3 client acting with `creds`, and its authorized transport."""
    authed = google_auth_httplib2.AuthorizedHttp(creds, http=new_http())
    client = build_from_document(_discovery(settings.YOUTUBE_API_ROOT_URL), http=authed)
    return client, authed


def error_reason(exc: HttpError) -> str:
    details = exc.error_details if isinstance(exc.error_details, list) else []
    for item in details:
        if isinstance(item, dict) and item.get("reason"):
            return str(item["reason"])
    return ""


def translate(exc: HttpError) -> YouTubeError | ScopeMissing | UploadLimitExceeded:
    """Our error for Google's HTTP error (quotaExceeded is the caller's: it needs a clock)."""
    status = exc.resp.status
    reason = error_reason(exc)
    text = f"YouTube answered {status}" + (f" ({reason})" if reason else "")
    if status >= 500 or status == 429 or reason in RETRYABLE_REASONS:
        return Unavailable(f"{text}; trying again.")
    if reason == "uploadLimitExceeded":
        return UploadLimitExceeded()
    if reason == "insufficientPermissions":
        return ScopeMissing(f"{text}: the connection lacks a permission; reconnect the channel.")
    return YouTubeError(f"{text}: {exc.reason}")
