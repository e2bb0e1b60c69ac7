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
    "429": "Too many requests (a throttle, a quota or a cap on open streams).",
    "503": "A service it needs (broker, cache, a provider) is down: see Retry-After.",
    "default": "Any other error, in the same shape.",
}


class AutoSchema(SpectacularAutoSchema):
    """Every operation lists the error answers it can give (`{"detail","code","errors"}`):
    400 always (any request can be malformed), 401 and 403 unless anyone may call it, 404
    when the path names an object, 429 when it is throttled, 503, and `default` for the
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
        if self.view.get_throttles() or getattr(self.view, "may_throttle", False):
            codes.append("429")
        return [*codes, "503", "default"]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        error = self._get_response_for_code(ErrorSerializer, "400", direction=direction)
        for code, response in responses.items():
            if code.startswith(("4", "5")) and "content" not in response:
                response["content"] = error["content"]
        for code in self._error_codes():
            if code not in responses:
                responses[code] = {**error, "description": ERROR_DESCRIPTIONS[code]}
        return responses
