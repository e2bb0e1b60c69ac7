"""Inputs an attacker sends (issue 9, F1-F6 and the smaller findings): every one is a 4xx in
the error shape, never a 500."""

import base64

import pytest
from django.core.cache import cache

from accounts.models import User
from projects.models import Project
from tests.accounts.helpers import assert_error
from tests.factories import DEFAULT_PASSWORD, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

NESTED = "[" * 1000 + "]" * 1000  # ~2 KB, deeper than Python's recursion limit
PROJECT = {"title": "Lighthouse", "script": "INT. LIGHTHOUSE - NIGHT\n\nRain.\n"}


def _json(client, path: str, raw: str, **extra):
    return client.generic("POST", path, raw.encode(), content_type="application/json", **extra)


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/jobs"])
def test_deeply_nested_json_is_a_400_parse_error_not_a_500(api_client, auth_client, path):
    client = auth_client if path == "/api/v1/jobs" else api_client
    assert_error(_json(client, path, NESTED), 400, "parse_error")


def test_json_that_is_not_utf8_is_a_400(api_client):
    response = api_client.generic(
        "POST", "/api/v1/auth/login", b'{"email": "\xff\xfe"}', content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/password/reset"])
def test_a_lone_surrogate_in_the_email_is_a_400_not_a_500(api_client, path):
    response = _json(api_client, path, '{"email": "\\ud800@x.io", "password": "x"}')

    body = assert_error(response, 400, "invalid_characters")
    assert "email" in body["errors"]


@pytest.mark.parametrize(
    "text",
    ["nul\\u0000here", "bell\\u0007", "escape\\u001b[31m", "del\\u007f", "c1\\u0085", "\\ud83d"],
)
def test_control_characters_in_any_json_field_are_refused_in_one_shape(auth_client, text):
    response = _json(auth_client, "/api/v1/projects", f'{{"title": "{text}", "script": "x"}}')

    body = assert_error(response, 400, "invalid_characters")
    assert list(body["errors"]) == ["title"]
    assert not Project.objects.exists()


def test_nested_values_and_keys_are_checked_too(auth_client):
    response = auth_client.post(
        "/api/v1/projects", {**PROJECT, "cast": {"AL\x00ICE": "amy"}}, format="json"
    )
    assert_error(response, 400, "invalid_characters")


def test_tabs_and_newlines_stay_allowed(auth_client):
    script = "INT. HOUSE - DAY\r\n\r\n\tA keeper.\n"
    response = auth_client.post("/api/v1/projects", {**PROJECT, "script": script}, format="json")
    assert response.status_code == 201, response.content


def test_a_nul_in_tus_upload_metadata_is_a_400_and_creates_nothing(auth_client):
    meta = ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}"
        for key, value in {"title": "evil\x00", "filename": "a\x00.mp4"}.items()
    )
    response = auth_client.post(
        "/api/v1/uploads",
        HTTP_UPLOAD_LENGTH="1000",
        HTTP_UPLOAD_METADATA=meta,
        HTTP_TUS_RESUMABLE="1.0.0",
    )

    body = assert_error(response, 400, "invalid_characters")
    assert set(body["errors"]) == {"Upload-Metadata.title", "Upload-Metadata.filename"}


@pytest.mark.parametrize(
    "url", ["/api/v1/admin/users?search=%00", "/api/v1/videos?search=a%00b", "/health/?x=%01"]
)
def test_a_nul_in_a_query_string_is_a_400_in_the_error_shape(admin_client, url):
    body = assert_error(admin_client.get(url), 400, "invalid_characters")
    assert body["errors"]


def test_a_nul_in_a_path_is_a_400(api_client):
    assert_error(api_client.get("/api/v1/invitations/ab%00cd"), 400, "invalid_characters")


