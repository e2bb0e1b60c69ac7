"""A local HTTP server speaking Google's OAuth 2.0 and the YouTube Data API v3 calls FilmStudio
makes, for tests: Google cannot be reached from these machines.

Start it, point settings at `oauth_urls()` / `api_root`, and the official clients
(google-auth-oauthlib, google-auth, google-api-python-client) talk to it unchanged.

OAuth (the web-server flow with PKCE):
- `GET /o/oauth2/auth`: the consent screen. Checks the client id, the registered redirect URI,
  `response_type=code`, the scopes and an S256 code challenge, then answers 302 to the
  redirect URI with `code` and `state`, as the owner of `consenting_channel` agreeing would
  (`deny_consent`: `error=access_denied`; `grant_scopes`: the user unticked some scopes).
- `POST /token`: `authorization_code` (client secret, same redirect URI, one use, the PKCE
  verifier must hash to the challenge) and `refresh_token`; `invalid_grant` when revoked.
- `POST /revoke`: revokes the grant (its refresh token and every access token from it).

Data API, under `api_root`: every call needs a live Bearer token (401 otherwise) holding one
of the method's scopes as the discovery document lists them (403 insufficientPermissions), and
costs its units of `daily_quota` (403 quotaExceeded when spent; `units_used`).
- channels.list (mine), videos.list, playlists.list/insert, playlistItems.list/insert/delete,
  captions.list and captions.insert (multipart), thumbnails.set (media).
- videos.insert as the resumable protocol: `POST /upload/youtube/v3/videos?uploadType=resumable`
  answers a session URI in `Location`; `PUT` with `Content-Range: bytes a-b/total` appends a
  chunk (each but the last a multiple of 256 KiB, starting exactly at the server's offset, or
  400 and a recorded `violations` entry) and answers 308 with `Range`, the last one 200 and the
  video; `Content-Range: bytes */total` asks for the offset (308, or 200 once complete). A
  video exists only when its session has every byte.

Fault plan: `fault(op, kind, times=1, skip=0)` makes the next `times` requests of `op` (after
`skip` of them) fail. `op` is "consent", "token", "chunk", "offset" or a method ("videos.insert",
"thumbnails.set", ...); `kind` is an HTTP status (503), "drop" (the connection is reset; a chunk
keeps the first half of its bytes, as a real interrupted transfer may), "quotaExceeded",
"uploadLimitExceeded", "rateLimitExceeded" or "invalid_grant" (token endpoint).
`hold_chunk(at_offset)` makes the first chunk starting at or past that offset wait, before its
body is read, until `release()` (`held` is set meanwhile); the held chunk is then discarded.

Every request is recorded in `requests` (op, method, path, query, headers, body size).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import string
import struct
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import googleapiclient

DISCOVERY = json.loads(
    (
        Path(googleapiclient.__file__).parent / "discovery_cache/documents/youtube.v3.json"
    ).read_text()
)
UPLOAD_GRANULARITY = 256 * 1024
# The Data API's published costs: what the server charges, whatever the client believes.
COSTS = {
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
}
REASONS = {
    "quotaExceeded": (403, "youtube.quota", "The request cannot be completed because you have "
                      "exceeded your quota."),
    "uploadLimitExceeded": (400, "youtube.video", "The user has exceeded the number of videos "
                            "they may upload."),
    "rateLimitExceeded": (403, "usageLimits", "Rate Limit Exceeded"),
}  # fmt: skip


def _scopes_of(method: str) -> set[str]:
    resource, name = method.split(".")
    return set(DISCOVERY["resources"][resource]["methods"][name]["scopes"])


def _new_id(length: int = 11) -> str:
    alphabet = string.ascii_letters + string.digits + "-_"
    return "".join(secrets.choice(alphabet) for _ in range(length))


@dataclass
class Channel:
    id: str
    title: str

    def resource(self) -> dict:
        return {
            "kind": "youtube#channel",
            "id": self.id,
            "snippet": {
                "title": self.title,
                "description": "",
                "thumbnails": {"default": {"url": f"https://yt3.example/{self.id}.jpg"}},
            },
        }


@dataclass
class Grant:
    channel_id: str
    scopes: list[str]
    refresh_token: str
    revoked: bool = False


@dataclass
class Session:
    id: str
    channel_id: str
    metadata: dict
    total: int
    content_type: str
    data: bytearray = field(default_factory=bytearray)
    video_id: str | None = None


@dataclass
class Recorded:
    op: str
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    size: int


@dataclass
class Fault:
    op: str
    kind: str | int
    times: int
    skip: int


class _Reply(Exception):
    """Answer the request with this status, JSON body and headers."""

    def __init__(self, status: int, body: Any = None, headers: dict | None = None):
        self.status, self.body, self.headers = status, body, headers or {}


class _Drop(Exception):
    """Reset the connection without an answer."""


def _api_error(status: int, reason: str, message: str, domain: str = "global") -> _Reply:
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }
    }
    return _Reply(status, body)


@dataclass
class FakeGoogleServer:
    client_id: str = "1234567890-fake.apps.googleusercontent.com"
    client_secret: str = "fake-client-secret"
    redirect_uris: set[str] = field(default_factory=set)
    token_lifetime: int = 3600
    daily_quota: int = 10_000
    # videos.list says "processing" this many times per video, then "succeeded".
    processing_polls: int = 1
    deny_consent: bool = False
    grant_scopes: list[str] | None = None

    def __post_init__(self) -> None:
        self.lock = threading.RLock()
        self.channels: dict[str, Channel] = {}
        self.consenting_channel: str | None = None
        self.codes: dict[str, dict] = {}
        self.grants: dict[str, Grant] = {}  # by refresh token
        self.access_tokens: dict[str, tuple[Grant, float]] = {}
        self.sessions: dict[str, Session] = {}
        self.videos: dict[str, dict] = {}
        self.video_bytes: dict[str, bytes] = {}
        self.thumbnails: dict[str, bytes] = {}
        self.captions: dict[str, dict] = {}
        self.playlists: dict[str, dict] = {}
        self.playlist_items: dict[str, dict] = {}
        self.units_used = 0
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.faults: list[Fault] = []
        self.held = threading.Event()
        self._release = threading.Event()
        self._hold_at: int | None = None
        self._polls: dict[str, int] = {}
        self._server: ThreadingHTTPServer | None = None
        self.consenting_channel = self.add_channel("Lighthouse Films").id

    # -- control --------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_root(self) -> str:
        return self.base_url + "/"

    def oauth_urls(self) -> dict[str, str]:
        return {
            "GOOGLE_AUTH_URI": self.base_url + "/o/oauth2/auth",
            "GOOGLE_TOKEN_URI": self.base_url + "/token",
            "GOOGLE_REVOKE_URI": self.base_url + "/revoke",
            "YOUTUBE_API_ROOT_URL": self.api_root,
        }

    def add_channel(self, title: str) -> Channel:
        channel = Channel(id="UC" + _new_id(22), title=title)
        with self.lock:
            self.channels[channel.id] = channel
        return channel

    def fault(self, op: str, kind: str | int, *, times: int = 1, skip: int = 0) -> None:
        with self.lock:
            self.faults.append(Fault(op, kind, times, skip))

    def hold_chunk(self, at_offset: int) -> None:
        self.held.clear()
        self._release.clear()
        self._hold_at = at_offset

    def release(self) -> None:
        self._hold_at = None
        self._release.set()

    def revoke_channel(self, channel_id: str) -> None:
        """The owner removed the app's access in their Google account."""
        with self.lock:
            for grant in self.grants.values():
                if grant.channel_id == channel_id:
                    grant.revoked = True

    def expire_access_tokens(self) -> None:
        with self.lock:
            for token, (grant, _) in list(self.access_tokens.items()):
                self.access_tokens[token] = (grant, 0.0)

    def issued_tokens(self) -> list[str]:
        """Every access and refresh token handed out (to look for leaks)."""
        with self.lock:
            return [*self.access_tokens, *self.grants]

    def requests_of(self, op: str) -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.op == op]

    def videos_of(self, channel_id: str) -> list[dict]:
        with self.lock:
            return [v for v in self.videos.values() if v["snippet"]["channelId"] == channel_id]

    def session_offset(self, session_id: str | None = None) -> int:
        with self.lock:
            sessions = [self.sessions[session_id]] if session_id else list(self.sessions.values())
            return max((len(s.data) for s in sessions), default=0)

    def start(self) -> FakeGoogleServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="fake-google",
            daemon=True,
        ).start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- plumbing -------------------------------------------------------------------------------

    def _take_fault(self, op: str) -> str | int | None:
        with self.lock:
            for fault in self.faults:
                if fault.op != op:
                    continue
                if fault.skip:
                    fault.skip -= 1
                    return None
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault.kind
        return None

    def _inject(self, op: str) -> None:
        kind = self._take_fault(op)
        if kind is None:
            return
        if kind == "drop":
            raise _Drop()
        if kind in REASONS:
            status, domain, message = REASONS[kind]
            raise _api_error(status, kind, message, domain)
        if kind == "invalid_grant":
            raise _Reply(400, {"error": "invalid_grant", "error_description": "Bad Request"})
        raise _api_error(int(kind), "backendError", "Backend Error")

    def _authorize(self, headers: dict[str, str], method: str) -> Grant:
        token = headers.get("authorization", "").removeprefix("Bearer ")
        with self.lock:
            grant, expires = self.access_tokens.get(token, (None, 0.0))
        if grant is None or grant.revoked or expires < time.time():
            raise _api_error(
                401,
                "authError",
                "Request had invalid authentication credentials.",
            )
        if not _scopes_of(method) & set(grant.scopes):
            raise _api_error(
                403, "insufficientPermissions", "Request had insufficient authentication scopes."
            )
        return grant

    def _charge(self, method: str) -> None:
        cost = COSTS[method]
        with self.lock:
            if self.units_used + cost > self.daily_quota:
                status, domain, message = REASONS["quotaExceeded"]
                raise _api_error(status, "quotaExceeded", message, domain)
            self.units_used += cost

    def _issue(self, grant: Grant) -> dict:
        token = "ya29." + secrets.token_urlsafe(32)
        with self.lock:
            self.access_tokens[token] = (grant, time.time() + self.token_lifetime)
        return {
            "access_token": token,
            "expires_in": self.token_lifetime,
            "scope": " ".join(grant.scopes),
            "token_type": "Bearer",
        }

    # -- OAuth ----------------------------------------------------------------------------------

    def consent(self, query: dict[str, str]) -> None:
        self._inject("consent")
        if query.get("client_id") != self.client_id:
            raise _Reply(400, {"error": "invalid_client"})
        redirect = query.get("redirect_uri", "")
        if redirect not in self.redirect_uris:
            raise _Reply(400, {"error": "redirect_uri_mismatch"})
        if query.get("response_type") != "code" or not query.get("scope"):
            raise _Reply(400, {"error": "invalid_request"})
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            raise _Reply(400, {"error": "invalid_request", "error_description": "PKCE required"})
        state = query.get("state", "")
        if self.deny_consent:
            denied = urlencode({"error": "access_denied", "state": state})
            raise _Reply(302, headers={"Location": f"{redirect}?{denied}"})
        scopes = self.grant_scopes or query["scope"].split()
        code = "4/" + secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {
                "channel_id": self.consenting_channel,
                "scopes": scopes,
                "redirect_uri": redirect,
                "challenge": query["code_challenge"],
                "offline": query.get("access_type") == "offline",
            }
        location = (
            f"{redirect}?{urlencode({'state': state, 'code': code, 'scope': ' '.join(scopes)})}"
        )
        raise _Reply(302, headers={"Location": location})

    def token(self, form: dict[str, str], headers: dict[str, str]) -> dict:
        self._inject("token")
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = headers.get("authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            raise _Reply(401, {"error": "invalid_client"})
        if form.get("grant_type") == "authorization_code":
            with self.lock:
                issued = self.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .decode()
                .rstrip("=")
            )
            if (
                issued is None
                or issued["redirect_uri"] != form.get("redirect_uri")
                or issued["challenge"] != challenge
            ):
                raise _Reply(400, {"error": "invalid_grant", "error_description": "Bad Request"})
            grant = Grant(
                channel_id=issued["channel_id"],
                scopes=issued["scopes"],
                refresh_token="1//" + secrets.token_urlsafe(32),
            )
            with self.lock:
                self.grants[grant.refresh_token] = grant
            answer = self._issue(grant)
            if issued["offline"]:
                answer["refresh_token"] = grant.refresh_token
            return answer
        if form.get("grant_type") == "refresh_token":
            with self.lock:
                grant = self.grants.get(form.get("refresh_token", ""))
            if grant is None or grant.revoked:
                raise _Reply(
                    400,
                    {
                        "error": "invalid_grant",
                        "error_description": "Token has been expired or revoked.",
                    },
                )
            return self._issue(grant)
        raise _Reply(400, {"error": "unsupported_grant_type"})

    def revoke(self, token: str) -> dict:
        with self.lock:
            grant = self.grants.get(token) or self.access_tokens.get(token, (None, 0))[0]
            if grant is None or grant.revoked:
                raise _Reply(400, {"error": "invalid_token", "error_description": "Bad Request"})
            grant.revoked = True
        return {}

    # -- the Data API ---------------------------------------------------------------------------

    def channels_list(self, grant: Grant, query: dict) -> dict:
        if query.get("mine") != "true":
            raise _api_error(400, "missingRequiredParameter", "mine=true is what the fake knows")
        return {
            "kind": "youtube#channelListResponse",
            "items": [self.channels[grant.channel_id].resource()],
        }

    def videos_insert(self, grant: Grant, query: dict, headers: dict, body: bytes) -> None:
        if query.get("uploadType") != "resumable":
            raise _api_error(400, "badRequest", "the fake only knows resumable uploads")
        total = int(headers.get("x-upload-content-length", "-1"))
        if total <= 0:
            raise _api_error(400, "badRequest", "X-Upload-Content-Length is required")
        metadata = json.loads(body or b"{}")
        snippet, status = metadata.get("snippet") or {}, metadata.get("status") or {}
        if not snippet.get("title"):
            raise _api_error(
                400,
                "invalidTitle",
                "The request metadata specifies an invalid or empty video title.",
            )
        if status.get("publishAt") and status.get("privacyStatus") != "private":
            raise _api_error(400, "invalidPublishAt", "publishAt needs a private video.")
        session = Session(
            id=_new_id(32),
            channel_id=grant.channel_id,
            metadata=metadata,
            total=total,
            content_type=headers.get("x-upload-content-type", ""),
        )
        with self.lock:
            self.sessions[session.id] = session
        location = (
            f"{self.base_url}/upload/youtube/v3/videos?uploadType=resumable&upload_id={session.id}"
        )
        raise _Reply(200, {}, headers={"Location": location})

    def session_put(self, handler: BaseHTTPRequestHandler, query: dict, headers: dict) -> None:
        with self.lock:
            session = self.sessions.get(query.get("upload_id", ""))
        if session is None:
            raise _api_error(404, "notFound", "Upload session not found")
        content_range = headers.get("content-range", "")
        length = int(headers.get("content-length") or 0)
        unit, _, spec = content_range.partition(" ")
        if unit != "bytes":
            raise _api_error(400, "badContentRange", "Content-Range is required")
        span, _, total = spec.partition("/")
        if span == "*":  # the status query
            handler.rfile.read(length)
            self._inject("offset")
            raise self._session_state(session)
        first, last = (int(x) for x in span.split("-"))
        hold = self._hold_at
        if hold is not None and first >= hold and not self.held.is_set():
            self.held.set()
            self._release.wait()
            handler.rfile.read(length)  # the client is gone: whatever arrives is discarded
            raise _Drop()
        kind = self._take_fault("chunk")
        if kind == "drop":
            keep = handler.rfile.read(length // 2)
            with self.lock:
                if first == len(session.data):
                    session.data.extend(keep)
            raise _Drop()
        data = handler.rfile.read(length)
        if kind in REASONS:
            status, domain, message = REASONS[kind]
            raise _api_error(status, kind, message, domain)
        if kind is not None:
            raise _api_error(int(kind), "backendError", "Backend Error")
        with self.lock:
            if session.video_id is not None:
                raise self._session_state(session)
            problem = None
            if int(total) != session.total:
                problem = f"total {total} != declared {session.total}"
            elif first != len(session.data):
                problem = f"chunk starts at {first}, server has {len(session.data)}"
            elif last - first + 1 != len(data):
                problem = f"Content-Range {span} but {len(data)} bytes"
            elif last + 1 < session.total and len(data) % UPLOAD_GRANULARITY:
                problem = f"chunk of {len(data)} bytes is not a multiple of 256 KiB"
            if problem:
                self.violations.append(problem)
                raise _api_error(400, "badRequest", problem)
            session.data.extend(data)
            if len(session.data) == session.total:
                self._create_video(session)
        raise self._session_state(session)

    def _session_state(self, session: Session) -> _Reply:
        with self.lock:
            if session.video_id is not None:
                return _Reply(200, self.videos[session.video_id])
            size = len(session.data)
        headers = {"Range": f"bytes=0-{size - 1}"} if size else {}
        return _Reply(308, None, headers)

    def _create_video(self, session: Session) -> None:
        video_id = _new_id()
        snippet = session.metadata.get("snippet") or {}
        status = session.metadata.get("status") or {}
        channel = self.channels[session.channel_id]
        self.videos[video_id] = {
            "kind": "youtube#video",
            "id": video_id,
            "snippet": {
                "channelId": channel.id,
                "channelTitle": channel.title,
                "title": snippet.get("title"),
                "description": snippet.get("description", ""),
                "tags": snippet.get("tags", []),
                "categoryId": snippet.get("categoryId", "22"),
            },
            "status": {
                "uploadStatus": "uploaded",
                "privacyStatus": status.get("privacyStatus", "public"),
                **({"publishAt": status["publishAt"]} if status.get("publishAt") else {}),
                "selfDeclaredMadeForKids": bool(status.get("selfDeclaredMadeForKids")),
                "madeForKids": bool(status.get("selfDeclaredMadeForKids")),
            },
        }
        self.video_bytes[video_id] = bytes(session.data)
        session.video_id = video_id

    def _owned_video(self, grant: Grant, video_id: str) -> dict:
        with self.lock:
            video = self.videos.get(video_id)
        if video is None or video["snippet"]["channelId"] != grant.channel_id:
            raise _api_error(404, "videoNotFound", "The video could not be found.")
        return video

    def videos_list(self, grant: Grant, query: dict) -> dict:
        items = []
        for video_id in query.get("id", "").split(","):
            with self.lock:
                video = self.videos.get(video_id)
                if video is None:
                    continue
                item = json.loads(json.dumps(video))
                if video["snippet"]["channelId"] == grant.channel_id:
                    polls = self._polls[video_id] = self._polls.get(video_id, 0) + 1
                    done = polls > self.processing_polls
                    item["status"]["uploadStatus"] = "processed" if done else "uploaded"
                    item["processingDetails"] = {
                        "processingStatus": "succeeded" if done else "processing"
                    }
            items.append(item)
        return {"kind": "youtube#videoListResponse", "items": items}

    def thumbnails_set(self, grant: Grant, query: dict, headers: dict, body: bytes) -> dict:
        self._owned_video(grant, query.get("videoId", ""))
        if not headers.get("content-type", "").startswith("image/") or not body:
            raise _api_error(400, "invalidImage", "The thumbnail image is missing or invalid.")
        with self.lock:
            self.thumbnails[query["videoId"]] = body
        url = f"https://i.ytimg.example/vi/{query['videoId']}/default.jpg"
        return {"kind": "youtube#thumbnailSetResponse", "items": [{"default": {"url": url}}]}

    def captions_insert(self, grant: Grant, query: dict, headers: dict, body: bytes) -> dict:
        if query.get("uploadType") != "multipart":
            raise _api_error(400, "badRequest", "the fake knows multipart caption uploads")
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + headers.get("content-type", "").encode() + b"\r\n\r\n" + body
        )
        parts = list(message.iter_parts())
        if len(parts) != 2:
            raise _api_error(400, "badRequest", "multipart/related with metadata and media")
        metadata = json.loads(parts[0].get_payload(decode=True))
        media = parts[1].get_payload(decode=True)
        snippet = metadata.get("snippet") or {}
        self._owned_video(grant, snippet.get("videoId", ""))
        if not media or not snippet.get("language"):
            raise _api_error(400, "invalidMetadata", "language and a caption file are required")
        caption = {
            "kind": "youtube#caption",
            "id": _new_id(44),
            "snippet": {**snippet, "trackKind": "standard", "status": "serving"},
        }
        with self.lock:
            self.captions[caption["id"]] = {**caption, "body": media}
        return caption

    def captions_list(self, grant: Grant, query: dict) -> dict:
        self._owned_video(grant, query.get("videoId", ""))
        with self.lock:
            items = [
                {k: v for k, v in c.items() if k != "body"}
                for c in self.captions.values()
                if c["snippet"]["videoId"] == query["videoId"]
            ]
        return {"kind": "youtube#captionListResponse", "items": items}

    def playlists_list(self, grant: Grant, query: dict) -> dict:
        with self.lock:
            if query.get("mine") == "true":
                found = [
                    p
                    for p in self.playlists.values()
                    if p["snippet"]["channelId"] == grant.channel_id
                ]
            else:
                ids = query.get("id", "").split(",")
                found = [p for p in self.playlists.values() if p["id"] in ids]
        return _page(found, query, "youtube#playlistListResponse")

    def playlists_insert(self, grant: Grant, query: dict, body: dict) -> dict:
        snippet = body.get("snippet") or {}
        if not snippet.get("title"):
            raise _api_error(400, "playlistTitleRequired", "The playlist needs a title.")
        playlist = {
            "kind": "youtube#playlist",
            "id": "PL" + _new_id(32),
            "snippet": {
                "title": snippet["title"],
                "description": snippet.get("description", ""),
                "channelId": grant.channel_id,
            },
            "status": {"privacyStatus": (body.get("status") or {}).get("privacyStatus", "public")},
            "contentDetails": {"itemCount": 0},
        }
        with self.lock:
            self.playlists[playlist["id"]] = playlist
        return playlist

    def _owned_playlist(self, grant: Grant, playlist_id: str) -> dict:
        with self.lock:
            playlist = self.playlists.get(playlist_id)
        if playlist is None:
            raise _api_error(404, "playlistNotFound", "The playlist could not be found.")
        if playlist["snippet"]["channelId"] != grant.channel_id:
            raise _api_error(403, "playlistItemsNotAccessible", "Insufficient permissions.")
        return playlist

    def playlist_items_list(self, grant: Grant, query: dict) -> dict:
        self._owned_playlist(grant, query.get("playlistId", ""))
        with self.lock:
            found = [
                i
                for i in self.playlist_items.values()
                if i["snippet"]["playlistId"] == query["playlistId"]
                and (
                    not query.get("videoId")
                    or i["snippet"]["resourceId"]["videoId"] == query["videoId"]
                )
            ]
        return _page(found, query, "youtube#playlistItemListResponse")

    def playlist_items_insert(self, grant: Grant, query: dict, body: dict) -> dict:
        snippet = body.get("snippet") or {}
        playlist = self._owned_playlist(grant, snippet.get("playlistId", ""))
        video_id = (snippet.get("resourceId") or {}).get("videoId", "")
        with self.lock:
            if video_id not in self.videos:
                raise _api_error(404, "videoNotFound", "The video could not be found.")
            item = {
                "kind": "youtube#playlistItem",
                "id": "UE" + _new_id(40),
                "snippet": {
                    "playlistId": playlist["id"],
                    "resourceId": {"kind": "youtube#video", "videoId": video_id},
                    "channelId": grant.channel_id,
                },
            }
            self.playlist_items[item["id"]] = item
            playlist["contentDetails"]["itemCount"] += 1
        return item

    def playlist_items_delete(self, grant: Grant, query: dict) -> None:
        with self.lock:
            item = self.playlist_items.get(query.get("id", ""))
            if item is None:
                raise _api_error(404, "playlistItemNotFound", "The playlist item was not found.")
            playlist = self._owned_playlist(grant, item["snippet"]["playlistId"])
            del self.playlist_items[item["id"]]
            playlist["contentDetails"]["itemCount"] -= 1
        raise _Reply(204)


