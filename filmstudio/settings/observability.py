"""Metrics (the logs are configured in base). Loaded after base: it extends its apps and
middleware."""

import os

from prometheus_client import values

from filmstudio.procid import process_identifier

from .base import INSTALLED_APPS, MIDDLEWARE, SECURE_REDIRECT_EXEMPT, env

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Each process writes its own files, named by host and pid (filmstudio/procid.py).
    # Set here, before any metric object exists (metrics take their value class when made).
    values.ValueClass = values.MultiProcessValue(process_identifier=process_identifier)

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
