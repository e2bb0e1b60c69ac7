"""/metrics is for the internal network or a token; logs are JSON lines with the request's
context."""

import json
import logging

import pytest

from filmstudio import context
from filmstudio.logs import formatter

pytestmark = pytest.mark.django_db


def test_metrics_are_private_without_a_token(client):
    inside = client.get("/metrics")
    assert inside.status_code == 200
    body = inside.content.decode()
    assert "django_http_requests_total_by_method_total" in body
    assert 'filmstudio_jobs{status="failed"}' in body
    assert client.get("/metrics", REMOTE_ADDR="8.8.8.8").status_code == 403


def test_with_a_token_only_its_bearer_reads_metrics(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 403
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    right = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert right.status_code == 200


def test_a_json_log_line_carries_the_bound_context():
    structured = formatter("json")
    handler_formatter = structured.pop("()")(**structured)
    record = logging.LogRecord("jobs", logging.INFO, __file__, 1, "stage %s", ("done",), None)
    with context.bound(request_id="abc12345", job_id=7, source="task"):
        line = json.loads(handler_formatter.format(record))
    assert line["event"] == "stage done" and line["level"] == "info"
    assert (line["request_id"], line["job_id"], line["source"]) == ("abc12345", 7, "task")
    assert line["logger"] == "jobs" and "timestamp" in line


def test_every_response_names_its_request(client):
    response = client.get("/health/", HTTP_X_REQUEST_ID="given-id-123")
    assert response["X-Request-ID"] == "given-id-123"
    assert len(client.get("/health/", HTTP_X_REQUEST_ID="bad id!")["X-Request-ID"]) == 32
