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
    """How one speaker sounds: a slot (for providers with named voices), pitch and pace.

    `pitch` multiplies the fundamental (1.0 = the voice as shipped); `pace` multiplies the
    speaking rate (>1 is faster).
    """

    slot: int
    pitch: float
    pace: float

    @property
    def key(self) -> str:
        return f"s{self.slot}:p{self.pitch:.3f}:r{self.pace:.3f}"


class VoiceProvider(Protocol):
    name: str
    version: str

    def synthesize(self, *, text: str, profile: VoiceProfile) -> np.ndarray:
        """Return mono float32 samples at 48 kHz, silence-trimmed."""
        ...
