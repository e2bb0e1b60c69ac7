"""Metrics (the logs are configured in base). Loaded after base: it extends its apps and
middleware."""

from .base import INSTALLED_APPS, MIDDLEWARE, SECURE_REDIRECT_EXEMPT, env

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
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
