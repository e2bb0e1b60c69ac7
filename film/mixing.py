"""The film's soundtrack before mastering: voices on the timeline over a ducked music bed."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from film.audio import SAMPLE_RATE, read_wav
from film.timeline import Timeline

MUSIC_GAIN_DB = -20.0  # bed level under silence, relative to full-scale voice
DUCK_DB = -12.0  # extra attenuation while someone speaks
DUCK_ATTACK_SECONDS = 0.25  # music starts dipping this long before a line
DUCK_RELEASE_SECONDS = 0.6


def voice_stem(timeline: Timeline, *, total_samples: int) -> np.ndarray:
    """Mono track with every line's audio placed at its exact start sample."""
    stem = np.zeros(total_samples, dtype=np.float32)
    for line in timeline.lines:
        samples, rate = read_wav(Path(line.audio))
        if rate != SAMPLE_RATE:
            raise ValueError(f"{line.audio} is {rate} Hz, expected {SAMPLE_RATE}")
        start = round(line.start * SAMPLE_RATE)
        end = min(total_samples, start + samples.size)
        stem[start:end] += samples[: end - start]
    return stem


def duck_envelope(timeline: Timeline, *, total_samples: int) -> np.ndarray:
    """Gain (linear) for the music: 1 in silence, DUCK_DB under speech, with smooth ramps."""
    # Computed on a 10 ms grid and interpolated: ramps are 250+ ms, so nothing is lost.
    t = np.arange(0, total_samples / SAMPLE_RATE + 0.01, 0.01)
    depth = np.zeros(t.size)  # 0 = no ducking, 1 = fully ducked
    for line in timeline.lines:
        start, end = line.start, line.start + line.duration
        rise = np.clip((t - (start - DUCK_ATTACK_SECONDS)) / DUCK_ATTACK_SECONDS, 0, 1)
        fall = np.clip(1 - (t - end) / DUCK_RELEASE_SECONDS, 0, 1)
        depth = np.maximum(depth, np.minimum(rise, fall))
    fine = np.interp(np.arange(total_samples) / SAMPLE_RATE, t, depth)
    return (10 ** (DUCK_DB * fine / 20)).astype(np.float32)


def mix_soundtrack(timeline: Timeline, music: np.ndarray | None) -> np.ndarray:
    """Stereo `(n, 2)` mix lasting exactly the timeline's duration."""
    total = round(timeline.duration * SAMPLE_RATE)
    voice = voice_stem(timeline, total_samples=total)
    mix = np.repeat(voice[:, None], 2, axis=1)
    if music is not None:
        bed = np.zeros((total, 2), dtype=np.float32)
        bed[: min(total, music.shape[0])] = music[:total]
        gain = duck_envelope(timeline, total_samples=total) * 10 ** (MUSIC_GAIN_DB / 20)
        mix += bed * gain[:, None]
    return mix