def _page(items: list[dict], query: dict, kind: str) -> dict:
    size = min(int(query.get("maxResults") or 5), 50)
    start = int(query.get("pageToken") or 0)
    page = {
        "kind": kind,
        "items": items[start : start + size],
        "pageInfo": {"totalResults": len(items)},
    }
    if start + size < len(items):
        page["nextPageToken"] = str(start + size)
    return page


# (http method, path) -> (op / API method, handler name, how the handler takes its input)
ROUTES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("GET", "/youtube/v3/channels"): ("channels.list", "channels_list", "query"),
    ("GET", "/youtube/v3/videos"): ("videos.list", "videos_list", "query"),
    ("POST", "/upload/youtube/v3/videos"): ("videos.insert", "videos_insert", "raw"),
    ("POST", "/upload/youtube/v3/thumbnails/set"): ("thumbnails.set", "thumbnails_set", "raw"),
    ("POST", "/upload/youtube/v3/captions"): ("captions.insert", "captions_insert", "raw"),
    ("GET", "/youtube/v3/captions"): ("captions.list", "captions_list", "query"),
    ("GET", "/youtube/v3/playlists"): ("playlists.list", "playlists_list", "query"),
    ("POST", "/youtube/v3/playlists"): ("playlists.insert", "playlists_insert", "json"),
    ("GET", "/youtube/v3/playlistItems"): ("playlistItems.list", "playlist_items_list", "query"),
    ("POST", "/youtube/v3/playlistItems"): (
        "playlistItems.insert",
        "playlist_items_insert",
        "json",
    ),
    ("DELETE", "/youtube/v3/playlistItems"): (
        "playlistItems.delete",
        "playlist_items_delete",
        "query",
    ),
}


