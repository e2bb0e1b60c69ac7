"""The ASGI handler's request threads (filmstudio/asgi.py): a request's sync calls share one
pool thread until it is detached; after that each call borrows one; threads are reused and
only ASGI_IDLE_THREADS idle ones are kept. (tests/jobs/test_events_async.py shows 120 open
streams under uvicorn adding no thread each.)"""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import ThreadSensitiveContext, sync_to_async

from filmstudio.asgi import RequestThread, ThreadPool


def _wait_until(predicate, timeout=5.0):
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_requests_calls_share_one_thread_until_it_is_detached_then_it_is_lent_again():
    pool = ThreadPool(max_idle=4)
    first, second = RequestThread(pool), RequestThread(pool)
    a = {first.submit(threading.get_ident).result() for _ in range(5)}
    b = {second.submit(threading.get_ident).result() for _ in range(5)}
    assert len(a) == 1 and len(b) == 1 and a != b  # one thread each, both held
    first.detach()
    third = RequestThread(pool)
    assert {third.submit(threading.get_ident).result()} == a  # the freed thread, reused


def test_after_detaching_each_call_borrows_a_thread_and_gives_it_back():
    pool = ThreadPool(max_idle=4)
    request = RequestThread(pool)
    held = request.submit(threading.get_ident).result()
    request.detach()
    assert not request.holds_thread()
    # Each call after the detach runs on a pool thread that returns to the pool after it
    ran = request.submit(threading.get_ident).result()
    assert ran == held
    _wait_until(lambda: len(pool._idle) == 1)
    assert not request.holds_thread()


def test_an_exception_reaches_the_caller_and_the_thread_goes_on_serving():
    pool = ThreadPool(max_idle=1)
    request = RequestThread(pool)
    with pytest.raises(ZeroDivisionError):
        request.submit(lambda: 1 / 0).result()
    assert request.submit(lambda: 6 * 7).result() == 42


def test_threads_beyond_the_idle_cap_end_when_given_back():
    pool = ThreadPool(max_idle=2)
    requests = [RequestThread(pool) for _ in range(5)]
    threads = {r.submit(threading.current_thread).result() for r in requests}
    assert len(threads) == 5
    for request in requests:
        request.detach()
    _wait_until(lambda: sum(thread.is_alive() for thread in threads) == 2)
    assert len(pool._idle) == 2


def test_sync_to_async_in_the_requests_context_runs_on_its_thread():
    """What Django's handler does: thread-sensitive sync calls inside the context (middleware,
    the view, the ORM) go to the request's executor; the context's own nested
    ThreadSensitiveContext (Django's) leaves it in place."""
    pool = ThreadPool(max_idle=2)
    request = RequestThread(pool)

    async def run():
        # Django's context, inside ours
        async with ThreadSensitiveContext(executor=request), ThreadSensitiveContext():
            one = await sync_to_async(threading.get_ident)()
            two = await sync_to_async(threading.get_ident)()
        return one, two, request.submit(threading.get_ident).result()

    with ThreadPoolExecutor(max_workers=1) as apart:  # not the test thread's event loop
        one, two, held = apart.submit(asyncio.run, run()).result()
    assert one == two == held
    request.detach()
