"""The studio's page shell: where Django serves it, what it leaves alone, and what a creator
downloads. (The pages themselves are tested in Chromium, in the other modules.)"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import resolve

from accounts.models import Invitation
from accounts.services import invitation_link, password_reset_link
from filmstudio import studio

STATIC = Path(studio.__file__).parent / "static" / "studio"
# The budget for the JavaScript a creator downloads, before compression.
JS_BUDGET_BYTES = 200_000

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/signin",
        "/signup?invitation=abc",
        "/reset-password?uid=MQ&token=x",
        "/login/error?error=cancelled",
        "/projects",
        "/projects/12",
        "/library/upload",
        "/credits",
        "/credits/plans?checkout=cancelled",
        "/youtube",
        "/youtube/callback?code=x&state=y",
    ],
)
def test_the_studio_answers_at_root_and_at_its_client_routes(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b'<div id="app">' in response.content
    assert b"studio/js/main.js" in response.content


def test_its_scripts_run_only_from_this_origin_and_the_import_map_by_nonce(client):
    response = client.get("/projects")

    policy = response["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert "script-src 'self' 'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    assert f'<script type="importmap" nonce="{nonce}">'.encode() in response.content
    # A fresh nonce for every response.
    assert client.get("/projects")["Content-Security-Policy"] != policy


def test_images_come_from_this_origin_and_the_youtube_avatar_hosts_only(client, settings):
    settings.STUDIO_IMAGE_ORIGINS = ["https://yt3.ggpht.com"]
    directives = dict(
        part.strip().split(" ", 1)
        for part in client.get("/projects")["Content-Security-Policy"].split(";")
    )
    assert directives["img-src"].split() == ["'self'", "data:", "blob:", "https://yt3.ggpht.com"]
    assert "yt3" not in directives["default-src"] + directives["media-src"]


def test_the_page_sets_the_csrf_cookie_social_sign_in_posts_with(client):
    response = client.get("/signin")

    assert settings.CSRF_COOKIE_NAME in response.cookies


@pytest.mark.parametrize(
    ("path", "status", "content_type"),
    [
        ("/api/v1/no-such-endpoint", 404, "application/json"),
        ("/api/v1/projects", 401, "application/json"),
        ("/_allauth/browser/v1/config", 200, "application/json"),
        ("/admin/", 302, None),
        ("/no-such-page", 404, "application/json"),
        ("/projectsfoo", 404, "application/json"),
    ],
)
def test_other_paths_keep_their_own_views(client, path, status, content_type):
    response = client.get(path)

    assert response.status_code == status
    if content_type:
        assert response["Content-Type"].startswith(content_type)
    assert b'<div id="app">' not in response.content


def test_health_is_not_shadowed(client):
    assert resolve("/health/").url_name == "health"


def test_the_links_emails_stripe_and_google_send_people_to_open_studio_pages(user):
    invitation = Invitation.objects.create(email="", expires_at="2099-01-01T00:00:00Z")
    links = [
        password_reset_link(user=user),
        invitation_link(invitation),
        *settings.HEADLESS_FRONTEND_URLS.values(),
        settings.BILLING_SUCCESS_URL,
        settings.BILLING_CANCEL_URL,
        settings.BILLING_RETURN_URL,
        settings.YOUTUBE_REDIRECT_URI,
    ]

    for link in links:
        match = resolve(urlsplit(link).path)
        assert match.func is studio.studio, link


def test_the_javascript_a_creator_downloads_stays_under_200_kb():
    # Everything the studio can load: its own modules and the vendored libraries (pages load on
    # demand, but a creator who visits them all downloads them all). axe-core is test-only.
    scripts = [*STATIC.rglob("*.js"), *STATIC.rglob("*.mjs")]
    total = sum(path.stat().st_size for path in scripts)

    assert {p.name for p in scripts} >= {"main.js", "api.js", "preact.mjs", "tus.js"}
    assert total < JS_BUDGET_BYTES, f"{total} bytes of JavaScript"
