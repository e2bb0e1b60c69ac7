"""One small HTTP client for the engines that speak plain REST (stock pictures, ElevenLabs):
the standard library's urllib, a timeout, and every failure turned into a `ProviderError`
with the same stable codes as the OpenAI engines."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from film.errors import ProviderError

_MESSAGE_CHARS = 300


def call(
    url: str,
    *,
    stage: str,
    provider: str,
    headers: dict[str, str],
    timeout: float,
    body: dict[str, Any] | None = None,
) -> bytes:
    """GET `url` (or POST the JSON `body`) and return the reply's bytes."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    for key, value in {**headers, **({"Content-Type": "application/json"} if data else {})}.items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:_MESSAGE_CHARS].decode(errors="replace")
        raise status_error(stage=stage, provider=provider, status=exc.code, detail=detail) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ProviderError(
            stage=stage,
            provider=provider,
            code="provider_unreachable",
            retryable=True,
            message=f"{type(exc).__name__}: {exc}",
        ) from exc


def status_error(*, stage: str, provider: str, status: int, detail: str) -> ProviderError:
    """The error for an HTTP status: 429 and 5xx may pass (retryable), other 4xx will not."""
    if status == 429:
        code, retryable = "provider_rate_limited", True
    elif status >= 500:
        code, retryable = "provider_server_error", True
    else:
        code, retryable = "provider_rejected", False
    return ProviderError(
        stage=stage,
        provider=provider,
        code=code,
        retryable=retryable,
        message=f"HTTP {status}: {detail}",
        status=status,
    )


def bad_reply(*, stage: str, provider: str, message: str) -> ProviderError:
    return ProviderError(
        stage=stage,
        provider=provider,
        code="provider_bad_response",
        message=message,
        retryable=True,
    )
