"""GET /metrics: the Prometheus text format, for the internal network or a bearer token.

- HTTP requests and latencies by view: django-prometheus' middlewares.
- Events counted where they happen (stage durations in the workers, SSE streams open in the
  web processes): the metric objects below. Under gunicorn's several workers and Celery's
  prefork children each process writes its own files in PROMETHEUS_MULTIPROC_DIR and a scrape
  reads them all (prometheus_client's multiprocess mode); the directory must be shared by
  every process on the host and emptied when they all start (docs/operations.md).
- The platform's state (jobs by status, queue depths, workers, credits, uploads, YouTube
  publications): read from the database and the broker at scrape time, from what the apps
  registered (`filmstudio.registry.metrics_sources`), so every web process answers the same.
"""

import ipaddress
import os
import secrets

import prometheus_client
from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django_prometheus import middleware as django_prometheus_middleware
from django_prometheus.utils import Time
from prometheus_client import Gauge, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily

from .errors import json_403
from .registry import metrics_sources

# Stage durations: the film stages run from seconds to tens of minutes.
STAGE_SECONDS = Histogram(
    "filmstudio_stage_seconds",
    "Seconds a job stage took, by stage (observed by the worker when the stage finishes).",
    ["stage"],
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1200, 2400, 3600),
)
SSE_STREAMS = Gauge(
    "filmstudio_sse_streams_open",
    "Server-sent event streams open now.",
    multiprocess_mode="livesum",
)


class PlatformCollector:
    """The registered sources' figures as gauges. A source returns a list of
    (name, documentation, labels, value); one source failing (the broker down) costs its
    own figures only."""

    def collect(self):
        families: dict[str, GaugeMetricFamily] = {}
        for _name, source in metrics_sources:
            try:
                samples = source()
            except Exception:  # the rest of the scrape still answers
                continue
            for name, documentation, labels, value in samples:
                family = families.get(name)
                if family is None:
                    family = families[name] = GaugeMetricFamily(
                        name, documentation, labels=sorted(labels)
                    )
                if value is not None:
                    family.add_metric([str(labels[k]) for k in sorted(labels)], value)
        yield from families.values()


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return secrets.compare_digest(given.encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return address.is_private or address.is_loopback


def registry() -> prometheus_client.CollectorRegistry:
    """This scrape's registry: every process's files in multiprocess mode (else this one's
    metrics), plus the platform's state."""
    scrape = prometheus_client.CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(scrape)
    else:
        for collector in list(prometheus_client.REGISTRY._collector_to_names):
            scrape.register(collector)
    scrape.register(PlatformCollector())
    return scrape


@never_cache
def metrics_view(request):
    """With METRICS_TOKEN set, only `Authorization: Bearer <token>` is let in; without it,
    only private and loopback addresses (the internal network)."""
    if not _allowed(request):
        return json_403(request)
    body = prometheus_client.generate_latest(registry())
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)


class PrometheusAfterMiddleware(django_prometheus_middleware.PrometheusAfterMiddleware):
    """django-prometheus 2.5 reads Content-Length with a bare int(): a malformed header
    (`Content-Length: abc`) became a 500 before any view ran. Such a request is counted and
    timed like any other, without a body size, and the view answers it (400)."""

    def process_request(self, request):
        try:
            int(request.headers.get("content-length") or 0)
        except ValueError:
            method = self._method(request)
            self.label_metric(self.metrics.requests_by_method, request, method=method).inc()
            request.prometheus_after_middleware_event = Time()
            return None
        return super().process_request(request)
