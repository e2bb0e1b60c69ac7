"""Moderation of a project's screenplay: when its job is created (VALIDATING), and again
whenever a stage is about to analyse it (its owner may have edited it since).

This module is the site's policy around the engine's one moderation path
(`film.moderation.moderate_breakdown`, with the provider FILM_MODERATION_PROVIDER names:
"local", offline, by default; "openai" when configured): a project staff already approved
is not checked again; one they rejected cannot start jobs.
"""

from film.moderation import moderate_breakdown
from film.providers.moderation import ModerationResult
from filmstudio.errors import Forbidden
from projects.models import Project

from .film_config import film_config, validate_script

# The name a moderation failure records as the job's failed stage (it runs in VALIDATING).
MODERATION_STAGE = "moderation"


def script_moderate(*, project: Project) -> ModerationResult | None:
    """The moderation verdict on the project's screenplay, or None when staff approved it.

    Raises Forbidden (`content_rejected`) for a project staff rejected, and ScriptError for
    a screenplay that cannot be parsed. If the configured remote provider cannot answer,
    the local classifier decides instead.
    """
    if project.moderation_status == Project.ModerationStatus.APPROVED:
        return None
    if project.moderation_status == Project.ModerationStatus.REJECTED:
        raise Forbidden(
            "Staff rejected this project's content; it cannot be rendered.",
            code="content_rejected",
        )
    return moderate_breakdown(validate_script(project.script), film_config())


def moderation_message(verdict: ModerationResult) -> str:
    categories = ", ".join(sorted(verdict.categories)) or "unspecified"
    return f"The screenplay was flagged by moderation ({categories}); staff will review it."
