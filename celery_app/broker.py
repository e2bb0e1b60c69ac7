"""What the broker holds right now: the ids of every task message in a queue or delivered to
a worker and not yet acknowledged. The sweepers ask it before sending a task again, so a
message lost with the broker (a Redis restarted without persistence) is sent again, and one
that is merely waiting its turn in a long queue is not duplicated."""

import json
import logging

from .app import app

logger = logging.getLogger(__name__)


def _queue_keys(transport_options: dict) -> list[str]:
    """Redis keys of every queue at every priority (kombu: `name`, then `name{sep}{step}`)."""
    sep = transport_options.get("sep", "\x06\x16")
    steps = transport_options.get("priority_steps") or [0, 3, 6, 9]
    keys = []
    for queue in app.conf.task_queues:
        keys += [queue.name if step == 0 else f"{queue.name}{sep}{step}" for step in steps]
    return keys


def _task_id(raw: str | bytes) -> str | None:
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    if isinstance(message, list):  # unacked entries: [message, exchange, routing_key]
        message = message[0] if message else {}
    if not isinstance(message, dict):
        return None
    headers = message.get("headers") or {}
    return headers.get("id") or (message.get("properties") or {}).get("correlation_id")


def queued_task_ids() -> set[str] | None:
    """Ids of the tasks the broker holds (queued, or delivered and unacknowledged: running,
    prefetched, or waiting for a retry's countdown). None when the broker cannot be read
    this way (not Redis) or cannot be reached: the caller must then assume nothing is lost.
    Reads every queue: a sweep's cost grows with the backlog (a few ms per thousand)."""
    if not app.conf.broker_url.startswith(("redis://", "rediss://")):
        return None
    options = app.conf.broker_transport_options or {}
    try:
        with app.connection_for_read() as conn:
            client = conn.default_channel.client
            raws: list = []
            for key in _queue_keys(options):
                raws += client.lrange(key, 0, -1)
            raws += client.hvals(options.get("unacked_key", "unacked"))
    except Exception as exc:  # an absent broker: nothing can be decided now
        logger.warning("Could not read the broker's queues: %s", exc)
        return None
    return {task_id for task_id in map(_task_id, raws) if task_id}
