"""Reads every app shares."""

from .models import SiteConfig


def site_config_get() -> SiteConfig:
    """The site configuration: the saved row, or (before staff first save it) an unsaved
    one holding the defaults. Never writes."""
    return SiteConfig.objects.filter(id=SiteConfig.SINGLETON_ID).first() or SiteConfig()


def audit_entries(*, filters: dict | None = None):
    """The audit log, newest first; `filters`: actor (user id), action (exact, or a prefix
    ending in "." such as "user."), target_type and target_id, source, since, until."""
    from .models import AuditEntry

    filters = filters or {}
    qs = AuditEntry.objects.all()
    for name in ("actor", "target_type", "target_id", "source"):
        if filters.get(name) not in (None, ""):
            qs = qs.filter(**{f"{name}_id" if name == "actor" else name: filters[name]})
    action = filters.get("action")
    if action:
        qs = (
            qs.filter(action__startswith=action)
            if action.endswith(".")
            else qs.filter(action=action)
        )
    if filters.get("since"):
        qs = qs.filter(created_at__gte=filters["since"])
    if filters.get("until"):
        qs = qs.filter(created_at__lt=filters["until"])
    return qs.order_by("-created_at", "-id")
