"""A generated ambient music bed: slow pads and a drone, synthesised with numpy.

No recordings are bundled; the same (seed, mood, duration) always gives the same samples.
"""

from __future__ import annotations

import numpy as np

from film.audio import SAMPLE_RATE

# Chord progressions as semitone offsets from the key's root.
_PROGRESSIONS = {
    "dark": [[0, 3, 7, 10], [-4, 0, 3, 7], [-7, -3, 0, 5], [-2, 2, 5, 9]],  # i  VI  iv  VII
    "bright": [[0, 4, 7, 11], [5, 9, 12, 16], [-3, 0, 4, 7], [7, 11, 14, 17]],  # I IV vi V
}
_CHORD_SECONDS = 8.0
_FADE_SECONDS = 2.0


def ambient_bed(
    duration: float, *, seed: int, mood: str = "dark", rate: int = SAMPLE_RATE
) -> np.ndarray:
    """Return `(n, 2)` float32 stereo at peak ~0.5: chords every 8 s with 2 s crossfades."""
    n = max(1, round(duration * rate))
    rng = np.random.default_rng(seed)
    root = 110.0 * 2 ** (int(rng.integers(0, 7)) / 12)  # A2..D#3
    progression = _PROGRESSIONS.get(mood, _PROGRESSIONS["dark"])
    out = np.zeros((n, 2), dtype=np.float32)
    seg = round(_CHORD_SECONDS * rate)
    fade = round(_FADE_SECONDS * rate)
    for number, start in enumerate(range(0, n, seg)):
        lo, hi = max(0, start - fade), min(n, start + seg + fade)
        t = np.arange(lo, hi, dtype=np.float64) / rate
        envelope = np.ones(hi - lo)
        ramp = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, 2 * fade))
        if start > 0:
            head = min(2 * fade, hi - lo)
            envelope[:head] = ramp[:head]
        if hi < n:
            envelope[-2 * fade :] = np.minimum(envelope[-2 * fade :], ramp[::-1])
        chord = progression[number % len(progression)]
        block = np.zeros((hi - lo, 2))
        for k, semitone in enumerate(chord):
            freq = root * 2 ** (semitone / 12) * 2  # pads an octave above the drone
            lfo = 0.75 + 0.25 * np.sin(2 * np.pi * (0.07 + 0.03 * k) * t + k)
            for channel, detune in ((0, 0.997), (1, 1.003)):
                block[:, channel] += lfo * (
                    np.sin(2 * np.pi * freq * detune * t)
                    + 0.3 * np.sin(2 * np.pi * 2 * freq * detune * t + 0.5)
                )
        drone = np.sin(2 * np.pi * root * 2 ** (chord[0] / 12) * t)
        block += 1.2 * drone[:, None]
        out[lo:hi] += (block * envelope[:, None]).astype(np.float32)
    # fade the whole bed in and out over 1.5 s
    edge = min(n // 2, round(1.5 * rate))
    if edge:
        ramp = np.linspace(0, 1, edge, dtype=np.float32)[:, None]
        out[:edge] *= ramp
        out[-edge:] *= ramp[::-1]
    peak = float(np.abs(out).max()) or 1.0
    return out * (0.5 / peak)
