"""drf-spectacular extensions for our own classes, and the error responses every operation
documents (so clients and the schema fuzzer know every answer an operation can give)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import AllowAny, IsAuthenticated

from .serializers import ErrorSerializer


class FilmStudioJWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.JWTAuthentication"
    name = "jwtAuth"


ERROR_DESCRIPTIONS = {
    "400": "Invalid input, a malformed body, or characters that are not allowed.",
    "401": "Not authenticated: no token, or an expired or revoked one.",
    "403": "Authenticated, but this operation is not for this account.",
    "404": "No such object, or it belongs to someone else.",
    "412": "A protocol precondition failed (tus: a missing or unsupported Tus-Resumable).",
    "429": "Too many requests (a throttle, a quota or a cap on open streams).",
    "503": "A service it needs (broker, cache, a provider) is down: see Retry-After.",
    "default": "Any other error, in the same shape.",
}


# An error on an event stream asked for as `text/event-stream` is one SSE event whose data is
# the error body (jobs/renderers.py).
SSE_ERROR_EVENT = {
    "type": "object",
    "properties": {
        "event": {"type": "string", "enum": ["error"]},
        "data": {"type": "string", "description": "The error body as JSON."},
    },
}


class AutoSchema(SpectacularAutoSchema):
    """Every operation lists the error answers it can give (`{"detail","code","errors"}`):
    400 always (any request can be malformed), 401 and 403 unless anyone may call it, 404
    when the path names an object, 429 when it is throttled, those the view lists in
    `error_statuses`, 503, and `default` for the
    operation's own refusals (402, 409, ...). Responses an operation declares itself keep
    their descriptions and gain the error body."""

    def _error_codes(self) -> list[str]:
        codes = ["400"]
        permissions = [type(p) for p in self.view.get_permissions()]
        public = all(p is AllowAny for p in permissions)
        if not public or self.view.get_authenticators():
            codes.append("401")  # a bad or expired token is refused even where none is needed
        if not public and any(p is not IsAuthenticated for p in permissions):
            codes.append("403")
        if "{" in self.path:
            codes.append("404")
        if self.view.get_throttles():
            codes.append("429")
        # A view names the other statuses it answers with (a quota's 429, tus' 412).
        codes += [code for code in getattr(self.view, "error_statuses", ()) if code not in codes]
        return [*codes, "503", "default"]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        error = self._get_response_for_code(ErrorSerializer, "400", direction=direction)
        if "text/event-stream" in error.get("content", {}):
            error["content"]["text/event-stream"] = {"schema": SSE_ERROR_EVENT}
        for code, response in responses.items():
            if code.startswith(("4", "5")) and "content" not in response:
                response["content"] = error["content"]
        for code in self._error_codes():
            if code not in responses:
                responses[code] = {**error, "description": ERROR_DESCRIPTIONS[code]}
        return responses


def blank_query_values(result, generator, request, public):
    """POSTPROCESSING_HOOKS: an empty query value (`?type=`) means "not given" to DRF's query
    serializers and django-filter alike, so the schema allows it: string query parameters
    lose their minLength, enums gain "" and formatted ones (a uuid) also take "". (A present
    but wrong value is still a 400.)"""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if parameter.get("in") != "query" or schema.get("type") != "string":
                    continue
                schema.pop("minLength", None)
                if "enum" in schema and "" not in schema["enum"]:
                    schema["enum"] = [*schema["enum"], ""]
                elif "format" in schema:
                    parameter["schema"] = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
    return result
