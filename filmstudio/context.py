"""Where the work in hand comes from, carried with it: the request id, who asked and from
which surface (the API, the admin site, a manage.py command, a Celery task: `source`).

One context variable, bound by the request middleware, by `AuditedCommand` and by the Celery
signal handlers, read by the audit log (`audit_log`) and by every log line (structlog's
context). A context variable, not a thread-local, so gthread workers and async code each see
their own.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

# The keys a context may hold (anything else is refused, so a typo cannot hide a value).
KEYS = ("request_id", "source", "ip", "user_agent", "command", "user_id", "job_id")

_current: ContextVar[dict[str, Any] | None] = ContextVar("filmstudio_origin", default=None)


def current() -> dict[str, Any]:
    """The bound values (a copy); empty outside any request, command or task."""
    return dict(_current.get() or {})


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bound(**values: Any) -> Iterator[dict[str, Any]]:
    """Bind `values` on top of the current context for the duration of the block."""
    unknown = set(values) - set(KEYS)
    if unknown:
        raise TypeError(f"unknown context keys: {sorted(unknown)}")
    merged = {**current(), **{k: v for k, v in values.items() if v not in (None, "")}}
    token = _current.set(merged)
    try:
        yield merged
    finally:
        _current.reset(token)


def push(**values: Any):
    """Bind `values` on top of the current context until `pop(token)` (for callers that
    cannot use a `with` block, such as Celery's task_prerun/task_postrun signals)."""
    unknown = set(values) - set(KEYS)
    if unknown:
        raise TypeError(f"unknown context keys: {sorted(unknown)}")
    return _current.set({**current(), **{k: v for k, v in values.items() if v not in (None, "")}})


def pop(token) -> None:
    _current.reset(token)


def bind(**values: Any) -> None:
    """Add to the current context until it is left (a user id learnt after authentication)."""
    unknown = set(values) - set(KEYS)
    if unknown:
        raise TypeError(f"unknown context keys: {sorted(unknown)}")
    merged = {**current(), **{k: v for k, v in values.items() if v not in (None, "")}}
    _current.set(merged)
