"""Request checks that hold for every URL, API or not, before any view runs."""

from django.http import JsonResponse

from .errors import DomainError, error_body
from .text import text_check


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
