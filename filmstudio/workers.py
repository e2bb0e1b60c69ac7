"""The gunicorn worker of `web` (Procfile, docker/): uvicorn serving `filmstudio.asgi`.

Gunicorn's own `--limit-request-*` options do not apply to uvicorn workers. Uvicorn's HTTP
parser (h11, pinned here so the limit below always holds) bounds the request line and headers
together: up to REQUEST_HEAD_MAX_BYTES they reach the app, which answers over-long values (an
Idempotency-Key, say) with a 400 in the API's error shape; past it uvicorn answers a bare 400.
Bound them at the proxy.

Also gunicorn's configuration (`gunicorn -c python:filmstudio.workers`): its hooks.
"""

from uvicorn_worker import UvicornWorker as _UvicornWorker

REQUEST_HEAD_MAX_BYTES = 128 * 1024


class UvicornWorker(_UvicornWorker):
    CONFIG_KWARGS = {
        **_UvicornWorker.CONFIG_KWARGS,
        "http": "h11",
        "h11_max_incomplete_event_size": REQUEST_HEAD_MAX_BYTES,
    }


def child_exit(server, worker) -> None:
    """gunicorn's hook, in the master, when a worker process has exited (restarted, killed):
    its open-stream gauge stops counting in the metrics every process shares."""
    from filmstudio.procid import process_ended

    process_ended(worker.pid)
