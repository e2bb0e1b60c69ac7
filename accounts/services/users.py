"""Registration, login, profile, passwords and suspension."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.errors import (
    AccountSuspended,
    EmailTaken,
    InvalidCredentials,
    InvalidResetToken,
    InvitationRequired,
)
from accounts.selectors import user_by_email
from accounts.services.invitations import invitation_check, invitation_use
from accounts.services.tokens import tokens_issue, user_tokens_revoke
from billing.services import credit_account_get_or_create
from filmstudio.errors import ServiceUnavailable
from filmstudio.models import SiteConfig
from filmstudio.outage import OUTAGE_ERRORS
from filmstudio.selectors import site_config_get
from filmstudio.services import model_update

User = get_user_model()


def _password_validate(*, password: str, user, field: str = "password") -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def user_setup(*, user) -> None:
    """Give a user, in the transaction that creates them, what every account has from its
    first moment: a credit account holding the signup grant. Exactly once however often it
    runs (the account is unique per user and the grant keyed by user).

    Every path that creates a user calls it: `UserManager` (registration, invitations,
    createsuperuser, ensure_admin), the admin's add form and social sign-up.
    """
    credit_account_get_or_create(user=user)


def user_register(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    invitation_token: str = "",
) -> "User":
    """Create an account.

    Email is unique regardless of case (`EmailTaken`). When the site is invitation-only an
    invitation is required (`InvitationRequired`); a given invitation is checked and claimed in
    the same transaction as the user row, so a token registers at most one account. Password
    problems come back as a ValidationError on `password`.
    """
    email = User.objects.normalize_email(email).strip().lower()
    invitation_only = (
        site_config_get().registration_mode == SiteConfig.RegistrationMode.INVITATION_ONLY
    )
    if invitation_only and not invitation_token:
        raise InvitationRequired(errors={"invitation_token": ["An invitation is required."]})
    if invitation_token:
        # Fail early, before password checks, so the client shows the right message.
        invitation_check(token=invitation_token, email=email)
    if user_by_email(email=email) is not None:
        raise EmailTaken(errors={"email": ["An account with this email already exists."]})
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    _password_validate(password=password, user=candidate)

    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password, first_name=first_name, last_name=last_name
            )
            if invitation_token:
                invitation_use(token=invitation_token, user=user)
    except IntegrityError as exc:
        # Lost a race with a concurrent registration of the same email.
        raise EmailTaken(errors={"email": ["An account with this email already exists."]}) from exc
    return user


def user_login(*, email: str, password: str) -> tuple["User", dict[str, str]]:
    """Check credentials and issue a token pair.

    Wrong email or password → `InvalidCredentials` (same answer, same hashing cost, so
    accounts cannot be enumerated). Only a caller who knows the password learns that the
    account is suspended (`AccountSuspended`).
    """
    user = user_by_email(email=email)
    if user is None:
        # Run the hasher anyway so a missing account takes as long as a wrong password.
        User().set_password(password)
        raise InvalidCredentials()
    if not user.check_password(password):
        raise InvalidCredentials()
    if not user.is_active:
        raise AccountSuspended()
    user.last_login = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=user.last_login)
    return user, tokens_issue(user=user)


def user_update(*, user, first_name: str | None = None, last_name: str | None = None) -> "User":
    """Change the fields a user may edit about themselves (names only)."""
    data = {"first_name": first_name, "last_name": last_name}
    given = {field: value for field, value in data.items() if value is not None}
    return model_update(instance=user, fields=["first_name", "last_name"], data=given)[0]


def user_password_change(*, user, old_password: str, new_password: str) -> dict[str, str]:
    """Set a new password after checking the old one.

    Revokes every token issued before (access and refresh) and returns a fresh pair so the
    calling client stays signed in. Wrong old password or a weak new one → ValidationError.
    """
    if not user.check_password(old_password):
        raise ValidationError({"old_password": ["The current password is incorrect."]})
    _password_validate(password=new_password, user=user, field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        user_tokens_revoke(user=user)
    return tokens_issue(user=user)


def password_reset_link(*, user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.FRONTEND_URL.rstrip('/')}/reset-password?uid={uid}&token={token}"


def password_reset_request(*, email: str) -> None:
    """Queue the reset mail for `email`, known or not.

    The request does the same work whatever the address (no lookup, no SMTP round trip), so
    neither the answer nor its timing reveals whether an account exists; the worker decides
    (`password_reset_email_send`). Raises ServiceUnavailable (503, whatever the address)
    when the broker cannot take the mail: nothing was stored, the user asks again.
    """
    from accounts.tasks import password_reset_email_task  # tasks import the services

    try:
        password_reset_email_task.delay(email=email)
    except OUTAGE_ERRORS as exc:
        raise ServiceUnavailable("Password reset is unavailable; try again shortly.") from exc


def password_reset_email_send(*, email: str) -> bool:
    """Mail a reset link if an active account has this email (any letter case); silently
    nothing otherwise. Returns whether a mail was sent. Sending twice sends two valid links."""
    user = user_by_email(email=email)
    if user is None or not user.is_active:
        return False
    send_mail(
        subject="Reset your FilmStudio password",
        message=(
            "Someone asked to reset the password of your FilmStudio account.\n\n"
            f"Choose a new password here: {password_reset_link(user=user)}\n\n"
            "If it was not you, ignore this email; your password stays the same."
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return True


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> "User":
    """Set a new password from a reset link and revoke every token issued before.

    The link is single-use: Django's token covers the password hash, so it dies once used.
    Bad or expired link → `InvalidResetToken`; weak password → ValidationError.
    """
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        raise InvalidResetToken()
    _password_validate(password=new_password, user=user, field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        user_tokens_revoke(user=user)
    return user
