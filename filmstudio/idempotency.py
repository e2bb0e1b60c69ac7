"""The `Idempotency-Key` request header, read the same way by every endpoint that takes it."""

from .errors import DomainError
from .text import text_check


def idempotency_key(request, *, max_length: int) -> str | None:
    """The stripped header, or None when absent or blank. A key longer than `max_length` is a
    400 `invalid_idempotency_key`: cutting it short could make two different requests share a
    key, and the second would be silently taken for a replay of the first."""
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if len(key) > max_length:
        raise DomainError(
            f"The Idempotency-Key header is longer than {max_length} characters.",
            code="invalid_idempotency_key",
            errors={"Idempotency-Key": [f"At most {max_length} characters."]},
        )
    return text_check(key, where="Idempotency-Key") or None
