"""A local HTTP server speaking GitHub's OAuth 2 web flow and the two REST calls allauth makes
(GitHub is unreachable here). Start it with `github_server(...)`; its `url` is what
allauth's GITHUB_URL would name (web at `/`, API at `/api/v3/`, like GitHub Enterprise).

- `GET /login/oauth/authorize`: the user "approves" at once: a redirect to `redirect_uri`
  with a one-time `code` and the `state` it was given.
- `POST /login/oauth/access_token`: the code (and the app's client id and secret) for an
  access token, as JSON.
- `GET /api/v3/user`, `GET /api/v3/user/emails`: the profile and its verified email, for that
  token only.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


@dataclass
class FakeGitHub:
    client_id: str
    client_secret: str
    email: str
    name: str
    url: str = ""
    codes: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    authorized: int = 0


def _handler(state: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _json(self, status: int, body) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/login/oauth/authorize":
                if query.get("client_id") != state.client_id:
                    return self._json(400, {"error": "unknown client"})
                code = secrets.token_hex(8)
                state.codes.add(code)
                state.authorized += 1
                back = urlencode({"code": code, "state": query.get("state", "")})
                target = f"{query['redirect_uri']}?{back}"
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()
                return None
            token = (self.headers.get("Authorization") or "").removeprefix("token ").strip()
            if token not in state.tokens:
                return self._json(401, {"message": "Bad credentials"})
            if url.path == "/api/v3/user":
                return self._json(
                    200, {"id": 4242, "login": "octo", "name": state.name, "email": state.email}
                )
            if url.path == "/api/v3/user/emails":
                return self._json(200, [{"email": state.email, "primary": True, "verified": True}])
            return self._json(404, {"message": "Not Found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path != "/login/oauth/access_token":
                return self._json(404, {"message": "Not Found"})
            if (form.get("client_id"), form.get("client_secret")) != (
                state.client_id,
                state.client_secret,
            ) or form.get("code") not in state.codes:
                return self._json(200, {"error": "bad_verification_code"})
            state.codes.discard(form["code"])
            token = secrets.token_hex(16)
            state.tokens.add(token)
            return self._json(200, {"access_token": token, "token_type": "bearer", "scope": ""})

    return Handler


@contextmanager
def github_server(**fields) -> Iterator[FakeGitHub]:
    """Serve a FakeGitHub on 127.0.0.1 (an ephemeral port) for the life of the block."""
    state = FakeGitHub(**fields)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
