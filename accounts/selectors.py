"""Reads about accounts."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.db.models.functions import Lower

from accounts.models import Invitation
from billing.selectors import credit_account_summary

User = get_user_model()


def user_by_email(*, email: str):
    """The user with this email in any letter case, or None.

    Filters on lower(email) so PostgreSQL uses the case-insensitive unique index
    (`email__iexact` compiles to UPPER(...) and would scan the table).
    """
    email = (email or "").strip().lower()
    if not email:
        return None
    return User.objects.alias(email_lower=Lower("email")).filter(email_lower=email).first()


def user_profile(*, user) -> dict:
    """What /users/me shows: the user's own fields plus their plan and credit balance."""
    summary = credit_account_summary(user=user)
    return {
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "date_joined": user.date_joined,
        "plan": summary["plan"],
        "balance": summary["balance"],
    }


def users_list(*, search: str = "") -> QuerySet:
    """Users for the staff console, newest first; `search` matches email or names."""
    from django.db.models import Q

    qs = User.objects.order_by("-date_joined", "-id")
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(email__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
        )
    return qs


def invitations_list() -> QuerySet[Invitation]:
    return Invitation.objects.select_related("created_by", "used_by").order_by("-created_at", "-id")
