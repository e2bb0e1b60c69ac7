"""The score: pads on a four-chord progression and a soft plucked arpeggio, synthesised with
numpy (no recordings bundled); the same (seed, mood, duration) always gives the same samples.
It fades in over the title card (the intro) and out over the end card (the outro)."""

from __future__ import annotations

import numpy as np
from scipy import signal

from film.audio import SAMPLE_RATE as RATE


def _low(x: np.ndarray, hz: float, order: int = 2) -> np.ndarray:
    sos = signal.butter(order, hz, btype="low", fs=RATE, output="sos")
    return signal.sosfilt(sos, x, axis=0).astype(np.float32)


_PROG = {
    "dark": [[0, 3, 7], [-4, 0, 3], [-7, -3, 0], [-2, 2, 5]],
    "bright": [[0, 4, 7], [5, 9, 12], [-3, 0, 4], [7, 11, 14]],
}


def score(seconds: float, *, seed: int, mood: str = "dark", bpm: float = 72) -> np.ndarray:
    """Pads on a four-chord progression plus a soft plucked arpeggio; (n, 2), peak ~0.5."""
    n = max(1, round(seconds * RATE))
    rng = np.random.default_rng(seed)
    root = 110.0 * 2 ** (int(rng.integers(0, 7)) / 12)
    prog = _PROG.get(mood, _PROG["dark"])
    beat = 60 / bpm
    bar = 4 * beat
    out = np.zeros((n, 2), np.float32)
    t_all = np.arange(n) / RATE
    chord_idx = (t_all // bar).astype(int) % len(prog)
    for voice in range(3):  # pads: one sine pair per chord tone, glided between chords
        semis = np.array([prog[c][voice] for c in range(len(prog))])[chord_idx]
        freq = root * 2 * 2 ** (semis / 12)
        freq = _low(freq[:, None].astype(np.float32), 3.0, 1)[:, 0]
        phase = 2 * np.pi * np.cumsum(freq) / RATE
        pad = np.sin(phase) + 0.25 * np.sin(2 * phase)
        out[:, 0] += (pad * (0.8 if voice != 2 else 0.5)).astype(np.float32)
        out[:, 1] += (pad * (0.5 if voice != 0 else 0.8)).astype(np.float32)
    out *= 0.18
    pattern = [0, 1, 2, 1, 0, 2, 1, 2]
    step = beat / 2
    k = 0
    while k * step < seconds:
        start = int(k * step * RATE)
        chord = prog[int(k * step // bar) % len(prog)]
        if rng.random() < 0.8:
            note = chord[pattern[k % len(pattern)]] + 12 * (1 + (k % 16 >= 8))
            f = root * 2 ** (note / 12)
            m = min(n - start, int(1.6 * RATE))
            tt = np.arange(m) / RATE
            pluck = (
                (np.sin(2 * np.pi * f * tt) + 0.3 * np.sin(4 * np.pi * f * tt))
                * np.exp(-tt * 3.2)
                * (1 - np.exp(-tt * 400))
            )
            pan = 0.5 + 0.35 * np.sin(k * 0.7)
            out[start : start + m, 0] += (pluck * (1 - pan) * 0.35).astype(np.float32)
            out[start : start + m, 1] += (pluck * pan * 0.35).astype(np.float32)
        k += 1
    edge = min(n // 2, int(2.0 * RATE))
    ramp = np.linspace(0, 1, edge, dtype=np.float32)[:, None]
    out[:edge] *= ramp
    out[n - edge :] *= ramp[::-1]
    return out * (0.5 / (float(np.abs(out).max()) or 1.0))


def ambient_bed(duration: float, *, seed: int, mood: str = "dark") -> np.ndarray:
    """The score alone, `duration` seconds long (a music-only job)."""
    return score(duration, seed=seed, mood=mood)
