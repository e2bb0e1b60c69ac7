"""Concurrency slots: at most `limit` of something open at once per key (a user's event
streams), counted in the shared cache so every web process sees the same figure.

A slot is released when what holds it closes; one a crashed process never released expires
with the counter's `ttl` (set it just above the longest a holder may live), so a count can
never stay wrong for longer than that.
"""

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

from django.core.cache import cache


def slot_acquire(key: str, *, limit: int, ttl: int) -> bool:
    """Take a slot under `key`; False (nothing taken) when `limit` are already held."""
    cache.add(key, 0, timeout=ttl)
    try:
        held = cache.incr(key)
    except ValueError:  # expired between add and incr: start again
        cache.add(key, 1, timeout=ttl)
        held = 1
    cache.touch(key, timeout=ttl)
    if held > limit:
        slot_release(key)
        return False
    return True


def slot_release(key: str) -> None:
    try:
        if cache.decr(key) < 0:
            cache.delete(key)
    except ValueError:  # expired meanwhile: nothing is counted any more
        pass


class _Held:
    def __init__(self, key: str):
        self.key = key
        self._released = False

    def _release(self) -> None:
        if not self._released:
            self._released = True
            slot_release(self.key)


class SlotHeld(_Held):
    """An iterable (a streaming response's content) that holds a slot until it is closed.
    Django calls `close()` when the response ends, even one never iterated."""

    def __init__(self, key: str, content: Iterable):
        super().__init__(key)
        self._content = iter(content)

    def __iter__(self) -> Iterator:
        return self

    def __next__(self):
        return next(self._content)

    def close(self) -> None:
        if not self._released:
            close = getattr(self._content, "close", None)
            if close:
                close()
        self._release()


class AsyncSlotHeld(_Held):
    """The same for an async iterable, which Django's ASGI handler sends from the event loop
    (a sync one it would read whole first). The slot is released when the stream ends or is
    cancelled (the client went away), and by `close()`, which Django calls when the response
    ends, even one never iterated."""

    def __init__(self, key: str, content: AsyncIterable):
        super().__init__(key)
        self._content = content

    async def __aiter__(self) -> AsyncIterator:
        try:
            async for chunk in self._content:
                yield chunk
        finally:
            self._release()

    def close(self) -> None:
        self._release()
