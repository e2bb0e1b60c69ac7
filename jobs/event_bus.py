"""A job's events, fanned out: every JobEvent is published on Redis once its transaction
commits, so open event streams (jobs/streams.py) get it without reading the database.

One channel per job, `<JOB_EVENTS_CHANNEL_PREFIX>jobs:events:<id>`, carrying the event as the
stream sends it. Redis pub/sub is not scoped to a database number, so the prefix names the
site (by default its database). Without REDIS_URL nothing is published and the streams poll.
Publishing never fails a job: a lost message only delays a stream until it next checks.
"""

import json
import logging
from functools import cache, partial

from django.conf import settings
from django.db import transaction
from rest_framework.fields import DateTimeField

logger = logging.getLogger(__name__)

_AT = DateTimeField()


def channel_prefix() -> str:
    return settings.JOB_EVENTS_CHANNEL_PREFIX or f"{settings.DATABASES['default']['NAME']}:"


def channel(job_id: int) -> str:
    return f"{channel_prefix()}jobs:events:{job_id}"


def event_payload(event) -> dict:
    """The event as clients see it (the `data` of its Server-Sent Event)."""
    return {
        "id": event.id,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "stage": event.stage,
        "progress": event.progress,
        "message": event.message,
        "at": _AT.to_representation(event.at),
    }


@cache
def _client():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def _publish(job_id: int, payload: dict) -> None:
    try:
        _client().publish(channel(job_id), json.dumps(payload))
    except Exception as exc:  # the stream's periodic check catches up
        logger.warning("Could not publish event %s of job %s: %s", payload["id"], job_id, exc)


def event_publish_on_commit(event) -> None:
    """Publish `event` once the transaction that wrote it commits (never a rolled-back one)."""
    if settings.REDIS_URL:
        transaction.on_commit(partial(_publish, event.job_id, event_payload(event)))
