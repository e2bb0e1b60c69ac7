"""What staff do to accounts: suspend, reactivate, change a role, delete (anonymise). Each
action checks who may do it, acts in one transaction and writes its audit record there."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.services.tokens import user_tokens_revoke
from filmstudio.errors import Forbidden
from filmstudio.registry import user_erasers
from filmstudio.services import audit_log, diff, snapshot

User = get_user_model()


def _check_may_act(*, user, by, what: str) -> None:
    if not by.is_platform_staff:
        raise Forbidden()
    if user.pk == by.pk:
        raise Forbidden(f"You cannot {what} yourself.", code="cannot_target_self")
    if (user.is_platform_staff or user.is_superuser) and not by.is_platform_admin:
        raise Forbidden(f"Only an admin may {what} staff.")


def _user_set_active(*, user, by, active: bool, reason: str) -> "User":
    _check_may_act(user=user, by=by, what="suspend or reactivate")
    with transaction.atomic():
        was = User.objects.select_for_update().values_list("is_active", flat=True).get(pk=user.pk)
        User.objects.filter(pk=user.pk).update(is_active=active)
        user.is_active = active
        user_tokens_revoke(user=user)
        audit_log(
            actor=by,
            action="user.reactivate" if active else "user.suspend",
            target=user,
            changes=diff({"is_active": was}, {"is_active": active}),
            reason=reason,
        )
    return user


def user_suspend(*, user, by, reason: str = "") -> "User":
    """Suspend `user`: no login, and every live token stops working at once.

    Staff may suspend users; only admins may suspend staff or admins; nobody themselves
    (`Forbidden`). Idempotent (a repeat is recorded, with no change)."""
    return _user_set_active(user=user, by=by, active=False, reason=reason)


def user_reactivate(*, user, by, reason: str = "") -> "User":
    """Lift a suspension. Tokens revoked by the suspension stay revoked: the user logs in
    again. Same permission rules as `user_suspend`. Idempotent."""
    return _user_set_active(user=user, by=by, active=True, reason=reason)


def user_role_change(*, user, role: str, by, reason: str = "") -> "User":
    """Give `user` the role `role` (user, staff, admin). Admins only, never on themselves (an
    admin cannot lock the site out of its last admin by accident). Staff and admins may use
    the Django admin (`is_staff` follows the role; a superuser keeps it)."""
    if not by.is_platform_admin:
        raise Forbidden("Only an admin may change roles.")
    if user.pk == by.pk:
        raise Forbidden("You cannot change your own role.", code="cannot_target_self")
    if role not in User.Role.values:
        raise Forbidden(f"Unknown role {role!r}.", code="invalid_role")
    fields = ["role", "is_staff"]
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(user, fields)
        user.role = role
        user.is_staff = user.is_superuser or role != User.Role.USER
        user.save(update_fields=fields)
        audit_log(
            actor=by,
            action="user.role_change",
            target=user,
            changes=diff(before, snapshot(user, fields)),
            reason=reason,
        )
    return user


def user_anonymise(*, user, by, reason: str = "") -> "User":
    """Delete a person's account by anonymising it: the row stays (so the credit ledger, the
    jobs it paid for and the audit log keep their references) but nothing identifies them
    any more: email, names, password, social logins and sessions go; every app's registered
    eraser (`filmstudio.registry.user_erasers`) forgets what it holds about them. Admins
    only, never themselves. Idempotent."""
    if not by.is_platform_admin:
        raise Forbidden("Only an admin may delete accounts.")
    _check_may_act(user=user, by=by, what="delete")
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    fields = ["is_active", "role", "is_staff", "is_superuser"]
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(user, fields)
        user.email = f"deleted-{user.pk}@deleted.invalid"
        user.first_name = user.last_name = ""
        user.set_unusable_password()
        user.is_active = user.is_staff = user.is_superuser = False
        user.role = User.Role.USER
        user.deleted_at = user.deleted_at or timezone.now()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        SocialAccount.objects.filter(user=user).delete()
        EmailAddress.objects.filter(user=user).delete()
        user_tokens_revoke(user=user)
        for _name, erase in user_erasers:
            erase(user=user)
        # What identified them is not copied here: the record names the account by its id.
        audit_log(
            actor=by,
            action="user.delete",
            target=user,
            changes=diff(before, snapshot(user, fields)),
            reason=reason,
        )
    return user
