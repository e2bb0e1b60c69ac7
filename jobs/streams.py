"""A job's Server-Sent Events: every state change and progress step, from the start (or after
`Last-Event-ID`), until the job ends.

Under ASGI (uvicorn workers) the stream is an async generator: it holds no server thread while
it waits, only a task in the event loop. It reads the events so far from the database once,
then takes new ones from Redis pub/sub (jobs/event_bus.py; one subscription per process,
shared by all its streams), reading the database again only every
JOB_EVENTS_RESYNC_SECONDS in case a message was lost. Without Redis it polls the database
every JOB_EVENTS_POLL_INTERVAL with async sleeps. Under WSGI (runserver, the test client)
the same stream is a plain generator that polls.
"""

import asyncio
import contextlib
import contextvars
import json
import logging
import time
import weakref

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

from filmstudio.metrics import SSE_STREAMS

from . import selectors, state
from .event_bus import channel, event_payload

logger = logging.getLogger(__name__)

# Seconds of silence after which the stream sends a comment line. Proxies cut streams that
# stay idle, and a write is how a server notices that the client went away: without it a
# dead stream would stay open until JOB_EVENTS_MAX_SECONDS.
SSE_HEARTBEAT_SECONDS = 15
PREAMBLE = "retry: 3000\n\n"


def sse(data: dict) -> str:
    kind = "state" if data["from_status"] != data["to_status"] else "progress"
    return f"id: {data['id']}\nevent: {kind}\ndata: {json.dumps(data, default=str)}\n\n"


def sse_end(status_now: str | None) -> str:
    return f"event: end\ndata: {json.dumps({'status': status_now})}\n\n"


def _release_db_connection() -> None:
    # A stream waits far longer than it queries: give the connection back after each read,
    # so open streams do not each pin a PostgreSQL connection for their whole life. Inside a
    # transaction (the test suite's) the connection must stay.
    if not connection.in_atomic_block:
        connection.close()


def read_after(job_id: int, after_id: int) -> tuple[str | None, list[dict]]:
    """(the job's status, its events after `after_id` as sent). Events are read after the
    status: a terminal status means its event is already written, so the batch holds
    everything up to the end."""
    status_now = selectors.job_status(job_id=job_id)
    events = selectors.job_events_after(job_id=job_id, after_id=after_id, limit=1000)
    _release_db_connection()
    return status_now, [event_payload(event) for event in events]


def _chunks(status_now: str | None, events: list[dict], after_id: int) -> tuple[list[str], int]:
    """What to send for a read (the events, then the end when the job has ended) and the last
    event id sent."""
    chunks = [sse(data) for data in events]
    if status_now is None or status_now in state.TERMINAL:
        chunks.append(sse_end(status_now))
    return chunks, (events[-1]["id"] if events else after_id)


def event_stream(job_id: int, after_id: int):
    """The polling stream, for WSGI servers (each open stream holds a server thread)."""
    SSE_STREAMS.inc()
    try:
        yield from _polled(job_id, after_id)
    finally:
        SSE_STREAMS.dec()


def _polled(job_id: int, after_id: int):
    deadline = time.monotonic() + settings.JOB_EVENTS_MAX_SECONDS
    yield PREAMBLE
    last_write = time.monotonic()
    while True:
        chunks, after_id = _chunks(*read_after(job_id, after_id), after_id)
        yield from chunks
        if chunks:
            last_write = time.monotonic()
        if chunks and chunks[-1].startswith("event: end"):
            return
        if time.monotonic() > deadline:
            return  # the client reconnects with Last-Event-ID
        if time.monotonic() - last_write >= SSE_HEARTBEAT_SECONDS:
            last_write = time.monotonic()
            yield ": heartbeat\n\n"
        time.sleep(settings.JOB_EVENTS_POLL_INTERVAL)


class _Hub:
    """One Redis pattern subscription per event loop, fanned out to the streams of that loop
    (a queue per stream, by job id)."""

    def __init__(self) -> None:
        self.queues: dict[int, set[asyncio.Queue]] = {}
        self.task: asyncio.Task | None = None

    def add(self, job_id: int) -> asyncio.Queue:
        if self.task is None or self.task.done():
            # In a context of its own: it outlives the request that started it, whose
            # context (request id, the request's sync thread) ends with that request.
            loop = asyncio.get_running_loop()
            self.task = loop.create_task(self._listen(), context=contextvars.Context())
        queue: asyncio.Queue = asyncio.Queue()
        self.queues.setdefault(job_id, set()).add(queue)
        return queue

    def discard(self, job_id: int, queue: asyncio.Queue) -> None:
        listeners = self.queues.get(job_id, set())
        listeners.discard(queue)
        if not listeners:
            self.queues.pop(job_id, None)

    async def _listen(self) -> None:
        import redis.asyncio as aioredis

        prefix = channel(0)[:-1]  # "<prefix>jobs:events:"
        while True:
            client = aioredis.Redis.from_url(settings.REDIS_URL)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.psubscribe(f"{prefix}*")
                    async for message in pubsub.listen():
                        if message["type"] != "pmessage":
                            continue
                        job_id = int(message["channel"].decode()[len(prefix) :])
                        data = json.loads(message["data"])
                        for queue in list(self.queues.get(job_id, ())):
                            queue.put_nowait(data)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis went away: the streams resync from the database
                logger.warning("Job event subscription lost (%s): reconnecting", exc)
                await asyncio.sleep(1)
            finally:
                with contextlib.suppress(Exception):
                    await client.aclose()


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Hub]" = weakref.WeakKeyDictionary()


def _hub() -> _Hub:
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = _Hub()
    return _hubs[loop]


async def event_stream_async(job_id: int, after_id: int):
    """The stream for ASGI servers: an async generator that holds no thread while it waits."""
    deadline = time.monotonic() + settings.JOB_EVENTS_MAX_SECONDS
    read = sync_to_async(read_after)
    pubsub = bool(settings.REDIS_URL)
    # Subscribed before the first read: an event committed meanwhile is in one or the other.
    hub = _hub()
    queue = hub.add(job_id) if pubsub else None
    SSE_STREAMS.inc()
    try:
        yield PREAMBLE
        check = 0.0  # the database is read now, then every resync (pub/sub) or poll interval
        last_write = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= check:
                chunks, after_id = _chunks(*await read(job_id, after_id), after_id)
                for chunk in chunks:
                    yield chunk
                if chunks:
                    last_write = time.monotonic()
                if chunks and chunks[-1].startswith("event: end"):
                    return
                interval = settings.JOB_EVENTS_RESYNC_SECONDS if pubsub else None
                check = now + (interval or settings.JOB_EVENTS_POLL_INTERVAL)
            if now > deadline:
                return  # the client reconnects with Last-Event-ID
            if now - last_write >= SSE_HEARTBEAT_SECONDS:
                last_write = now
                yield ": heartbeat\n\n"
            wait = max(0.0, min(check, last_write + SSE_HEARTBEAT_SECONDS, deadline) - now)
            if queue is None:
                await asyncio.sleep(wait)
                continue
            try:
                data = await asyncio.wait_for(queue.get(), timeout=wait or 0.001)
            except TimeoutError:
                continue
            if data["id"] <= after_id:
                continue  # already sent from the database
            after_id = data["id"]
            last_write = time.monotonic()
            yield sse(data)
            if data["to_status"] in state.TERMINAL:
                yield sse_end(data["to_status"])
                return
    finally:
        SSE_STREAMS.dec()
        if queue is not None:
            hub.discard(job_id, queue)
