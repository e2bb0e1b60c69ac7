"""Local servers speaking the Pexels search protocol and ElevenLabs' text-to-speech, for tests
(neither service is reachable here). Each records its requests; `status` makes the next
answers fail with that HTTP status."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import numpy as np
from PIL import Image


@dataclass
class Recorded:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    json: Any


@dataclass
class FakeServer:
    base_url: str = ""
    key: str = "test-key"
    requests: list[Recorded] = field(default_factory=list)
    status: int | None = None


def _photo(width: int = 1200, height: int = 800) -> bytes:
    image = Image.new("RGB", (width, height), (30, 90, 160))
    image.paste((230, 200, 60), (width // 3, height // 3, 2 * width // 3, 2 * height // 3))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


def _handler(server: FakeServer, kind: str):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self) -> None:
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            server.requests.append(
                Recorded(
                    url.path,
                    parse_qs(url.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    json.loads(raw) if raw else None,
                )
            )
            if server.status:
                return self._reply(
                    server.status, b'{"error": "failing on purpose"}', "application/json"
                )
            if kind == "stock":
                if url.path == "/v1/photo.jpg":
                    return self._reply(200, _photo(), "image/jpeg")
                if self.headers.get("Authorization") != server.key:
                    return self._reply(401, b'{"error": "bad key"}', "application/json")
                photo = f"{server.base_url}/photo.jpg"
                body = {"photos": [{"id": 1, "src": {"original": photo, "large2x": photo}}]}
                return self._reply(200, json.dumps(body).encode(), "application/json")
            if self.headers.get("xi-api-key") != server.key:
                return self._reply(401, b'{"detail": "invalid api key"}', "application/json")
            text = (server.requests[-1].json or {}).get("text", "")
            seconds = 0.06 * len(text)
            t = np.arange(int(seconds * 24_000)) / 24_000
            tone = (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2")
            pad = np.zeros(2400, "<i2")
            return self._reply(200, np.concatenate([pad, tone, pad]).tobytes(), "audio/pcm")

        do_GET = _handle
        do_POST = _handle

    return Handler


@contextmanager
def running(kind: str) -> Iterator[FakeServer]:
    """A fake "stock" or "elevenlabs" API on an ephemeral port."""
    server = FakeServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server, kind))
    server.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
