"""Content moderation of a script's lines.

- "local" (default, offline): the alt-profanity-check classifier (a linear SVM bundled in the
  wheel) plus the `FILM_MODERATION_BLOCKLIST` words.
- "openai": the OpenAI moderation endpoint (official client, configurable base URL).

Both return a `ModerationResult`: `flagged` and the categories that fired with their score.
"openai" without `OPENAI_API_KEY` gives "local" (logged): a missing key never crashes and
never calls out.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any, Protocol

from jobs.pipeline.config import setting
from jobs.providers.errors import ProviderConfigError

logger = logging.getLogger(__name__)


@dataclass
class ModerationResult:
    flagged: bool
    provider: str
    categories: dict[str, float] = field(default_factory=dict)  # category -> highest score
    offending: list[str] = field(default_factory=list)  # texts that fired, for the user

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ModerationProvider(Protocol):
    name: str

    def moderate(self, texts: list[str]) -> ModerationResult: ...


class LocalModeration:
    """Offline: profanity probability per text, plus whole-word blocklist matches."""

    name = "local"

    def __init__(self, *, blocklist: list[str] | None = None, threshold: float | None = None):
        words = blocklist if blocklist is not None else setting("FILM_MODERATION_BLOCKLIST", [])
        self.blocklist = [w.strip().lower() for w in words if w.strip()]
        self.threshold = (
            threshold if threshold is not None else setting("FILM_PROFANITY_THRESHOLD", 0.8)
        )
        self._block_re = (
            re.compile(r"\b(" + "|".join(re.escape(w) for w in self.blocklist) + r")\b", re.I)
            if self.blocklist
            else None
        )

    def moderate(self, texts: list[str]) -> ModerationResult:
        from profanity_check import predict_prob

        result = ModerationResult(flagged=False, provider=self.name)
        if not texts:
            return result
        for text, prob in zip(texts, predict_prob(texts), strict=True):
            if prob >= self.threshold:
                result.categories["profanity"] = max(
                    result.categories.get("profanity", 0.0), round(float(prob), 3)
                )
                result.offending.append(text)
            if self._block_re is not None and self._block_re.search(text):
                result.categories["blocklist"] = 1.0
                if text not in result.offending:
                    result.offending.append(text)
        result.flagged = bool(result.categories)
        return result


class OpenAIModeration:
    """OpenAI moderation endpoint; flags the categories the service flags."""

    name = "openai"

    def __init__(self, client: Any = None) -> None:
        from jobs.providers.openai_client import openai_client

        self.client = client or openai_client()
        if self.client is None:
            raise ProviderConfigError(self.name, "OpenAI moderation needs OPENAI_API_KEY")

    def moderate(self, texts: list[str]) -> ModerationResult:
        from jobs.providers.openai_client import provider_call

        result = ModerationResult(flagged=False, provider=self.name)
        # The endpoint takes batches; 32 short lines per request keeps each call small.
        for start in range(0, len(texts), 32):
            batch = texts[start : start + 32]
            with provider_call(stage="moderate", provider=self.name):
                response = self.client.moderations.create(
                    model=setting("FILM_OPENAI_MODERATION_MODEL", "omni-moderation-latest"),
                    input=batch,
                )
            for text, item in zip(batch, response.results, strict=True):
                if not item.flagged:
                    continue
                result.offending.append(text)
                flags = item.categories.model_dump(by_alias=True)
                scores = item.category_scores.model_dump(by_alias=True)
                for category, fired in flags.items():
                    if fired:
                        score = float(scores.get(category) or 1.0)
                        result.categories[category] = max(
                            result.categories.get(category, 0.0), score
                        )
        result.flagged = bool(result.offending)
        return result


MODERATION_PROVIDERS: dict[str, Callable[[], ModerationProvider]] = {
    "local": LocalModeration,
    "openai": OpenAIModeration,
}


@cache
def get_moderation_provider(name: str) -> ModerationProvider:
    """Return the provider registered under `name`; ValueError if unknown.

    "openai" without `OPENAI_API_KEY` gives "local" (logged).
    """
    from jobs.providers.openai_client import openai_configured

    if name == "openai" and not openai_configured():
        logger.warning("FILM_MODERATION_PROVIDER=openai but OPENAI_API_KEY is empty: using local")
        name = "local"
    try:
        factory = MODERATION_PROVIDERS[name]
    except KeyError:
        raise ValueError(f"Unknown moderation provider {name!r}") from None
    return factory()
