"""Voice casting: every speaker keeps one distinct voice for the whole film.

A speaker's voice comes from a stable hash of their name (so a character sounds the same in
every render and every edit of the script), probing to the next free profile when two
characters of the same film hash to the same one. The narrator has its own reserved profile.
"""

from __future__ import annotations

import hashlib

from film.breakdown import NARRATOR
from film.providers.voice import VoiceProfile

NARRATOR_PROFILE = VoiceProfile(slot=7, pitch=1.0, pace=0.95)
# Pitch steps at least ~7% apart (clearly audible) and a pace spread; no entry equals the
# narrator's.
CHARACTER_PROFILES = [
    VoiceProfile(slot=0, pitch=0.86, pace=1.0),
    VoiceProfile(slot=1, pitch=1.18, pace=1.05),
    VoiceProfile(slot=2, pitch=0.93, pace=1.1),
    VoiceProfile(slot=3, pitch=1.28, pace=1.0),
    VoiceProfile(slot=4, pitch=1.08, pace=0.92),
    VoiceProfile(slot=5, pitch=0.80, pace=0.96),
    VoiceProfile(slot=6, pitch=1.38, pace=1.08),
    VoiceProfile(slot=8, pitch=0.99, pace=1.15),
]


def cast_voices(speakers: list[str]) -> dict[str, VoiceProfile]:
    """Map each speaker (in order of first appearance) and NARRATOR to a VoiceProfile.

    Deterministic for a given list; distinct for up to len(CHARACTER_PROFILES) characters,
    after which profiles are reused.
    """
    cast = {NARRATOR: NARRATOR_PROFILE}
    taken: set[int] = set()
    for name in speakers:
        if name in cast:
            continue
        slot = int(hashlib.sha256(name.upper().encode()).hexdigest(), 16) % len(CHARACTER_PROFILES)
        if len(taken) < len(CHARACTER_PROFILES):
            while slot in taken:
                slot = (slot + 1) % len(CHARACTER_PROFILES)
        taken.add(slot)
        cast[name] = CHARACTER_PROFILES[slot]
    return cast
