"""The "espeak" voice engine: espeak-ng through the library shipped in `espeakng-loader`."""

from __future__ import annotations

import ctypes
import threading
from functools import cache
from pathlib import Path

import numpy as np

from film.audio import SAMPLE_RATE, ffmpeg_filter_mono, trim_silence
from film.providers.voice import NORMAL, Delivery, VoiceProfile


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

    def synthesize(
        self, *, text: str, profile: VoiceProfile, delivery: Delivery = NORMAL
    ) -> np.ndarray:
        with self._lock:
            lib = self._library()
            # espeakRATE=1 (words per minute), espeakPITCH=3 (0-100, 50 is neutral).
            lib.espeak_SetParameter(1, int(165 * profile.pace * delivery.pace), 0)
            pitch = profile.pitch * delivery.pitch
            lib.espeak_SetParameter(3, int(max(0, min(100, 50 * pitch**2))), 0)
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
