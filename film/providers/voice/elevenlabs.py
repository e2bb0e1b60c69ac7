"""The "elevenlabs" voice engine: ElevenLabs text-to-speech, one of its voices per cast voice
(`ElevenLabsConfig.voices`), asked for raw 24 kHz PCM (`output_format=pcm_24000`) and resampled
to the film's 48 kHz. Without a key the registry hands out Piper instead."""

from __future__ import annotations

import numpy as np
from scipy.signal import resample_poly

from film.audio import SAMPLE_RATE, trim_silence
from film.config import FilmConfig
from film.providers.http import bad_reply, call
from film.providers.voice import NORMAL, Delivery, VoiceProfile

# How a delivery asks for it: steadier and softer for a whisper, more expressive for a shout.
_STYLE = {"whisper": (0.8, 0.1), "shout": (0.3, 0.8), "sing": (0.3, 0.6)}


class ElevenLabsProvider:
    name = "elevenlabs"

    def __init__(self, config: FilmConfig) -> None:
        self.config = config.elevenlabs
        self.voices = dict(self.config.voices)
        self.version = f"1:{self.config.model}"

    def voice_id(self, profile: VoiceProfile) -> str:
        return self.voices.get(profile.name) or self.voices["narrator"]

    def synthesize(
        self, *, text: str, profile: VoiceProfile, delivery: Delivery = NORMAL
    ) -> np.ndarray:
        stability, style = _STYLE.get(delivery.name, (0.5, 0.3))
        body = {
            "text": text,
            "model_id": self.config.model,
            "voice_settings": {
                "stability": stability,
                "similarity_boost": 0.75,
                "style": style,
                "speed": max(0.7, min(1.2, profile.pace * delivery.pace)),
            },
        }
        voice = self.voice_id(profile)
        url = f"{self.config.base_url}/text-to-speech/{voice}?output_format=pcm_24000"
        pcm = call(
            url,
            stage="voices",
            provider=self.name,
            body=body,
            headers={"xi-api-key": self.config.api_key, "Accept": "audio/pcm"},
            timeout=self.config.timeout_seconds,
        )
        if len(pcm) < 2 or len(pcm) % 2:
            raise bad_reply(
                stage="voices", provider=self.name, message="the reply is not 16-bit PCM"
            )
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        return trim_silence(resample_poly(samples, SAMPLE_RATE // 24_000, 1).astype(np.float32))
