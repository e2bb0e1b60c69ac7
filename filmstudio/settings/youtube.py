"""YouTube publishing: the Google OAuth client, endpoints, token encryption, upload and quota.

Inert until a client id is set: the OAuth endpoints answer 503 `youtube_not_configured`.
"""

import base64
import hashlib

from .base import FRONTEND_URL, LOGGING, SECRET_KEY
from .env import env

# --- The Google OAuth client (Google Cloud console, "OAuth client ID", type "Web application").
# The sign-in client (GOOGLE_CLIENT_ID) may be reused; YOUTUBE_* names a separate one.
YOUTUBE_CLIENT_ID = env("YOUTUBE_CLIENT_ID", default="") or env("GOOGLE_CLIENT_ID", default="")
YOUTUBE_CLIENT_SECRET = env("YOUTUBE_CLIENT_SECRET", default="") or env(
    "GOOGLE_CLIENT_SECRET", default=""
)
# Register this exact URI with the client. Google sends the browser here with `code` and
# `state`; the studio page at this address posts them to /api/v1/youtube/callback with the
# user's token (the state is bound to the user who asked for the consent URL).
YOUTUBE_REDIRECT_URI = env(
    "YOUTUBE_REDIRECT_URI", default=FRONTEND_URL.rstrip("/") + "/youtube/callback"
)
# upload and readonly are what publishing and listing need; captions.insert, playlists.insert
# and playlistItems.insert/delete accept no narrower scope than youtube.force-ssl (see each
# method's `scopes` in the API's discovery document). Without force-ssl, captions and
# playlists are refused with `scope_missing`.
YOUTUBE_OAUTH_SCOPES = env.list(
    "YOUTUBE_OAUTH_SCOPES",
    default=[
        "https://www.googleapis.com/auth/youtube.upload",
        "https://www.googleapis.com/auth/youtube.readonly",
        "https://www.googleapis.com/auth/youtube.force-ssl",
    ],
)
# A consent URL's state is good for this long (seconds): a user who takes longer starts over.
YOUTUBE_OAUTH_STATE_TTL = env.int("YOUTUBE_OAUTH_STATE_TTL", default=15 * 60)

# --- Google's endpoints. Tests point them at a local fake server speaking the same protocols.
GOOGLE_AUTH_URI = env("GOOGLE_AUTH_URI", default="https://accounts.google.com/o/oauth2/auth")
GOOGLE_TOKEN_URI = env("GOOGLE_TOKEN_URI", default="https://oauth2.googleapis.com/token")
GOOGLE_REVOKE_URI = env("GOOGLE_REVOKE_URI", default="https://oauth2.googleapis.com/revoke")
# The Data API's root URL; empty keeps the discovery document's (https://youtube.googleapis.com/).
YOUTUBE_API_ROOT_URL = env("YOUTUBE_API_ROOT_URL", default="")
# Images the studio shows from other origins (its Content-Security-Policy's img-src): the
# avatars of connected YouTube channels, which Google serves from these hosts.
STUDIO_IMAGE_ORIGINS = env.list(
    "STUDIO_IMAGE_ORIGINS", default=["https://yt3.ggpht.com", "https://yt3.googleusercontent.com"]
)
# Seconds one HTTP exchange with Google may take before it counts as a dropped connection.
YOUTUBE_HTTP_TIMEOUT = env.float("YOUTUBE_HTTP_TIMEOUT", default=60.0)


# --- Token encryption at rest (Fernet: AES-128-CBC + HMAC-SHA256). Comma-separated keys, newest
# first: the first encrypts, every key decrypts, so a new key can be put in front and
# `manage.py youtube_rotate_tokens` re-encrypts everything before the old key is dropped.
# Make a key with:
#   python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
def _key_from_secret(secret: str) -> str:
    # The embedded setup derives a key from SECRET_KEY so it works with nothing set;
    # production sets YOUTUBE_TOKEN_KEYS (changing SECRET_KEY would orphan these tokens).
    digest = hashlib.sha256(b"filmstudio.youtube.tokens:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


YOUTUBE_TOKEN_KEYS = env.list("YOUTUBE_TOKEN_KEYS", default=[]) or [_key_from_secret(SECRET_KEY)]
# An access token is refreshed when it has less than this many seconds left, so a call
# (or one upload chunk) never starts with a token that expires on the way.
YOUTUBE_TOKEN_REFRESH_MARGIN = env.int("YOUTUBE_TOKEN_REFRESH_MARGIN", default=5 * 60)

# --- The resumable upload. Google wants every chunk but the last to be a multiple of 256 KiB;
# 8 MiB keeps the per-chunk overhead small while losing at most 8 MiB to a crash.
YOUTUBE_UPLOAD_CHUNK_SIZE = env.int("YOUTUBE_UPLOAD_CHUNK_SIZE", default=8 * 1024 * 1024)
if YOUTUBE_UPLOAD_CHUNK_SIZE <= 0 or YOUTUBE_UPLOAD_CHUNK_SIZE % (256 * 1024):
    raise ValueError("YOUTUBE_UPLOAD_CHUNK_SIZE must be a positive multiple of 262144 bytes")
# A 5xx or a dropped connection during a chunk is retried in place this many times (asking
# Google for its offset first), with exponential backoff, before the stage itself fails and
# is retried by the job engine (which resumes the same session again).
YOUTUBE_CHUNK_RETRIES = env.int("YOUTUBE_CHUNK_RETRIES", default=5)
YOUTUBE_RETRY_BACKOFF_BASE = env.float("YOUTUBE_RETRY_BACKOFF_BASE", default=1.0)
YOUTUBE_RETRY_BACKOFF_MAX = env.float("YOUTUBE_RETRY_BACKOFF_MAX", default=60.0)

# --- Quota. Every Google Cloud project gets 10,000 units a day, reset at midnight Pacific time.
# The cost of each call (the Data API's published quota table); the units spent are recorded
# per day and per Cloud project, and on each upload.
YOUTUBE_DAILY_QUOTA = env.int("YOUTUBE_DAILY_QUOTA", default=10_000)
YOUTUBE_QUOTA_TIMEZONE = env("YOUTUBE_QUOTA_TIMEZONE", default="America/Los_Angeles")
# The Cloud project the units are booked to; empty: the project number the client id starts with.
YOUTUBE_QUOTA_PROJECT = env("YOUTUBE_QUOTA_PROJECT", default="")
YOUTUBE_QUOTA_COSTS: dict[str, int] = {
    "channels.list": 1,
    "videos.list": 1,
    "videos.insert": 1600,
    "thumbnails.set": 50,
    "captions.list": 50,
    "captions.insert": 400,
    "playlists.list": 1,
    "playlists.insert": 50,
    "playlistItems.list": 1,
    "playlistItems.insert": 50,
    "playlistItems.delete": 50,
    **env.json("YOUTUBE_QUOTA_COSTS", default={}),
}
# A video's processing status (videos.list) is fetched again when the list is read and the
# last answer is older than this (seconds): one call per channel, a unit each.
YOUTUBE_PROCESSING_REFRESH_SECONDS = env.int("YOUTUBE_PROCESSING_REFRESH_SECONDS", default=60)

# requests-oauthlib logs every token response (and the client's Basic credentials) at DEBUG:
# these loggers stay at WARNING whatever LOG_LEVEL says, so no token reaches a log line.
LOGGING["loggers"].update(
    {"requests_oauthlib": {"level": "WARNING"}, "oauthlib": {"level": "WARNING"}}
)
