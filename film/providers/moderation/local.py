"""The "local" moderation engine (the default, offline): the alt-profanity-check classifier
(a linear SVM bundled in the wheel) plus whole-word blocklist matches."""

from __future__ import annotations

import re
from collections.abc import Iterable

from film.providers.moderation import ModerationResult


class LocalModeration:
    """Offline: profanity probability per text, plus whole-word blocklist matches."""

    name = "local"

    def __init__(self, *, blocklist: Iterable[str] = (), threshold: float = 0.8) -> None:
        self.blocklist = [w.strip().lower() for w in blocklist if w.strip()]
        self.threshold = threshold
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
