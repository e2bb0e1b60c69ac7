"""Middleware that holds for every URL, API or not, before any view runs: where a request comes
from (`request_context_middleware`) and which characters it may carry
(`RefuseControlCharacters`)."""

import re

from django.http import JsonResponse

from . import context
from .errors import DomainError, error_body
from .text import text_check

REQUEST_ID_HEADER = "X-Request-ID"
# A client may name its request (to follow it through our logs) with a short token.
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def _source(path: str) -> str:
    return "admin" if path.startswith("/admin/") else "api"


def request_context_middleware(get_response):
    """Binds where a request comes from (`filmstudio.context`) for its whole handling: the
    request id (the client's `X-Request-ID` when it is sane, else a new one, echoed in the
    response), the surface (admin site or API), the client's address and user agent. The audit
    log and every log line read them; Celery tasks the request enqueues carry them on
    (celery_app.signals)."""

    def middleware(request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _SANE_ID.match(given) else context.new_request_id()
        user = getattr(request, "user", None)
        with context.bound(
            request_id=request_id,
            source=_source(request.path),
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", "")[:300],
            user_id=user.pk if user is not None and user.is_authenticated else None,
        ):
            request.request_id = request_id
            response = get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response

    return middleware


class RefuseControlCharacters:
    """The path and the query string pass `filmstudio.text.text_check` (a `%00` in a search
    or a token would reach PostgreSQL, which refuses NUL): a 400 `invalid_characters` in
    the error shape otherwise. Bodies are checked by the parsers (filmstudio/parsers.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            text_check(request.path, where="path")
            text_check({key: request.GET.getlist(key) for key in request.GET})
        except DomainError as exc:
            return JsonResponse(error_body(exc.detail, exc.code, exc.errors), status=400)
        return self.get_response(request)
