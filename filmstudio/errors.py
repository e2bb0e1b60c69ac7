"""One error shape for every 4xx and 5xx: {"detail": str, "code": str, "errors": {...}}.

Services raise `DomainError` subclasses (no HTTP in the domain); the API layer turns them,
DRF's own exceptions and anything unexpected into the same JSON body.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from .outage import is_outage

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule said no. Subclasses set the HTTP status and machine-readable code."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"
    default_detail = "The request could not be completed."

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ):
        self.detail = detail or self.default_detail
        if code:
            self.code = code
        self.errors = errors
        super().__init__(self.detail)


class NotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"
    default_detail = "Not found."


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"
    default_detail = "The resource is not in a state that allows this."


class Forbidden(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"
    default_detail = "You do not have permission to perform this action."


class LinkExpired(DomainError):
    status_code = status.HTTP_410_GONE
    code = "link_expired"
    default_detail = "This download link has expired."


class ServiceUnavailable(DomainError):
    """A service the request needs (the broker, the cache) cannot be reached: the client may
    try again after `Retry-After` seconds. Nothing the request did was kept half-done."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "service_unavailable"
    default_detail = "A service this request needs is unavailable; try again shortly."


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


class PaymentRequired(DomainError):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    code = "insufficient_credits"
    default_detail = "Not enough credits."


def _flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error details into {"field.sub": ["message", ...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
    elif isinstance(errors, list):
        if all(not isinstance(item, dict | list) for item in errors):
            flat[prefix or "non_field_errors"] = [str(item) for item in errors]
        else:
            for index, item in enumerate(errors):
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat


def _first_code(codes: Any) -> str:
    if isinstance(codes, dict):
        return _first_code(next(iter(codes.values()), "invalid"))
    if isinstance(codes, list):
        return _first_code(codes[0]) if codes else "invalid"
    return str(codes)


def error_body(detail: str, code: str, errors: dict[str, list[str]] | None = None) -> dict:
    body: dict[str, Any] = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    return body


def _domain_response(exc: DomainError) -> Response:
    response = Response(error_body(exc.detail, exc.code, exc.errors), status=exc.status_code)
    if isinstance(exc, ServiceUnavailable):
        response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER)
    return response


def exception_handler(exc: Exception, context: dict) -> Response | None:
    # Imported here: rest_framework.views reads DEFAULT_PARSER_CLASSES when it loads, and
    # those parsers (filmstudio/parsers.py) raise this module's errors.
    from rest_framework.views import exception_handler as drf_exception_handler

    if is_outage(exc):
        # Redis (broker or cache) down: the client's request was fine; say when to retry.
        logger.warning("Outage in %s: %s", context.get("view"), exc)
        exc = ServiceUnavailable()
    if isinstance(exc, DomainError):
        return _domain_response(exc)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # Raised while DRF reads a body over DATA_UPLOAD_MAX_MEMORY_SIZE: the client's fault.
        exc = RequestTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        # Malformed requests Django refuses (too many fields, bad host...): a 400, not a 500.
        exc = exceptions.ParseError("The request was malformed.", code="bad_request")

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in %s", context.get("view"), exc_info=exc)
        return Response(
            error_body("Internal server error.", "server_error"),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        code = _first_code(exc.get_codes())
        only_general = set(errors) == {"non_field_errors"}
        detail = errors["non_field_errors"][0] if only_general else "Invalid input."
        response.data = error_body(detail, code if only_general else "invalid", errors)
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        if isinstance(detail, dict | list):
            # e.g. SimpleJWT's {"detail": ..., "code": ..., "messages": [...]}
            flat = _flatten(detail)
            message = (flat.get("detail") or next(iter(flat.values())))[0]
            code = _first_code(exc.get_codes())
            if isinstance(detail, dict) and "code" in detail:
                code = str(detail["code"])
            response.data = error_body(str(message), code)
        else:
            response.data = error_body(str(detail), _first_code(exc.get_codes()))
    return response


# Django-level error views (URLConf handlers): the same shape for requests that never reach a
# DRF view, e.g. an unknown URL or a host not in ALLOWED_HOSTS.
def json_400(request, exception=None) -> JsonResponse:
    return JsonResponse(error_body("Bad request.", "bad_request"), status=400)


def json_403(request, exception=None) -> JsonResponse:
    return JsonResponse(
        error_body("You do not have permission to perform this action.", "permission_denied"),
        status=403,
    )


def json_csrf_failure(request, reason: str = "") -> JsonResponse:
    """CSRF_FAILURE_VIEW: a cookie-authenticated write without its CSRF token."""
    return JsonResponse(
        error_body("CSRF verification failed.", "csrf_failed"),
        status=403,
    )


def json_404(request, exception=None) -> JsonResponse:
    return JsonResponse(error_body("Not found.", "not_found"), status=404)


def json_500(request) -> JsonResponse:
    return JsonResponse(error_body("Internal server error.", "server_error"), status=500)
