"""Moderation of a screenplay while its job is VALIDATING.

The configured provider (FILM_MODERATION_PROVIDER: "local", offline, by default; "openai"
when configured) reads every line. A project staff already approved is not checked again; one
they rejected cannot start jobs.
"""

import logging

from django.conf import settings

from filmstudio.errors import Forbidden
from jobs.pipeline.fountain import validate_script
from jobs.providers.moderation import ModerationResult, get_moderation_provider
from projects.models import Project

logger = logging.getLogger(__name__)

# The name a moderation failure records as the job's failed stage (it runs in VALIDATING).
MODERATION_STAGE = "moderation"


def script_moderate(*, project: Project) -> ModerationResult | None:
    """The moderation verdict on the project's screenplay, or None when staff approved it.

    Raises Forbidden (`content_rejected`) for a project staff rejected. If the configured
    remote provider cannot answer, the local classifier decides instead: a moderation
    outage must neither block every film nor let scripts through unread.
    """
    if project.moderation_status == Project.ModerationStatus.APPROVED:
        return None
    if project.moderation_status == Project.ModerationStatus.REJECTED:
        raise Forbidden(
            "Staff rejected this project's content; it cannot be rendered.",
            code="content_rejected",
        )
    breakdown = validate_script(project.script)
    texts = [breakdown.title] + [line.text for line in breakdown.lines]
    name = settings.FILM_MODERATION_PROVIDER
    try:
        return get_moderation_provider(name).moderate(texts)
    except Exception:
        if name == "local":
            raise
        logger.warning(
            "Moderation provider %s failed; using the local classifier", name, exc_info=True
        )
        return get_moderation_provider("local").moderate(texts)


def moderation_message(verdict: ModerationResult) -> str:
    categories = ", ".join(sorted(verdict.categories)) or "unspecified"
    return f"The screenplay was flagged by moderation ({categories}); staff will review it."
