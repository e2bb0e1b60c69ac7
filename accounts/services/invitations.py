"""Invitations: single-use, expiring, revocable tickets to register on an invitation-only site."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from accounts.errors import (
    EmailTaken,
    InvitationError,
    InvitationExpired,
    InvitationRevoked,
    InvitationUsed,
)
from accounts.models import Invitation
from accounts.selectors import user_by_email
from filmstudio.errors import Conflict, Forbidden
from filmstudio.services import audit_log

_REFUSALS = {
    "revoked": InvitationRevoked,
    "used": InvitationUsed,
    "expired": InvitationExpired,
}


def invitation_link(invitation: Invitation) -> str:
    return f"{settings.FRONTEND_URL.rstrip('/')}/signup?invitation={invitation.token}"


def invitation_create(*, by, email: str = "") -> Invitation:
    """Create an invitation valid for `settings.INVITATION_TTL`; mail the link when `email` is
    given. Only platform admins may invite (`Forbidden`); an address that already has an
    account is refused (`EmailTaken`: that person signs in, or resets their password)."""
    if not by.is_platform_admin:
        raise Forbidden()
    email = email.strip().lower()
    if email and user_by_email(email=email) is not None:
        raise EmailTaken(errors={"email": ["An account with this email already exists."]})
    invitation = Invitation.objects.create(
        email=email,
        created_by=by,
        expires_at=timezone.now() + settings.INVITATION_TTL,
    )
    audit_log(actor=by, action="invitation.create", target=invitation)
    if invitation.email:
        send_mail(
            subject="You are invited to FilmStudio",
            message=(
                "You have been invited to FilmStudio.\n\n"
                f"Create your account here: {invitation_link(invitation)}\n\n"
                f"The invitation expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC."
            ),
            from_email=None,
            recipient_list=[invitation.email],
        )
    return invitation


def invitation_revoke(*, invitation: Invitation, by) -> Invitation:
    """Revoke an unused invitation. Idempotent for one already revoked; `Conflict`
    (`invitation_used`) for one already used."""
    if not by.is_platform_admin:
        raise Forbidden()
    updated = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation.refresh_from_db()
    if not updated and invitation.used_at:
        raise Conflict("This invitation has already been used.", code="invitation_used")
    if updated:
        audit_log(actor=by, action="invitation.revoke", target=invitation)
    return invitation


def invitation_check(*, token: str, email: str | None = None) -> Invitation:
    """The usable invitation for `token`, or the `InvitationError` saying why not.

    With `email`, also refuses an invitation addressed to a different email.
    """
    invitation = Invitation.objects.filter(token=token).first() if token else None
    if invitation is None:
        raise InvitationError(errors={"invitation_token": ["Unknown invitation."]})
    status = invitation.status
    if status in _REFUSALS:
        raise _REFUSALS[status]()
    if email is not None and invitation.email and invitation.email.lower() != email.strip().lower():
        raise InvitationError(
            "This invitation was sent to a different email address.",
            errors={"email": ["Use the email address the invitation was sent to."]},
        )
    return invitation


def invitation_use(*, token: str, user) -> Invitation:
    """Mark the invitation used by `user`. Call inside the registration transaction.

    A conditional update claims it, so of two concurrent registrations with one token exactly
    one succeeds; the other gets the `InvitationError` for its current state.
    """
    invitation = invitation_check(token=token, email=user.email)
    now = timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(used_at=now, used_by=user)
    if not claimed:
        invitation_check(token=token)  # raises the reason it is no longer usable
        raise InvitationUsed()
    invitation.refresh_from_db()
    return invitation
