"""Every 4xx and 5xx answers {"detail": str, "code": str}, plus "errors" for validation only."""

import json

import pytest
from django.test import Client

from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def assert_shape(response, status: int, code: str, *, with_errors: bool = False) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["code"] == code
    assert ("errors" in body) is with_errors, body
    return body


def test_wrong_method_is_405(auth_client):
    assert_shape(auth_client.delete("/api/v1/projects"), 405, "method_not_allowed")


def test_unsupported_content_type_is_415(auth_client):
    response = auth_client.post(
        "/api/v1/projects", data="<title>x</title>", content_type="application/xml"
    )
    assert_shape(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("path", ["/api/v1/projects", "/api/v1/auth/login"])
def test_malformed_json_is_400_parse_error(auth_client, path):
    response = auth_client.post(path, data='{"title": ', content_type="application/json")
    assert_shape(response, 400, "parse_error")


def test_body_over_the_upload_limit_is_413_not_500(auth_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"title": "Long", "script": "x" * 4096})

    response = auth_client.post("/api/v1/projects", data=body, content_type="application/json")

    assert_shape(response, 413, "request_too_large")


def test_nested_validation_errors_are_flattened_to_dotted_fields(client, settings):
    settings.ROOT_URLCONF = "tests.filmstudio.error_urls"
    response = client.post(
        "/test-errors/nested",
        {"scene": {"heading": "", "shots": [{"duration": 3}, {"duration": 0}]}},
        content_type="application/json",
    )

    body = assert_shape(response, 400, "invalid", with_errors=True)
    assert set(body["errors"]) == {"scene.heading", "scene.shots.1.duration"}
    assert all(
        isinstance(messages, list) and all(isinstance(m, str) for m in messages)
        for messages in body["errors"].values()
    )


@pytest.mark.parametrize("path", ["/test-errors/drf", "/test-errors/django"])
def test_unhandled_exception_is_a_json_500_without_internals(settings, path):
    settings.ROOT_URLCONF = "tests.filmstudio.error_urls"
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)

    response = client.get(path)

    body = assert_shape(response, 500, "server_error")
    assert "boom" not in response.content.decode()
    assert body["detail"] == "Internal server error."


def test_disallowed_host_is_a_json_400():
    response = Client(HTTP_HOST="evil.example.net").get("/api/v1/projects")
    assert_shape(response, 400, "bad_request")


def test_health_refuses_other_methods_with_json():
    response = Client().post("/health/")
    assert_shape(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD"


def test_another_users_project_and_unknown_urls_are_404_in_the_same_shape(make_client, user):
    project = ProjectFactory()  # someone else's
    client = make_client(user)
    assert_shape(client.get(f"/api/v1/projects/{project.id}"), 404, "not_found")
    assert_shape(client.get("/api/v1/projects/abc"), 404, "not_found")
    assert_shape(client.get("/api/v1/nowhere"), 404, "not_found")


def test_permission_denied_is_403_in_the_shape(auth_client):
    assert_shape(auth_client.get("/api/v1/invitations"), 403, "permission_denied")
