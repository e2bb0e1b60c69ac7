"""JWT issue, rotation and revocation. Every token is minted by `refresh_token_for`."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

from accounts.authentication import refresh_token_for, token_is_current
from accounts.errors import AccountSuspended, TokenInvalid

User = get_user_model()


def tokens_issue(*, user) -> dict[str, str]:
    """A fresh access/refresh pair carrying the user's current token version."""
    refresh = refresh_token_for(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def _decode_refresh(raw: str) -> RefreshToken:
    try:
        # Checks signature, expiry, type and the blacklist.
        return RefreshToken(raw)
    except TokenError as exc:
        raise TokenInvalid(str(exc)) from exc


def _token_user(token: RefreshToken):
    user = User.objects.filter(
        **{api_settings.USER_ID_FIELD: token.get(api_settings.USER_ID_CLAIM)}
    ).first()
    if user is None:
        raise TokenInvalid("User not found.", code="user_not_found")
    if not user.is_active:
        raise AccountSuspended()
    if not token_is_current(token, user):
        raise TokenInvalid("Token has been revoked.", code="token_revoked")
    return user


def token_refresh(*, refresh: str) -> dict[str, str]:
    """Rotate a refresh token: the old one is blacklisted and a new pair is returned.

    Atomic and race-free: the outstanding-token row is locked, so two requests presenting the
    same refresh token cannot both rotate it; the loser gets `TokenInvalid`. Refuses
    suspended users (`AccountSuspended`) and tokens from before a revocation (`token_revoked`).
    """
    token = _decode_refresh(refresh)
    user = _token_user(token)
    jti = token[api_settings.JTI_CLAIM]
    with transaction.atomic():
        outstanding = (
            # Explicit order: the model orders by its nullable user, which FOR UPDATE refuses.
            OutstandingToken.objects.select_for_update().filter(jti=jti).order_by("id").first()
        )
        if outstanding is None:
            # Every token we mint is recorded; an unknown jti was not issued by this server
            # under the blacklist app (or its row was flushed after expiry).
            raise TokenInvalid("Token is not recognised.")
        _, created = BlacklistedToken.objects.get_or_create(token=outstanding)
        if not created:
            raise TokenInvalid("Token is blacklisted.")
        return tokens_issue(user=user)


def token_blacklist(*, refresh: str) -> None:
    """Blacklist one refresh token (logout). Idempotent for a token already blacklisted."""
    try:
        # Signature and expiry are checked; the blacklist is not, so a second logout is a no-op.
        token = UntypedToken(refresh)
    except TokenError as exc:
        raise TokenInvalid(str(exc)) from exc
    if token.get(api_settings.TOKEN_TYPE_CLAIM) != RefreshToken.token_type:
        raise TokenInvalid("Token has wrong type")
    outstanding = OutstandingToken.objects.filter(jti=token.get(api_settings.JTI_CLAIM)).first()
    if outstanding is None:
        raise TokenInvalid("Token is not recognised.")
    BlacklistedToken.objects.get_or_create(token=outstanding)


def user_tokens_revoke(*, user) -> None:
    """Revoke every token of `user` at once.

    Bumps `token_version` (access tokens carry it and are refused from the next request on)
    and blacklists every outstanding, unexpired refresh token. `user.token_version` is
    refreshed in place so tokens minted afterwards carry the new version.
    """
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
        outstanding = OutstandingToken.objects.filter(
            user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
        ).values_list("id", flat=True)
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token_id=token_id) for token_id in outstanding],
            ignore_conflicts=True,
        )
    user.refresh_from_db(fields=["token_version"])
