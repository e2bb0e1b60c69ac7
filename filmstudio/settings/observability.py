"""Metrics (the logs are configured in base). Loaded after base: it extends its apps and
middleware."""

import os
import socket

from prometheus_client import values

from .base import INSTALLED_APPS, MIDDLEWARE, SECURE_REDIRECT_EXEMPT, env

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Each process writes its own files, named by this identifier: the host name as well as
    # the pid, so containers sharing one directory (web and workers, docker/) never collide.
    # Set here, before any metric object exists (metrics take their value class when made).
    _host = socket.gethostname()
    values.ValueClass = values.MultiProcessValue(
        process_identifier=lambda: f"{_host}-{os.getpid()}"
    )

# GET /metrics: with a token set, only `Authorization: Bearer <token>`; without one, only
# private and loopback addresses. Set PROMETHEUS_MULTIPROC_DIR (an empty directory shared by
# every process of the host) under gunicorn and Celery, or each process counts alone.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# Scraped over plain HTTP inside the network, like /health/.
SECURE_REDIRECT_EXEMPT = [*SECURE_REDIRECT_EXEMPT, r"^metrics$"]

INSTALLED_APPS = [*INSTALLED_APPS, "django_prometheus"]
# First and last: django-prometheus times the whole request and labels it by view.
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *MIDDLEWARE,
    "filmstudio.metrics.PrometheusAfterMiddleware",
]
