"""The "openai" moderation engine: the OpenAI moderation endpoint (official client,
configurable base URL); flags the categories the service flags."""

from __future__ import annotations

from film.providers.moderation import ModerationResult
from film.providers.openai_client import OpenAIEngine, provider_call

# The endpoint takes batches; 32 short lines per request keeps each call small.
BATCH = 32


class OpenAIModeration(OpenAIEngine):
    """OpenAI moderation endpoint; flags the categories the service flags."""

    model_field = "moderation_model"

    def moderate(self, texts: list[str]) -> ModerationResult:
        result = ModerationResult(flagged=False, provider=self.name)
        for start in range(0, len(texts), BATCH):
            batch = texts[start : start + BATCH]
            with provider_call(stage="moderate", provider=self.name):
                response = self.client.moderations.create(model=self.model, input=batch)
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
