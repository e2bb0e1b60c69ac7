import json

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_health_reports_every_part_ok():
    response = Client().get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "storage"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


def test_health_is_503_when_a_part_is_down(monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    from filmstudio import health

    # A cache on a port where nothing listens stands in for a Redis that went away.
    monkeypatch.setattr(health, "cache", RedisCache("redis://127.0.0.1:1/0", {}))
    response = Client().get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["cache"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


def test_openapi_schema_is_valid_and_documents_the_api(tmp_path):
    out = tmp_path / "schema.json"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(out),
    )

    schema = json.loads(out.read_text())
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/projects", "/api/v1/projects/{id}", "/api/v1/projects/{id}/assets"):
        assert path in schema["paths"]


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/", "/api/v1/schema/"])
def test_api_docs_are_served(path):
    response = Client().get(path)

    assert response.status_code == 200


def test_unknown_api_path_is_a_json_404():
    response = Client().get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_admin_login_page_is_served():
    assert Client().get("/admin/login/").status_code == 200
