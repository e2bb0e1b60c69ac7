"""Account-specific refusals, each with the machine-readable code the client branches on."""

from rest_framework import status

from filmstudio.errors import DomainError


class EmailTaken(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "email_taken"
    default_detail = "An account with this email already exists."


class InvalidCredentials(DomainError):
    status_code = status.HTTP_401_UNAUTHORIZED
    code = "invalid_credentials"
    default_detail = "Email or password is incorrect."


class AccountSuspended(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "account_suspended"
    default_detail = "This account is suspended."


class TokenInvalid(DomainError):
    """A refresh token that is malformed, expired, blacklisted or revoked."""

    status_code = status.HTTP_401_UNAUTHORIZED
    code = "token_not_valid"
    default_detail = "Token is invalid or expired."


class InvalidResetToken(DomainError):
    code = "invalid_token"
    default_detail = "The password reset link is invalid or has expired."


class InvitationError(DomainError):
    """Registration needs an invitation and the one given cannot be used."""

    code = "invitation_invalid"
    default_detail = "This invitation is not valid."


class InvitationRequired(InvitationError):
    code = "invitation_required"
    default_detail = "Registration is by invitation only."


class InvitationExpired(InvitationError):
    code = "invitation_expired"
    default_detail = "This invitation has expired."


class InvitationUsed(InvitationError):
    code = "invitation_used"
    default_detail = "This invitation has already been used."


class InvitationRevoked(InvitationError):
    code = "invitation_revoked"
    default_detail = "This invitation has been revoked."
