"""The one place an OpenAI client is built. No key configured -> no client -> no network."""

from __future__ import annotations

from typing import Any

from jobs.pipeline.config import setting


def openai_client(*, api_key: str | None = None, base_url: str | None = None) -> Any | None:
    """Return an `openai.OpenAI` client for the configured endpoint, or None without a key."""
    key = api_key if api_key is not None else setting("OPENAI_API_KEY", "")
    if not key:
        return None
    from openai import OpenAI

    return OpenAI(
        api_key=key,
        base_url=base_url or setting("FILM_OPENAI_BASE_URL", None),
        timeout=setting("FILM_OPENAI_TIMEOUT_SECONDS", 60.0),
        max_retries=1,
    )
