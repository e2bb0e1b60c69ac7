"""Loudness measurement and control: EBU R128 via ffmpeg, a numpy peak limiter.

Delivery target: `RenderConfig.loudness_target_lufs` integrated, `true_peak_dbtp` true peak. The
compose run applies ffmpeg's loudnorm in *linear* mode with the values measured here; linear
mode (one constant gain, no pumping) is only possible when the mix's peak-to-loudness ratio
fits under the ceiling, so `prepare_for_loudnorm` limits peaks until it does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from film import ffmpeg_cli
from film.audio import SAMPLE_RATE

# loudnorm only stays linear when the measured loudness range is within its LRA target;
# 20 LU (the filter's maximum in ffmpeg 5) never constrains dialogue over a ducked bed.
LOUDNORM_LRA = 20.0


def loudnorm_analyse(path: Path, *, target_i: float, target_tp: float) -> dict[str, float]:
    """First loudnorm pass (audio only, fast): the measured input values as floats."""
    log = ffmpeg_cli.audio_filter_log(
        path,
        filters=f"loudnorm=I={target_i}:TP={target_tp}:LRA={LOUDNORM_LRA}:print_format=json",
        stage="mix",
    )
    data = json.loads(log[log.rindex("{") : log.rindex("}") + 1])
    return {k: float(v) for k, v in data.items() if k != "normalization_type"}


def loudnorm_filter_args(
    measured: dict[str, float], *, target_i: float, target_tp: float
) -> dict[str, object]:
    """Keyword arguments for the second, linear loudnorm pass."""
    return {
        "I": target_i,
        "TP": target_tp,
        "LRA": LOUDNORM_LRA,
        "measured_I": measured["input_i"],
        "measured_TP": measured["input_tp"],
        "measured_LRA": max(measured["input_lra"], 0.1),
        "measured_thresh": measured["input_thresh"],
        "offset": measured["target_offset"],
        "linear": "true",
        "print_format": "summary",
    }


def linear_possible(measured: dict[str, float], *, target_i: float, target_tp: float) -> bool:
    """Mirror of loudnorm's own test for staying in linear mode."""
    gain = target_i - measured["input_i"]
    return measured["input_tp"] + gain <= target_tp and measured["input_lra"] <= LOUDNORM_LRA


def limit_peaks(samples: np.ndarray, *, ceiling: float, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Look-ahead limiter: no sample of the result exceeds `ceiling` (linear amplitude).

    Gain is computed per 5 ms block, each block takes the lowest gain of itself and its
    neighbours, and the gain is interpolated between block centres: the interpolated gain
    inside a block never exceeds that block's own requirement, and there are no steps.
    """
    stereo = samples if samples.ndim == 2 else samples[:, None]
    n = stereo.shape[0]
    block = max(1, round(0.005 * rate))
    blocks = -(-n // block)
    padded = np.zeros((blocks * block, stereo.shape[1]), dtype=np.float32)
    padded[:n] = stereo
    peaks = np.abs(padded).reshape(blocks, block, -1).max(axis=(1, 2))
    gain = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9))
    smooth = gain.copy()
    smooth[1:] = np.minimum(smooth[1:], gain[:-1])
    smooth[:-1] = np.minimum(smooth[:-1], gain[1:])
    centres = np.arange(blocks) * block + block / 2
    per_sample = np.interp(np.arange(n), centres, smooth).astype(np.float32)
    out = stereo * per_sample[:, None]
    return out if samples.ndim == 2 else out[:, 0]


def prepare_for_loudnorm(
    samples: np.ndarray,
    *,
    write: Callable[[Path, np.ndarray], None],
    path: Path,
    target_i: float,
    target_tp: float,
) -> tuple[np.ndarray, dict[str, float]]:
    """Limit `samples` until linear loudnorm is possible; returns (samples, measurement).

    `write(path, samples)` stores the candidate that is measured. At most 5 rounds; each
    round lowers the ceiling by the measured excess plus a margin.
    """
    # First guess without a measurement: speech loudness sits near the RMS of its loud 100 ms
    # blocks, so limiting peaks to ~10 dB above that usually passes the first analysis.
    mono = np.abs(samples if samples.ndim == 1 else samples.max(axis=1))
    blocks = mono[: mono.size // 4800 * 4800].reshape(-1, 4800)
    if blocks.size:
        rms = np.sqrt((blocks**2).mean(axis=1))
        loud = rms[rms > rms.max() * 0.1]
        ceiling = float(np.sqrt((loud**2).mean())) * 10 ** (10 / 20)
        if ceiling < float(mono.max()):
            samples = limit_peaks(samples, ceiling=ceiling)
    write(path, samples)
    measured = loudnorm_analyse(path, target_i=target_i, target_tp=target_tp)
    for _ in range(5):
        if linear_possible(measured, target_i=target_i, target_tp=target_tp):
            break
        allowed_tp = target_tp - (target_i - measured["input_i"])  # dBTP before the gain
        excess = measured["input_tp"] - allowed_tp
        peak_db = 20 * np.log10(max(float(np.abs(samples).max()), 1e-9))
        samples = limit_peaks(samples, ceiling=10 ** ((peak_db - excess - 0.7) / 20))
        write(path, samples)
        measured = loudnorm_analyse(path, target_i=target_i, target_tp=target_tp)
    return samples, measured


_EBUR128_I = re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS")
_EBUR128_PEAK = re.compile(r"Peak:\s+(-?[\d.]+|-inf) dBFS")


def measure_loudness(path: Path) -> dict[str, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file's audio, via ebur128."""
    log = ffmpeg_cli.audio_filter_log(path, filters="ebur128=peak=true", stage="loudness")
    summary = log[log.rindex("Summary:") :]
    return {
        "integrated_lufs": float(_EBUR128_I.search(summary).group(1)),
        "true_peak_dbtp": float(_EBUR128_PEAK.search(summary).group(1)),
    }
