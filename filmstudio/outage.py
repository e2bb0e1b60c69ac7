"""What an outage of the broker or the cache looks like from Python: the exceptions kombu,
Celery and redis-py raise when Redis cannot be reached. The API answers them with a 503 and
`Retry-After` (filmstudio/errors.py); work already committed is queued later by the
sweepers (docs/operations.md, Outages)."""

from kombu.exceptions import OperationalError as KombuOperationalError

try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    REDIS_ERRORS: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)
except ImportError:  # the embedded setup runs without redis-py
    REDIS_ERRORS = ()

OUTAGE_ERRORS: tuple[type[Exception], ...] = (KombuOperationalError, *REDIS_ERRORS)


def is_outage(exc: BaseException) -> bool:
    """Whether `exc` (or what it was raised from) says the broker or cache is unreachable."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OUTAGE_ERRORS):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False
