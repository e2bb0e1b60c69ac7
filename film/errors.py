"""Errors the engine raises on purpose, each with a stable machine-readable code.

- `ScriptError`: the script cannot be turned into a film; the same script fails the same way
  on every try.
- `RenderError`: a render step (ffmpeg, a provider) failed; `stage` names where.
- `ProviderConfigError`: the engine asked for cannot run on this machine as configured (a
  package missing, no model directory). Retrying will not help; the message says what to set
  or install.
- `ProviderError`: a call to a provider failed (HTTP 5xx/429, timeout, unreachable, a reply
  we cannot use). It is a `RenderError`; `retryable` says whether a later try may succeed.
"""

from __future__ import annotations


class ScriptError(ValueError):
    """The submitted script cannot be turned into a film.

    `code` is stable and meant for API error bodies: "empty", "too_large", "binary",
    "no_scenes", "no_lines", "too_long", "flagged".
    """

    # The same script fails the same way on every try: a stage fails at once, not after backoff.
    retryable = False

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"ScriptError({self.code!r}, {self.message!r})"


class RenderError(RuntimeError):
    """A render step (ffmpeg, a provider) failed; `stage` names where."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(f"{stage}: {message}")
        self.stage = stage


class ProviderConfigError(ValueError):
    """The provider asked for cannot run here; `code` is "provider_unavailable"."""

    code = "provider_unavailable"

    def __init__(self, provider: str, message: str) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider


class ProviderError(RenderError):
    """A provider call failed.

    `code` is stable: "provider_rate_limited" (429), "provider_server_error" (5xx),
    "provider_unreachable" (connection refused, timeout), "provider_rejected" (other 4xx: bad
    key, bad request; retrying will not help), "provider_bad_response" (a reply we cannot use).
    `retryable` says whether trying again later may succeed; `status` is the HTTP status if any.
    """

    def __init__(
        self,
        *,
        stage: str,
        provider: str,
        code: str,
        message: str,
        retryable: bool,
        status: int | None = None,
    ) -> None:
        super().__init__(stage, f"{provider} provider: {message}")
        self.provider = provider
        self.code = code
        self.retryable = retryable
        self.status = status
