"""The request's context follows the work into Celery tasks: the request id, the user id and
the job id ride along in a message header when a task is sent, and are bound again (with the
job id read from a `job_id` argument) while the task runs, so one filter on a request or job
id reads its whole story across web and workers. Each task's start and end are logged."""

import inspect
import logging

from celery import signals

from . import context

logger = logging.getLogger("filmstudio.tasks")

HEADER = "filmstudio_context"
CARRIED = ("request_id", "user_id", "job_id")
_tokens: dict[str, object] = {}


def _job_id(task, args, kwargs):
    if kwargs and "job_id" in kwargs:
        return kwargs["job_id"]
    try:
        names = list(inspect.signature(task.run).parameters)
    except (TypeError, ValueError):
        return None
    if "job_id" in names and args and len(args) > names.index("job_id"):
        return args[names.index("job_id")]
    return None


def carry(headers=None, **kwargs) -> None:
    origin = context.current()
    if headers is not None and origin:
        headers[HEADER] = {key: origin[key] for key in CARRIED if key in origin}


def begin(task_id=None, task=None, args=None, kwargs=None, **extra) -> None:
    carried = (task.request.get(HEADER) if task is not None else None) or {}
    _tokens[task_id] = context.push(
        source="task",
        request_id=carried.get("request_id") or task_id,
        user_id=carried.get("user_id"),
        job_id=_job_id(task, args, kwargs) or carried.get("job_id"),
    )
    logger.info("task started", extra={"task": getattr(task, "name", "?"), "task_id": task_id})


def end(task_id=None, task=None, state=None, **extra) -> None:
    logger.info(
        "task ended", extra={"task": getattr(task, "name", "?"), "task_id": task_id, "state": state}
    )
    token = _tokens.pop(task_id, None)
    if token is not None:
        context.pop(token)


def connect() -> None:
    signals.before_task_publish.connect(carry, dispatch_uid="filmstudio-carry-context")
    signals.task_prerun.connect(begin, dispatch_uid="filmstudio-begin-context")
    signals.task_postrun.connect(end, dispatch_uid="filmstudio-end-context")
