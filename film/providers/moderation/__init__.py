"""Moderation engines: read a script's texts, behind `ModerationProvider`.

- "local" (`local.py`, the default, offline): the alt-profanity-check classifier plus the
  configured blocklist.
- "openai" (`openai.py`): the OpenAI moderation endpoint.

Both return a `ModerationResult`: `flagged` and the categories that fired with their score.
How a script is moderated (which texts, which engine, what if it fails) is
`film.moderation`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


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
