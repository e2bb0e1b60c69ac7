"""Every write and business rule of accounts. Import from here: `from accounts.services import
user_register`."""

from accounts.services.invitations import (
    invitation_check,
    invitation_create,
    invitation_link,
    invitation_revoke,
    invitation_use,
)
from accounts.services.staff import (
    user_anonymise,
    user_reactivate,
    user_role_change,
    user_suspend,
)
from accounts.services.tokens import (
    token_blacklist,
    token_refresh,
    tokens_issue,
    user_tokens_revoke,
)
from accounts.services.users import (
    password_reset_confirm,
    password_reset_email_send,
    password_reset_link,
    password_reset_request,
    user_login,
    user_password_change,
    user_register,
    user_setup,
    user_update,
)

__all__ = [
    "invitation_check",
    "invitation_create",
    "invitation_link",
    "invitation_revoke",
    "invitation_use",
    "password_reset_confirm",
    "password_reset_email_send",
    "password_reset_link",
    "password_reset_request",
    "token_blacklist",
    "token_refresh",
    "tokens_issue",
    "user_login",
    "user_password_change",
    "user_anonymise",
    "user_reactivate",
    "user_register",
    "user_role_change",
    "user_setup",
    "user_suspend",
    "user_tokens_revoke",
    "user_update",
]
