from datetime import timedelta

from .base import FRONTEND_URL
from .env import env

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

# Invitations and password-reset links stay valid this long.
INVITATION_TTL = timedelta(days=env.int("INVITATION_TTL_DAYS", default=7))
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 3)

# --- django-allauth: Google and GitHub sign-in for the SPA through the headless API.
# Inert until client ids are set: a provider without an app is simply not offered.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
HEADLESS_ONLY = True
# Password sign-up stays on /api/v1/auth/register (invitations); social sign-up follows the
# site's registration mode; app clients get our JWT pair after a social login.
ACCOUNT_ADAPTER = "accounts.social.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.social.SocialAccountAdapter"
HEADLESS_TOKEN_STRATEGY = "accounts.social.JWTTokenStrategy"
# The provider's verified email is trusted to match an existing account of the same address.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# The same front end as invitation and password-reset links (FRONTEND_URL, else SITE_URL).
HEADLESS_FRONTEND_URLS = {
    "account_signup": FRONTEND_URL.rstrip("/") + "/signup",
    "socialaccount_login_error": FRONTEND_URL.rstrip("/") + "/login/error",
}
SOCIALACCOUNT_PROVIDERS = {}
for _provider in ("google", "github"):
    _client_id = env(f"{_provider.upper()}_CLIENT_ID", default="")
    if _client_id:
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APPS": [
                {
                    "client_id": _client_id,
                    "secret": env(f"{_provider.upper()}_CLIENT_SECRET", default=""),
                }
            ]
        }
