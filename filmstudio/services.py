"""Writes every app shares: the one update helper, and the site configuration."""

from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from .models import SiteConfig

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
    """Change the site configuration (only SITE_CONFIG_FIELDS), recording who did it. The
    row is created here on the first change; until then the defaults apply."""
    config, _ = SiteConfig.objects.select_for_update().get_or_create(id=SiteConfig.SINGLETON_ID)
    return model_update(
        instance=config,
        fields=[*SITE_CONFIG_FIELDS, "updated_by"],
        data={**data, "updated_by": user},
    )[0]
