"""Reads about accounts."""

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower

from accounts.models import Invitation
from billing.selectors import credit_account_summary
from filmstudio.errors import NotFound
from filmstudio.registry import user_filters, user_sections

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


def users_list(*, search: str = "", filters: dict | None = None) -> QuerySet:
    """Users for the staff console, newest first, each with its `plan` and `balance`.

    `search` matches part of the email or a name. `filters` (all optional, combined with AND):
    `role`, `is_active`, `plan` (code), `joined_after` / `joined_before` (dates, inclusive),
    `deleted`, and any filter an app registered (`filmstudio.registry.user_filters`, e.g.
    jobs' `has_failed_jobs`), each given the requested value.
    """
    filters = filters or {}
    qs = User.objects.annotate(
        plan=F("credit_account__plan_id"), balance=F("credit_account__balance")
    ).order_by("-date_joined", "-id")
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(email__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
        )
    if filters.get("role"):
        qs = qs.filter(role=filters["role"])
    if filters.get("is_active") is not None:
        qs = qs.filter(is_active=filters["is_active"])
    if filters.get("plan"):
        qs = qs.filter(credit_account__plan_id=filters["plan"])
    if filters.get("joined_after"):
        qs = qs.filter(date_joined__date__gte=filters["joined_after"])
    if filters.get("joined_before"):
        qs = qs.filter(date_joined__date__lte=filters["joined_before"])
    if filters.get("deleted") is not None:
        qs = qs.filter(deleted_at__isnull=not filters["deleted"])
    for name, user_ids in user_filters:
        if filters.get(name) is not None:
            matching = Q(pk__in=user_ids())
            qs = qs.filter(matching if filters[name] else ~matching)
    return qs


def user_get(*, user_id) -> "User":
    """Any user (staff), or NotFound."""
    user = users_list().filter(pk=user_id).first() if str(user_id).isdigit() else None
    if user is None:
        raise NotFound("User not found.")
    return user


def user_detail(*, user) -> dict:
    """Everything staff see about one user: the account and each app's section (plan and
    ledger, projects, jobs by status, videos and upload quota, YouTube connections...), as
    the apps registered them (`filmstudio.registry.user_sections`)."""
    return {"user": user, "sections": {name: section(user=user) for name, section in user_sections}}


def invitations_list() -> QuerySet[Invitation]:
    return Invitation.objects.select_related("created_by", "used_by").order_by("-created_at", "-id")


def signups_series(*, window) -> dict:
    """The accounts' part of the staff analytics: sign-ups per bucket."""
    from filmstudio.analytics import bucketed

    return {"series": {"signups": bucketed(User.objects.all(), field="date_joined", window=window)}}
