"""django-allauth glue for Google and GitHub sign-in (headless API under /_allauth/).

Password sign-up and login go through /api/v1/auth/* (invitations, throttles, validators);
allauth is only the door for social providers, and ends in the same JWT pair.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.db import transaction

from accounts.services import token_refresh, tokens_issue, user_setup
from filmstudio.errors import DomainError
from filmstudio.models import SiteConfig
from filmstudio.selectors import site_config_get


def _registration_open() -> bool:
    return site_config_get().registration_mode == SiteConfig.RegistrationMode.OPEN


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Local (password) accounts are created only by /api/v1/auth/register, which enforces
        # invitations; allauth's own password sign-up would bypass them.
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        # A first social sign-in creates an account, so it follows the site's registration mode.
        return _registration_open()

    def save_user(self, request, sociallogin, form=None):
        # allauth saves the row itself (not through UserManager): the new user gets their
        # credit account in the same transaction.
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            user_setup(user=user)
        return user


class JWTTokenStrategy(SessionTokenStrategy):
    """For app clients, a completed allauth login answers with our own JWT pair (the same
    tokens /api/v1/auth/login issues, carrying the token version)."""

    def create_access_token_payload(self, request) -> dict | None:
        user = getattr(request, "user", None)
        if not user or not user.is_authenticated or not user.is_active:
            return None
        tokens = tokens_issue(user=user)
        return {
            "access_token": tokens["access"],
            "refresh_token": tokens["refresh"],
            "expires_in": int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()),
        }

    def refresh_token(self, refresh_token: str) -> tuple[str, str] | None:
        try:
            tokens = token_refresh(refresh=refresh_token)
        except DomainError:
            return None
        return tokens["access"], tokens["refresh"]
