"""Voice engines: one line of text spoken with one `VoiceProfile`, behind `VoiceProvider`.

- "piper" (`piper.py`, the default): Piper neural TTS, offline.
- "espeak" (`espeak.py`): espeak-ng formant synthesis; fast, robotic, the fallback.
- "openai" (`openai.py`): OpenAI text-to-speech.

A provider returns mono float samples at 48 kHz whose first sample is the voice onset
(silence trimmed). `name` and `version` go into cache keys, so bump `version` whenever a
provider's output for the same input changes. Which one a film gets is decided by
`film.providers.registry`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class VoiceProfile:
    """How one speaker sounds.

    `slot` picks a named voice for engines that have them; `pitch` multiplies the
    fundamental (engines without a vocal tract model: espeak); `pace` multiplies the speaking
    rate (>1 is faster). For Piper, `formant` scales the vocal tract (formants; >1 is a
    smaller, brighter voice), `f0` is the median pitch in Hz (0 = as shipped) and `range`
    scales the pitch movement: pitch and formants move together, so a voice changes who
    speaks, not just how high. `name` is the cast voice ("woman_old", "narrator", ...).
    """

    slot: int
    pitch: float
    pace: float
    name: str = ""
    formant: float = 1.0
    f0: float = 0.0
    range: float = 1.0

    @property
    def key(self) -> str:
        return (
            f"{self.name}:s{self.slot}:p{self.pitch:.3f}:r{self.pace:.3f}"
            f":f{self.formant:.3f}:{self.f0:.0f}:{self.range:.2f}"
        )


@dataclass(frozen=True)
class Delivery:
    """How a line is said, from its parenthetical: gain (dB), pace and pitch factors."""

    name: str = "normal"  # normal | whisper | shout | sing
    gain_db: float = 0.0
    pace: float = 1.0
    pitch: float = 1.0
    range: float = 1.0


NORMAL = Delivery()


@dataclass
class Speech:
    """A spoken line: mono float32 at 48 kHz (onset at 0) and where each sentence or clause
    of its text lies in it, as (text, start s, end s)."""

    samples: np.ndarray
    parts: list[tuple[str, float, float]]


class VoiceProvider(Protocol):
    name: str
    version: str

    def synthesize(
        self, *, text: str, profile: VoiceProfile, delivery: Delivery = NORMAL
    ) -> np.ndarray | Speech:
        """Mono float32 samples at 48 kHz, silence-trimmed; engines that know where the
        sentences and clauses fall return a `Speech`."""
        ...
