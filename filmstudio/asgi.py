"""The ASGI application (uvicorn workers under gunicorn: filmstudio/workers.py).

Django's own ASGI handler gives every request a thread of its own for the request's sync
code (sync middleware, DRF views, the ORM), created when the request first needs it and
joined when the response has been sent. For a stream (Server-Sent Events, a video) that
thread sits idle for the stream's whole life: a web box holding 1,000 streams would hold
1,000 threads.

Here the request's sync code runs on a thread lent by a process-wide pool. The request keeps
that thread while its middleware and view run (one thread for all of it, so thread-bound
state such as the database connection and a transaction hold as under Django's handler);
when the response is a stream, the thread goes back to the pool before the first byte is
sent, once its database connections are closed as at the end of a request. The stream's own
later sync calls (a database read every resync) each borrow a pool thread for the call. An
open stream therefore holds no thread; a process holds as many as the sync work it is doing
at once, and keeps up to settings.ASGI_IDLE_THREADS idle ones for the next requests.
"""

import asyncio
import contextvars
import os
import queue
import threading
from concurrent.futures import Executor, Future

import django
from asgiref.sync import ThreadSensitiveContext
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filmstudio.settings")


class _Worker:
    """One pool thread, running the calls put on its queue in order."""

    def __init__(self, number: int) -> None:
        self.calls: queue.SimpleQueue = queue.SimpleQueue()
        thread = threading.Thread(target=self._run, name=f"asgi-sync-{number}", daemon=True)
        thread.start()

    def _run(self) -> None:
        while (call := self.calls.get()) is not None:
            future, fn, args, kwargs, after = call
            if future.set_running_or_notify_cancel():
                try:
                    result = fn(*args, **kwargs)
                except BaseException as exc:  # handed to the awaiting coroutine
                    future.set_exception(exc)
                else:
                    future.set_result(result)
            if after is not None:
                after(self)


class ThreadPool:
    """Threads lent to requests: an idle one if there is one, else a new one. A thread given
    back beyond `max_idle` idle ones ends."""

    def __init__(self, max_idle: int) -> None:
        self.max_idle = max_idle
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._started = 0

    def borrow(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            self._started += 1
            number = self._started
        return _Worker(number)

    def give_back(self, worker: _Worker) -> None:
        with self._lock:
            if len(self._idle) < self.max_idle:
                self._idle.append(worker)
                return
        worker.calls.put(None)


class RequestThread(Executor):
    """A request's executor for thread-sensitive sync calls (asgiref's ThreadSensitiveContext
    runs them here): one pool thread for all of them until `detach()`; after it, each call
    borrows a pool thread for its own duration."""

    def __init__(self, pool: ThreadPool) -> None:
        self._pool = pool
        self._worker: _Worker | None = None
        self._detached = False
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        with self._lock:
            if self._detached:
                worker, after = self._pool.borrow(), self._pool.give_back
            else:
                if self._worker is None:
                    self._worker = self._pool.borrow()
                worker, after = self._worker, None
        worker.calls.put((future, fn, args, kwargs, after))
        return future

    def holds_thread(self) -> bool:
        return self._worker is not None

    def detach(self) -> None:
        """Give the request's thread back (call it when no sync call of the request runs)."""
        with self._lock:
            self._detached = True
            worker, self._worker = self._worker, None
        if worker is not None:
            self._pool.give_back(worker)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.detach()


_current: contextvars.ContextVar[RequestThread] = contextvars.ContextVar("request_thread")


def _close_old_connections() -> None:
    from django.db import close_old_connections

    close_old_connections()


class FilmStudioASGIHandler(ASGIHandler):
    """Django's ASGI handler, with request threads lent by a pool (the module docstring)."""

    def __init__(self) -> None:
        from django.conf import settings

        super().__init__()
        self.pool = ThreadPool(max_idle=settings.ASGI_IDLE_THREADS)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        request_thread = RequestThread(self.pool)
        token = _current.set(request_thread)
        try:
            # The outermost context wins: Django's own ThreadSensitiveContext inside it
            # leaves this executor in place.
            async with ThreadSensitiveContext(executor=request_thread):
                await super().__call__(scope, receive, send)
        finally:
            _current.reset(token)
            request_thread.detach()

    async def send_response(self, response, send):
        request_thread = _current.get(None)
        if response.streaming and request_thread is not None and request_thread.holds_thread():
            # The view has run: end the thread's part of the request as Django ends a
            # request (its database connections closed unless kept for reuse), then free it.
            await _on_request_thread(request_thread, _close_old_connections)
            request_thread.detach()
        await super().send_response(response, send)


async def _on_request_thread(request_thread: RequestThread, fn) -> None:
    await asyncio.wrap_future(request_thread.submit(fn))


def get_asgi_application() -> FilmStudioASGIHandler:
    django.setup(set_prefix=False)
    return FilmStudioASGIHandler()


application = get_asgi_application()