def test_a_nul_in_the_idempotency_key_is_a_400(auth_client):
    project = ProjectFactory(owner=auth_client.user)
    response = auth_client.post(
        "/api/v1/jobs",
        {"project": project.pk, "type": "script_analysis"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k\x00",
    )
    assert_error(response, 400, "invalid_characters")


def test_options_on_users_me_describes_the_operation(auth_client):
    response = auth_client.options("/api/v1/users/me")

    assert response.status_code == 200, response.content
    assert "PUT" in response.json()["actions"]


def _login_from(client, address: str, email: str):
    return client.post(
        "/api/v1/auth/login",
        {"email": email, "password": "wrong"},
        format="json",
        HTTP_X_FORWARDED_FOR=address,
    )


def test_a_new_x_forwarded_for_each_try_does_not_reset_the_ip_throttle(api_client, settings):
    # The default trusts no proxy: the header is the client's own word.
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    answers = [
        _login_from(api_client, f"10.0.0.{n}", f"user{n}@example.com").status_code for n in range(8)
    ]

    assert answers[:5] == [401] * 5
    assert answers[5:] == [429] * 3


def test_behind_one_trusted_proxy_the_client_is_the_address_it_appended(api_client, settings):
    from rest_framework.settings import api_settings

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api_settings.reload()
    try:
        # What the client wrote before the proxy's entry changes nothing.
        for n in range(5):
            assert _login_from(api_client, f"6.6.6.{n}, 10.0.0.7", f"u{n}@x.io").status_code == 401
        assert _login_from(api_client, "1.2.3.4, 10.0.0.7", "w@x.io").status_code == 429
        # Another client (another address the proxy appended) still gets its own tries.
        assert _login_from(api_client, "1.2.3.4, 10.0.1.1", "v@x.io").status_code == 401
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
        api_settings.reload()


def test_the_email_throttle_keys_on_a_digest_of_the_normalised_address(api_client):
    user = UserFactory(email="target@example.com")
    for n in range(5):
        api_client.post(
            "/api/v1/auth/login",
            {"email": " TARGET@example.com " if n % 2 else user.email, "password": "wrong"},
            format="json",
            REMOTE_ADDR=f"10.1.0.{n}",
        )
    blocked = api_client.post(
        "/api/v1/auth/login",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        format="json",
        REMOTE_ADDR="10.1.1.1",
    )

    assert_error(blocked, 429, "throttled")
    keys = list(cache._cache.get_client().keys("*login_email*"))
    assert keys and all(b"target" not in key for key in keys)


def test_an_unknown_api_path_is_the_json_404_even_in_debug(api_client, settings):
    settings.DEBUG = True
    for url in ["/api/v1/nothing-here", "/api/v2/jobs", "/api/"]:
        assert_error(api_client.get(url), 404, "not_found")


def test_health_answers_without_the_slash(api_client):
    response = api_client.get("/health")
    assert response.status_code in (200, 503)
    assert "checks" in response.json()


def test_a_screenplay_over_the_job_limit_is_refused_when_saved(auth_client, settings):
    settings.FILM_SCRIPT_MAX_BYTES = 1000
    big = "INT. HOUSE - DAY\n\n" + "A line of action.\n" * 100

    created = auth_client.post("/api/v1/projects", {**PROJECT, "script": big}, format="json")
    body = assert_error(created, 400, "script_too_large")
    assert "script" in body["errors"]

    project = auth_client.post("/api/v1/projects", PROJECT, format="json").json()
    grown = auth_client.patch(f"/api/v1/projects/{project['id']}", {"script": big}, format="json")
    assert_error(grown, 400, "script_too_large")
    assert Project.objects.get(pk=project["id"]).script == PROJECT["script"].strip()


def test_a_number_where_the_schema_says_string_is_refused(auth_client):
    response = auth_client.patch("/api/v1/users/me", {"last_name": 0}, format="json")

    body = assert_error(response, 400, "invalid")
    assert "last_name" in body["errors"]
    assert User.objects.get(pk=auth_client.user.pk).last_name != "0"


@pytest.mark.parametrize("value", ["null", "0", "-1", "ten", "1.5"])
def test_a_page_size_outside_the_schema_is_a_400(auth_client, value):
    body = assert_error(auth_client.get(f"/api/v1/projects?page_size={value}"), 400, "invalid")
    assert "page_size" in body["errors"]


def test_a_form_encoded_body_is_refused_where_only_json_is_documented(auth_client):
    response = auth_client.post(
        "/api/v1/projects", "title=x", content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, 415, "unsupported_media_type")
