"""The studio: the single-page app creators use, served at `/` and its client-side routes.

The page is one HTML shell; everything it shows comes from the public REST API under
/api/v1/ (see filmstudio/static/studio/). Only the sections below are the app's: every other
path (/api/, /admin/, /health/, /static/, /_allauth/, ...) keeps its own view, and an unknown
path is still the JSON 404.
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.urls import re_path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

# The first segment of every client-side route (js/routes.js). `signup` and `reset-password`
# are the links the invitation and password-reset emails carry; `login` holds allauth's
# social-login callback and error pages (settings HEADLESS_FRONTEND_URLS); `youtube/callback`
# is Google's redirect URI (settings.YOUTUBE_REDIRECT_URI).
SECTIONS = (
    "signin",
    "signup",
    "forgot-password",
    "reset-password",
    "login",
    "account",
    "projects",
    "library",
    "credits",
    "youtube",
)


def _origin(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _content_security_policy(nonce: str) -> str:
    # Scripts only from this origin (plus the one inline import map, by nonce): a refresh
    # token kept in localStorage is only as safe as the page is from injected script.
    # Media and images may come from the object store when files live on S3; images also
    # from STUDIO_IMAGE_ORIGINS (YouTube channel avatars).
    storage = settings.STORAGES["default"].get("OPTIONS", {})
    media = " ".join(
        origin
        for origin in {
            _origin(storage.get("endpoint_url") or ""),
            _origin(f"https://{storage['custom_domain']}" if storage.get("custom_domain") else ""),
            "https://*.amazonaws.com" if settings.USE_S3 else "",
        }
        if origin
    )
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            " ".join(["img-src 'self' data: blob:", media, *settings.STUDIO_IMAGE_ORIGINS]).strip(),
            f"media-src 'self' blob: {media}".rstrip(),
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            # No form-action: social sign-in posts a form to /_allauth/, which redirects to
            # the provider, and browsers hold that redirect to the form-action list too.
        ]
    )


@never_cache
@ensure_csrf_cookie  # the social sign-in form (allauth's browser API) needs the CSRF cookie
def studio(request, path: str = ""):
    nonce = secrets.token_urlsafe(16)
    config = {
        "api": "/api/v1",
        "allauth": "/_allauth/browser/v1",
        "csrfCookie": settings.CSRF_COOKIE_NAME,
    }
    response = render(request, "studio/index.html", {"nonce": nonce, "config": config})
    response["Content-Security-Policy"] = _content_security_policy(nonce)
    response["Referrer-Policy"] = "same-origin"
    return response


urlpatterns = [
    re_path(r"^$", studio, name="studio"),
    re_path(rf"^(?P<path>(?:{'|'.join(SECTIONS)})(?:/.*)?)$", studio, name="studio-route"),
]
