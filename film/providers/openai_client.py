"""The one place an OpenAI client is built. No key configured -> no client -> no network.

Every OpenAI provider (and script enrichment) talks to `OpenAIConfig.base_url` with its key
through the official client, so any OpenAI-compatible server works, and the tests point it
at a local server speaking the same protocol (tests/fakes/openai_server.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from film.config import FilmConfig, OpenAIConfig
from film.errors import ProviderConfigError, ProviderError
from film.providers.http import status_error


def openai_client(config: OpenAIConfig) -> Any | None:
    """Return an `openai.OpenAI` client for the configured endpoint, or None without a key.

    Without a key nothing is imported or constructed, so no code path can reach the network.
    """
    if not config.configured:
        return None
    from openai import OpenAI

    return OpenAI(
        api_key=config.api_key,
        base_url=config.base_url,
        timeout=float(config.timeout_seconds),
        max_retries=int(config.max_retries),
    )


class OpenAIEngine:
    """What every OpenAI engine starts with: a client (ProviderConfigError without a key)
    and its model, from the `OpenAIConfig` field `model_field` names."""

    name = "openai"
    model_field: str

    def __init__(self, config: FilmConfig) -> None:
        self.client = openai_client(config.openai)
        if self.client is None:
            raise ProviderConfigError(self.name, f"{type(self).__name__} needs an API key")
        self.model: str = getattr(config.openai, self.model_field)
        # The model is part of the cache key: switching models must not reuse old output.
        self.version = f"1:{self.model}"

    def bad_reply(self, *, stage: str, message: str) -> ProviderError:
        """A reply we cannot use (worth another try later)."""
        return ProviderError(
            stage=stage,
            provider=self.name,
            code="provider_bad_response",
            message=message,
            retryable=True,
        )


@contextmanager
def provider_call(*, stage: str, provider: str) -> Iterator[None]:
    """Turn the client's exceptions into a `ProviderError` with a stable code.

    The client has already retried what it retries (429/5xx/connection errors, honouring
    Retry-After) by the time an exception reaches us; what is left is for the stage's own
    retry (retryable codes) or a clear failure (the rest).
    """
    import openai

    try:
        yield
    except openai.APIStatusError as exc:
        raise status_error(
            stage=stage, provider=provider, status=exc.status_code, detail=_error_message(exc)
        ) from exc
    except openai.APIConnectionError as exc:  # includes APITimeoutError
        raise ProviderError(
            stage=stage,
            provider=provider,
            code="provider_unreachable",
            message=f"{type(exc).__name__}: {exc}",
            retryable=True,
        ) from exc


def _error_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return str(getattr(exc, "message", exc))