def _handler_for(fake: FakeGoogleServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._handle()

        do_POST = do_PUT = do_DELETE = do_GET

        def _handle(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            length = int(headers.get("content-length") or 0)
            op = self._op(url.path)
            with fake.lock:
                fake.requests.append(Recorded(op, self.command, url.path, query, headers, length))
            try:
                if op == "chunk":
                    fake.session_put(self, query, headers)
                body = self.rfile.read(length) if length else b""
                self._dispatch(op, url.path, query, headers, body)
            except _Reply as reply:
                self._send(reply.status, reply.body, reply.headers)
            except _Drop:
                self._reset()
            except (ConnectionError, OSError):
                self.close_connection = True

        def _op(self, path: str) -> str:
            if self.command == "PUT" and path == "/upload/youtube/v3/videos":
                return "chunk"
            return {
                "/o/oauth2/auth": "consent",
                "/token": "token",
                "/revoke": "revoke",
            }.get(path) or ROUTES.get((self.command, path), ("unknown",))[0]

        def _dispatch(self, op, path, query, headers, body) -> None:
            if op == "consent":
                fake.consent(query)
            if op == "token":
                form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
                raise _Reply(200, fake.token(form, headers))
            if op == "revoke":
                form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
                raise _Reply(200, fake.revoke(form.get("token") or query.get("token", "")))
            route = ROUTES.get((self.command, path))
            if route is None:
                raise _api_error(404, "notFound", f"{self.command} {path} is not in the fake")
            method, handler_name, style = route
            grant = fake._authorize(headers, method)
            fake._inject(method)
            fake._charge(method)
            handler = getattr(fake, handler_name)
            if style == "query":
                result = handler(grant, query)
            elif style == "json":
                result = handler(grant, query, json.loads(body or b"{}"))
            else:
                result = handler(grant, query, headers, body)
            raise _Reply(200, result)

        def _send(self, status: int, body: Any, headers: dict) -> None:
            payload = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if payload:
                self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _reset(self) -> None:
            # SO_LINGER 0: close with RST, like a connection lost on the way.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()

    return Handler
