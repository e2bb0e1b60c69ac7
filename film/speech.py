"""A line spoken by any voice engine, with where each sentence falls in it (caption timing).

Engines that report their sentences and clauses (Piper) are used as they are; any other is
asked for one sentence at a time, and the sentences are joined with a short pause, so every
caption cue is timed from the synthesis. The delivery comes from the line's parenthetical.
"""

from __future__ import annotations

import re

import numpy as np

from film.audio import SAMPLE_RATE
from film.providers.voice import NORMAL, Delivery, Speech, VoiceProfile, VoiceProvider
from film.voicing import DELIVERIES

SENTENCE_GAP_SECONDS = 0.18
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")
_WHISPER = re.compile(
    r"\b(WHISPER\w*|QUIET\w*|SOFTLY|HUSHED|MURMUR\w*|UNDER (HIS|HER|THEIR) BREATH)\b"
)
_SHOUT = re.compile(
    r"\b(SHOUT\w*|YELL\w*|SCREAM\w*|BELLOW\w*|ROAR\w*|CALLING|LOUD\w*|ANGR\w*|FURIOUS\w*)\b"
)


def delivery_for(parenthetical: str, text: str, *, sung: bool = False) -> Delivery:
    """Whispered, shouted, sung or said: from the parenthetical; a line in capitals with an
    exclamation mark is shouted too."""
    if sung:
        return DELIVERIES["sing"]
    direction = parenthetical.upper()
    if _WHISPER.search(direction):
        return DELIVERIES["whisper"]
    letters = [c for c in text if c.isalpha()]
    capitals = len(letters) > 3 and sum(c.isupper() for c in letters) / len(letters) > 0.8
    if _SHOUT.search(direction) or (capitals and "!" in text):
        return DELIVERIES["shout"]
    return NORMAL


def speak(
    provider: VoiceProvider, *, text: str, profile: VoiceProfile, delivery: Delivery = NORMAL
) -> Speech:
    """`text` spoken by `provider`; empty samples when nothing could be said."""
    if getattr(provider, "reports_parts", False):
        result = provider.synthesize(text=text, profile=profile, delivery=delivery)
        if isinstance(result, Speech):
            return result
    sentences = [s for s in _SENTENCE.split(text.strip()) if s]
    pieces: list[np.ndarray] = []
    parts: list[tuple[str, float, float]] = []
    cursor = 0
    gap = np.zeros(round(SENTENCE_GAP_SECONDS * SAMPLE_RATE), np.float32)
    for sentence in sentences:
        one = provider.synthesize(text=sentence, profile=profile, delivery=delivery)
        samples = one.samples if isinstance(one, Speech) else one
        if samples.size == 0:
            continue
        if pieces:
            pieces.append(gap)
            cursor += gap.size
        parts.append((sentence, cursor / SAMPLE_RATE, (cursor + samples.size) / SAMPLE_RATE))
        pieces.append(samples.astype(np.float32))
        cursor += samples.size
    if not pieces:
        return Speech(np.zeros(0, np.float32), [])
    return Speech(_gain(np.concatenate(pieces), delivery), parts)


def _gain(samples: np.ndarray, delivery: Delivery) -> np.ndarray:
    if delivery.gain_db == 0:
        return samples.astype(np.float32)
    return (samples * 10 ** (delivery.gain_db / 20)).clip(-1, 1).astype(np.float32)
