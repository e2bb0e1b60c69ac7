"""Scene ambience synthesised offline with numpy/scipy (rain, storm, sea, wind, city, birds,
crickets at night, room tone), stereo and decorrelated, the same for the same seed; and the
ambience a place calls for."""

from __future__ import annotations

import numpy as np
from scipy import signal

from film.audio import SAMPLE_RATE as RATE

AMBIENCES = ("rain", "storm", "sea", "wind", "room", "city", "birds", "night")


def _noise(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.standard_normal((n, 2)).astype(np.float32)


def _band(x: np.ndarray, lo: float, hi: float, order: int = 2) -> np.ndarray:
    sos = signal.butter(order, [lo, hi], btype="band", fs=RATE, output="sos")
    return signal.sosfilt(sos, x, axis=0).astype(np.float32)


def _low(x: np.ndarray, hz: float, order: int = 2) -> np.ndarray:
    sos = signal.butter(order, hz, btype="low", fs=RATE, output="sos")
    return signal.sosfilt(sos, x, axis=0).astype(np.float32)


def _slow(rng: np.random.Generator, n: int, period: float, depth: float) -> np.ndarray:
    """A smooth random envelope (values around 1) changing over `period` seconds."""
    points = max(4, int(n / RATE / period) + 3)
    knots = 1 + depth * rng.uniform(-1, 1, points)
    return np.interp(np.arange(n), np.linspace(0, n, points), knots).astype(np.float32)[:, None]


def ambience(kind: str, seconds: float, *, seed: int) -> np.ndarray:
    """(n, 2) float32, roughly -20 dBFS RMS, decorrelated left/right."""
    n = max(1, round(seconds * RATE))
    rng = np.random.default_rng(seed)
    if kind in ("rain", "storm"):
        x = _band(_noise(rng, n), 400, 9000) * 0.5
        drops = (rng.random((n, 2)) > 0.9993).astype(np.float32) * rng.uniform(
            0.2, 1, (n, 2)
        ).astype(np.float32)
        x += _band(drops, 2000, 8000) * 2.5
        if kind == "storm":
            x += _band(_noise(rng, n), 150, 900) * _slow(rng, n, 2.5, 0.8) * 0.6  # wind
            for start in rng.uniform(0, max(0.1, seconds - 3), max(1, int(seconds / 12))):
                i = int(start * RATE)
                m = min(n - i, 3 * RATE)
                env = (
                    np.exp(-np.arange(m) / (0.7 * RATE))[:, None]
                    * (1 - np.exp(-np.arange(m) / (0.05 * RATE)))[:, None]
                )
                x[i : i + m] += _low(_noise(rng, m), 120, 4) * env * 8.0  # thunder
    elif kind == "sea":
        swell = (
            0.55
            + 0.45 * np.sin(2 * np.pi * np.arange(n) / RATE / 7.5 + rng.uniform(0, 6))[:, None] ** 2
        )
        x = (
            _low(_noise(rng, n), 1200) * swell * 1.2
            + _band(_noise(rng, n), 2000, 7000) * swell**3 * 0.25
        )
    elif kind == "wind":
        x = _band(_noise(rng, n), 200, 1200) * _slow(rng, n, 3.0, 0.7)
    elif kind == "city":
        x = _low(_noise(rng, n), 300) * 1.5
        for start in rng.uniform(0, seconds, max(1, int(seconds / 6))):  # passing cars
            i, m = int(start * RATE), int(3 * RATE)
            m = min(m, n - i)
            env = np.hanning(m)[:, None] * np.array(
                [[1.0, 0.4]] if rng.random() < 0.5 else [[0.4, 1.0]]
            )
            x[i : i + m] += _band(_noise(rng, m), 300, 3000) * env.astype(np.float32) * 0.8
    elif kind == "birds":
        x = _band(_noise(rng, n), 200, 1200) * _slow(rng, n, 4, 0.5) * 0.3
        for start in rng.uniform(0, seconds, max(1, int(seconds * 0.8))):
            i, m = int(start * RATE), int(0.12 * RATE)
            m = min(m, n - i)
            f = rng.uniform(2500, 4500) + np.linspace(0, rng.uniform(-800, 1200), m)
            chirp = np.sin(2 * np.pi * np.cumsum(f) / RATE) * np.hanning(m)
            x[i : i + m, int(rng.random() < 0.5)] += chirp.astype(np.float32) * 0.5
    elif kind == "night":  # crickets
        x = _low(_noise(rng, n), 400) * 0.3
        t = np.arange(n) / RATE
        chirps = (np.sin(2 * np.pi * 30 * t) > 0.2) * (np.sin(2 * np.pi * 0.8 * t) > 0.3)
        x[:, 0] += (np.sin(2 * np.pi * 4400 * t) * chirps * 0.15).astype(np.float32)
    else:  # room tone
        x = _low(_noise(rng, n), 500) * 0.5 + _band(_noise(rng, n), 1000, 4000) * 0.05
    rms = float(np.sqrt(np.mean(x**2))) or 1.0
    return (x * (0.1 / rms)).astype(np.float32)


def ambience_for(place_kind: str, interior: bool, weather: str, time: str) -> str:
    if weather in ("rain", "storm"):
        return weather
    if place_kind in ("sea", "harbour", "beach", "lighthouse", "ship_deck"):
        return "sea" if not interior else "wind"
    if place_kind in ("city", "street", "market", "car"):
        return "city"
    if place_kind in ("mountain", "desert") or weather in ("snow", "fog"):
        return "wind"
    if not interior and place_kind in ("forest", "field", "exterior", "church"):
        return "night" if time == "night" else "birds"
    return "room"
