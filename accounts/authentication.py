"""JWT authentication that also honours revocation (password change) and suspension."""

from rest_framework_simplejwt.authentication import JWTAuthentication as BaseJWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.tokens import RefreshToken

from filmstudio import context

TOKEN_VERSION_CLAIM = "ver"


def refresh_token_for(user) -> RefreshToken:
    """A refresh token (and through it access tokens) stamped with the user's token version."""
    token = RefreshToken.for_user(user)
    token[TOKEN_VERSION_CLAIM] = user.token_version
    return token


def token_is_current(token, user) -> bool:
    return token.get(TOKEN_VERSION_CLAIM) == user.token_version


class JWTAuthentication(BaseJWTAuthentication):
    def get_user(self, validated_token):
        user = super().get_user(validated_token)  # refuses unknown and suspended users
        if not token_is_current(validated_token, user):
            raise AuthenticationFailed("Token has been revoked.", code="token_revoked")
        context.bind(user_id=user.pk)  # every log line of the request names its user
        return user
