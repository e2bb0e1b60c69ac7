"""How a script is moderated: the one path, whoever asks (the analyse step, and FilmStudio's
job creation and stages through `jobs.moderation`).

The title and every line go to the configured moderation engine. If a remote engine cannot
answer, the local classifier decides instead: a moderation outage must neither block every
film nor let scripts through unread.
"""

from __future__ import annotations

import logging

from film.breakdown import Breakdown
from film.config import FilmConfig
from film.providers.moderation import ModerationResult
from film.providers.registry import LOCAL_ENGINES, get_provider

logger = logging.getLogger(__name__)


def moderate_breakdown(breakdown: Breakdown, config: FilmConfig) -> ModerationResult:
    """The verdict on the script's title and lines. Raises only when the local engine fails."""
    texts = [breakdown.title] + [line.text for line in breakdown.lines]
    name, local = config.providers.moderation, LOCAL_ENGINES["moderation"]
    try:
        return get_provider("moderation", name, config).moderate(texts)
    except Exception:
        if name == local:
            raise
        logger.warning(
            "Moderation provider %s failed; using the local classifier", name, exc_info=True
        )
        return get_provider("moderation", local, config).moderate(texts)
