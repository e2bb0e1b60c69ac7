"""PCM helpers: 48 kHz float arrays in and out of WAV files and ffmpeg filters."""

from __future__ import annotations

import os
import tempfile
import wave
from pathlib import Path

import numpy as np

from film import ffmpeg_cli

SAMPLE_RATE = 48_000


def write_wav(path: Path, samples: np.ndarray, *, rate: int = SAMPLE_RATE) -> None:
    """Write float samples (mono `(n,)` or `(n, channels)`) as 16-bit PCM, atomically."""
    data = np.asarray(samples, dtype=np.float32)
    channels = 1 if data.ndim == 1 else data.shape[1]
    pcm = (np.clip(data, -1.0, 1.0) * 32767.0).round().astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle, wave.open(handle, "wb") as out:
            out.setnchannels(channels)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(pcm.tobytes())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit PCM WAV as float32; mono files come back 1-D."""
    with wave.open(str(path), "rb") as handle:
        rate = handle.getframerate()
        channels = handle.getnchannels()
        frames = handle.readframes(handle.getnframes())
    data = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32767.0
    if channels > 1:
        data = data.reshape(-1, channels)
    return data, rate


def wav_duration(path: Path) -> float:
    """Exact duration in seconds, counted from the samples in the file."""
    with wave.open(str(path), "rb") as handle:
        return handle.getnframes() / handle.getframerate()


def _ffmpeg_to_mono(input_args: list[str], data: bytes, *, out_rate: int) -> np.ndarray:
    """Pipe `data` into ffmpeg (read per `input_args`) and get mono float samples back."""
    cmd = ["ffmpeg", "-v", "error", *input_args, "-f", "f32le", "-ar", str(out_rate), "-ac", "1"]
    stdout, _ = ffmpeg_cli.run([*cmd, "pipe:1"], stage="audio", input=data)
    return np.frombuffer(stdout, dtype="<f4").copy()


def ffmpeg_filter_mono(
    samples: np.ndarray, *, in_rate: int, filters: str, out_rate: int = SAMPLE_RATE
) -> np.ndarray:
    """Run mono float samples through an ffmpeg audio filter chain via pipes."""
    raw = ["-f", "f32le", "-ar", str(in_rate), "-ac", "1", "-i", "pipe:0", "-af", filters]
    data = np.asarray(samples, dtype="<f4").tobytes()
    return _ffmpeg_to_mono(raw, data, out_rate=out_rate)


def decode_to_mono(data: bytes, *, out_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Decode any audio file's bytes (wav, mp3 ...) to mono float samples at `out_rate`."""
    return _ffmpeg_to_mono(["-i", "pipe:0"], data, out_rate=out_rate)


def trim_silence(
    samples: np.ndarray, *, rate: int = SAMPLE_RATE, threshold_db: float = -40.0
) -> np.ndarray:
    """Cut leading/trailing near-silence so a line's first sample is its voice onset.

    Subtitle cues start where the line's audio is placed, so any leading silence left here
    would show up as subtitles that run ahead of the voice.
    """
    if samples.size == 0:
        return samples
    threshold = 10 ** (threshold_db / 20) * max(float(np.abs(samples).max()), 1e-9)
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples[:0]
    tail = int(0.05 * rate)  # keep the decay of the last phoneme
    trimmed = samples[loud[0] : min(samples.size, loud[-1] + tail)].astype(np.float32)
    fade = min(int(0.004 * rate), trimmed.size // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        trimmed[:fade] *= ramp
        trimmed[-fade:] *= ramp[::-1]
    return trimmed
