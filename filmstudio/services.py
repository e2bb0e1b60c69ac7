"""Writes every app shares: the one update helper, the site configuration and the audit log."""

from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from . import context
from .models import AuditEntry, SiteConfig

M = TypeVar("M", bound=models.Model)


def model_update(*, instance: M, fields: list[str], data: dict[str, Any]) -> tuple[M, bool]:
    """Set those of `fields` that `data` holds and differ, validate them, save only them.

    Returns (instance, whether anything changed). A model with an `updated_at` field gets it
    bumped when something changed; nothing is written (no query at all) otherwise. Only the
    changed fields are validated (`full_clean`), so a row is never refused for a field the
    caller did not touch. Raises Django's ValidationError (a 400 through the API).
    """
    changed = [
        field for field in fields if field in data and getattr(instance, field) != data[field]
    ]
    if not changed:
        return instance, False
    for field in changed:
        setattr(instance, field, data[field])
    untouched = [f.name for f in instance._meta.concrete_fields if f.name not in changed]
    instance.full_clean(exclude=untouched)
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        instance.updated_at = timezone.now()
        changed.append("updated_at")
    instance.save(update_fields=changed)
    return instance, True


SITE_CONFIG_FIELDS = [
    "max_file_size_bytes",
    "weekly_upload_quota_bytes",
    "keep_originals",
    "registration_mode",
]


@transaction.atomic
def site_config_update(*, data: dict[str, Any], user) -> SiteConfig:
    """Change the site configuration (only SITE_CONFIG_FIELDS), recording who did it (the
    row's `updated_by` and an audit record). The row is created here on the first change;
    until then the defaults apply."""
    config, _ = SiteConfig.objects.select_for_update().get_or_create(id=SiteConfig.SINGLETON_ID)
    before = snapshot(config, SITE_CONFIG_FIELDS)
    config, changed = model_update(
        instance=config,
        fields=[*SITE_CONFIG_FIELDS, "updated_by"],
        data={**data, "updated_by": user},
    )
    if changed:
        audit_log(
            actor=user,
            action="config.update",
            target=config,
            changes=diff(before, snapshot(config, SITE_CONFIG_FIELDS)),
        )
    return config


# --- the audit log


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` on `instance` (foreign keys as their id), for `diff`."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = getattr(instance, field.attname)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{"field": {"before": old, "after": new}} for the fields whose value differs."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _label(target: models.Model) -> tuple[str, str, str]:
    meta = target._meta
    return f"{meta.app_label}.{meta.model_name}", str(target.pk), str(target)[:200]


def audit_log(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    target_type: str = "",
    target_id: str = "",
) -> AuditEntry:
    """Record one staff action. Every staff-facing service calls it, in the transaction that
    does the action (so an action that rolls back leaves no record, and one that commits
    always has one).

    `action` is "<entity>.<verb>" (`user.suspend`, `credits.grant`). Where the action came
    from (API, admin site or command; IP, user agent, command line; request id) is read from
    the bound context (`filmstudio.context`), so callers never pass requests around.
    """
    origin = context.current()
    if target is not None:
        target_type, target_id, target_repr = _label(target)
    else:
        target_repr = ""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_email=actor.email if is_user else "",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_repr=target_repr,
        changes=changes or {},
        reason=reason or "",
        source=(
            origin.get("source")
            if origin.get("source") in AuditEntry.Source.values
            else AuditEntry.Source.SYSTEM
        ),
        ip=origin.get("ip"),
        user_agent=(origin.get("user_agent") or "")[:300],
        command=(origin.get("command") or "")[:300],
        request_id=origin.get("request_id") or "",
    )
