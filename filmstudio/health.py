"""GET /health/: is every part the platform needs reachable? 503 when one is not."""

import logging
import time
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from filmstudio.errors import error_body

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was written")
    cache.delete(key)


def _check_broker() -> None:
    from celery_app import app

    with app.connection_for_write() as conn:
        # One try, two seconds: a health probe must answer fast, not wait out retries.
        conn.ensure_connection(max_retries=1, timeout=2)


def _check_storage() -> None:
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        if not default_storage.exists(name):
            raise RuntimeError("storage did not keep what was written")
    finally:
        default_storage.delete(name)


CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "storage": _check_storage,
}


@never_cache
def health(request):
    if request.method not in ("GET", "HEAD"):
        # JSON like every other error (require_GET would answer with an empty HTML 405).
        response = JsonResponse(
            error_body(f'Method "{request.method}" not allowed.', "method_not_allowed"),
            status=405,
        )
        response["Allow"] = "GET, HEAD"
        return response
    results = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
            results[name] = {"status": "ok"}
        except Exception as exc:  # a health check reports every failure, whatever it is
            logger.warning("health check %s failed: %s", name, exc)
            results[name] = {"status": "error", "error": str(exc)[:200]}
            healthy = False
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    body = {"status": "ok" if healthy else "error", "checks": results}
    return JsonResponse(body, status=200 if healthy else 503)
