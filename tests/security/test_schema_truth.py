"""The OpenAPI schema says what the API does (issue 9, F11); the fuzzer checks the answers
(test_fuzz.py), these pin the findings."""

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema, node: dict) -> dict:
    ref = node.get("$ref")
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else node


def _ok_body(schema, path: str, method: str = "get", media="application/json") -> dict:
    response = schema["paths"][path][method]["responses"]["200"]
    return _resolve(schema, response["content"][media]["schema"])


@pytest.mark.parametrize("path", ["/api/v1/videos", "/api/v1/users/{user_id}/videos"])
def test_video_lists_are_declared_as_the_paginated_object_they_return(schema, path):
    body = _ok_body(schema, path)
    assert body["type"] == "object"
    assert {"count", "next", "previous", "results"} <= set(body["properties"])


def test_a_videos_category_may_be_null(schema):
    category = schema["components"]["schemas"]["Video"]["properties"]["category"]
    assert category.get("nullable") or {"type": "null"} in category.get("oneOf", [])


def test_the_event_stream_is_declared_as_events_not_a_string(schema):
    event = _ok_body(schema, "/api/v1/jobs/{id}/events", media="text/event-stream")
    assert event["type"] == "object"
    assert {"event", "id", "data"} <= set(event["properties"])


def test_uploaded_by_is_at_least_one_as_the_view_requires(schema):
    parameters = schema["paths"]["/api/v1/videos"]["get"]["parameters"]
    uploaded_by = next(p for p in parameters if p["name"] == "uploaded_by")
    assert uploaded_by["schema"]["minimum"] == 1


def test_bodies_are_json_only_where_the_api_takes_only_json(schema):
    assert list(schema["paths"]["/api/v1/jobs"]["post"]["requestBody"]["content"]) == [
        "application/json"
    ]


def test_every_operation_documents_its_errors_in_the_error_shape(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert {"400", "default"} <= set(responses), (path, method)
            secured = {} not in operation.get("security", [{}])
            if secured:
                assert "401" in responses, (path, method)
            if "{" in path:
                assert "404" in responses, (path, method)
            error = responses["default"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}


def test_staff_operations_document_403(schema):
    assert "403" in schema["paths"]["/api/v1/admin/users"]["get"]["responses"]
    assert "403" in schema["paths"]["/api/v1/jobs/stats"]["get"]["responses"]


def test_throttled_and_tus_operations_document_429_and_412(schema):
    assert "429" in schema["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert "429" in schema["paths"]["/api/v1/jobs/{id}/events"]["get"]["responses"]
    assert "412" in schema["paths"]["/api/v1/uploads"]["post"]["responses"]
