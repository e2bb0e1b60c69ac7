"""A local HTTP server speaking the OpenAI REST protocol, for tests (OpenAI is unreachable here).

It answers the endpoints FilmStudio uses, with real-shaped JSON and real media:

- `POST /v1/chat/completions`: a `chat.completion` whose message content is `chat_content`
  (a string, or a callable taking the request JSON and returning one).
- `POST /v1/moderations`: one result per input; a text containing a word of `flag_words`
  (word -> category, case-insensitive, whole words) is flagged in that category, with
  every category of the real schema present in `categories` / `category_scores`.
- `POST /v1/images/generations`: `b64_json` of a real PNG (Pillow) at the requested size.
- `POST /v1/audio/speech`: real WAV or raw PCM (16-bit, 24 kHz mono like the service) of a
  sine tone `seconds_per_char * len(input) / speed` long, between `pad_seconds` of silence.

Every request is recorded (`requests`: method, path, headers, JSON body) so tests can assert
the model, the `Authorization: Bearer <key>` header and the payload. A wrong key gets the
service's 401. `fail_next(status, times)` answers the next requests with that status (429 and
5xx carry a tiny `retry-after-ms`, so the client's retries are fast).
"""

from __future__ import annotations

import base64
import io
import json
import re
import threading
import time
import wave
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from tests.fakes.http import address, close, respond, running, serve

SPEECH_RATE = 24_000  # what the real service returns for wav and pcm

MODERATION_CATEGORIES = [
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/instructions",
    "self-harm/intent",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
]


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class FakeOpenAIServer:
    api_key: str = "sk-fake-test-key"
    chat_content: str | Callable[[dict[str, Any]], str] = "{}"
    chat_finish_reason: str = "stop"
    flag_words: dict[str, str] = field(default_factory=dict)
    seconds_per_char: float = 0.05
    pad_seconds: float = 0.1
    requests: list[RecordedRequest] = field(default_factory=list)
    _failures: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # -- control ------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"{address(self._server)}/v1"

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next `times` requests with HTTP `status` (and an OpenAI error body)."""
        with self._lock:
            self._failures.extend([status] * times)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> FakeOpenAIServer:
        self._server = serve(_handler_for(self), name="fake-openai")
        return self

    def stop(self) -> None:
        close(self._server)
        self._server = None

    # -- endpoint logic -------------------------------------------------------------------------

    def _take_failure(self) -> int | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def chat(self, body: dict[str, Any]) -> dict[str, Any]:
        _require(body, "model", "messages")
        content = self.chat_content(body) if callable(self.chat_content) else self.chat_content
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                    "finish_reason": self.chat_finish_reason,
                    "logprobs": None,
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }

    def moderations(self, body: dict[str, Any]) -> dict[str, Any]:
        _require(body, "input")
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        results = []
        for text in texts:
            fired = {
                category
                for word, category in self.flag_words.items()
                if re.search(rf"\b{re.escape(word)}\b", str(text), re.I)
            }
            results.append(
                {
                    "flagged": bool(fired),
                    "categories": {c: c in fired for c in MODERATION_CATEGORIES},
                    "category_scores": {
                        c: 0.91 if c in fired else 0.0004 for c in MODERATION_CATEGORIES
                    },
                    "category_applied_input_types": {c: ["text"] for c in MODERATION_CATEGORIES},
                }
            )
        return {
            "id": "modr-fake",
            "model": body.get("model", "omni-moderation-latest"),
            "results": results,
        }

    def images(self, body: dict[str, Any]) -> dict[str, Any]:
        _require(body, "prompt")
        size = body.get("size") or "auto"
        width, height = (1024, 1024) if size == "auto" else map(int, size.split("x"))
        image = Image.new("RGB", (width, height), (40, 70, 110))
        draw = ImageDraw.Draw(image)
        draw.ellipse((width * 0.3, height * 0.3, width * 0.7, height * 0.7), fill=(230, 190, 90))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        return {
            "created": int(time.time()),
            "data": [{"b64_json": base64.b64encode(buffer.getvalue()).decode()}],
            "usage": {"input_tokens": 10, "output_tokens": 100, "total_tokens": 110},
        }

    def speech(self, body: dict[str, Any]) -> tuple[bytes, str]:
        _require(body, "model", "input", "voice")
        seconds = self.seconds_per_char * len(body["input"]) / float(body.get("speed") or 1.0)
        t = np.arange(int(seconds * SPEECH_RATE)) / SPEECH_RATE
        tone = 0.5 * np.sin(2 * np.pi * 220.0 * t)
        pad = np.zeros(int(self.pad_seconds * SPEECH_RATE))
        pcm = (np.concatenate([pad, tone, pad]) * 32767).astype("<i2").tobytes()
        response_format = body.get("response_format", "mp3")
        if response_format == "pcm":
            return pcm, "audio/pcm"
        if response_format == "wav":
            buffer = io.BytesIO()
            with wave.open(buffer, "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(SPEECH_RATE)
                out.writeframes(pcm)
            return buffer.getvalue(), "audio/wav"
        raise _BadRequest(f"response_format {response_format!r} is not supported by the fake")


class _BadRequest(Exception):
    pass


def _require(body: dict[str, Any], *keys: str) -> None:
    missing = [k for k in keys if k not in body]
    if missing:
        raise _BadRequest(f"Missing required parameter: {missing[0]!r}.")


def _handler_for(fake: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like the real service

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?", 1)[0]
            fake._record(
                RecordedRequest(
                    method=self.command,
                    path=path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
            )
            if self.headers.get("Authorization") != f"Bearer {fake.api_key}":
                self._error(401, "Incorrect API key provided.", "invalid_api_key")
                return
            status = fake._take_failure()
            if status is not None:
                self._error(status, f"Injected failure {status}.", "fake_failure")
                return
            routes = {
                "/v1/chat/completions": fake.chat,
                "/v1/moderations": fake.moderations,
                "/v1/images/generations": fake.images,
            }
            try:
                data = json.loads(body) if body else {}
                if self.command == "POST" and path == "/v1/audio/speech":
                    payload, content_type = fake.speech(data)
                    self._send(200, payload, content_type)
                elif self.command == "POST" and path in routes:
                    self._json(200, routes[path](data))
                else:
                    self._error(404, f"Unknown request URL: {self.command} {path}.", None)
            except (_BadRequest, ValueError) as exc:
                self._error(400, str(exc), "invalid_request")

        def _error(self, status: int, message: str, code: str | None) -> None:
            kind = "rate_limit_error" if status == 429 else "invalid_request_error"
            if status >= 500:
                kind = "server_error"
            headers = {"retry-after-ms": "5"} if status == 429 or status >= 500 else {}
            body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
            self._json(status, body, headers)

        def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
            self._send(status, json.dumps(data).encode(), "application/json", headers)

        def _send(
            self,
            status: int,
            payload: bytes,
            content_type: str,
            headers: dict[str, str] | None = None,
        ) -> None:
            headers = {"x-request-id": f"req_fake_{len(fake.requests)}", **(headers or {})}
            respond(self, status, payload, content_type, headers)

    return Handler


def running_fake_openai(**options: Any) -> AbstractContextManager[FakeOpenAIServer]:
    """Start a `FakeOpenAIServer` on 127.0.0.1 (a free port) and stop it afterwards."""
    return running(FakeOpenAIServer(**options))
