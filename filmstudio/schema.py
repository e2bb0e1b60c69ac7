"""drf-spectacular extensions for our own classes."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class FilmStudioJWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.JWTAuthentication"
    name = "jwtAuth"
