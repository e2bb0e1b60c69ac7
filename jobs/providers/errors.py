"""Errors a provider raises on purpose.

- `ProviderConfigError`: the provider cannot be used on this machine as configured (a package
  missing, no model directory). Retrying will not help; the message says what to set or install.
- `ProviderError`: a call to a provider failed (HTTP 5xx/429, timeout, unreachable, a reply
  we cannot use). It is a `RenderError`, so a stage that lets it propagate is retried with
  backoff by the job engine and, once the retries are spent, fails with `code` as the job's
  `error_code`.
"""

from __future__ import annotations

from jobs.pipeline.errors import RenderError


class ProviderConfigError(ValueError):
    """The provider named in settings cannot run here; `code` is "provider_unavailable"."""

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
