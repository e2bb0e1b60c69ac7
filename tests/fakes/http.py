"""What the fake API servers share: a threaded HTTP server on a free port of 127.0.0.1 (so tests
never fight over a fixed port) and one way to write a response."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol


def serve(handler: type[BaseHTTPRequestHandler], *, name: str) -> ThreadingHTTPServer:
    """Serve `handler` on 127.0.0.1 (a free port) from a daemon thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.02},  # shutdown() waits up to one poll
        name=name,
        daemon=True,
    ).start()
    return server


def address(server: ThreadingHTTPServer | None) -> str:
    assert server is not None, "server not started"
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


def close(server: ThreadingHTTPServer | None) -> None:
    if server is not None:
        server.shutdown()
        server.server_close()


def respond(
    handler: BaseHTTPRequestHandler,
    status: int,
    payload: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status, HTTPStatus(status).phrase)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(payload)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(payload)


class Startable(Protocol):
    def start(self) -> Any: ...

    def stop(self) -> None: ...


@contextmanager
def running(fake: Startable) -> Iterator[Any]:
    """Start `fake` and stop it afterwards."""
    started = fake.start()
    try:
        yield started
    finally:
        fake.stop()
