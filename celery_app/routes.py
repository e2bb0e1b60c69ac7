"""Explicit routes: every task that does not run on `default` is listed here."""

from .queues import Queue

ROUTES: dict[str, Queue] = {}


def route_task(name, args, kwargs, options, task=None, **kw):
    queue = ROUTES.get(name)
    return {"queue": queue.value} if queue else None
