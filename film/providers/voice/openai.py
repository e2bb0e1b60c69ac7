"""The "openai" voice engine: OpenAI text-to-speech (`audio.speech`)."""

from __future__ import annotations

import numpy as np

from film.audio import decode_to_mono, trim_silence
from film.config import FilmConfig
from film.errors import ProviderConfigError, ProviderError
from film.providers.openai_client import openai_client, provider_call
from film.providers.voice import VoiceProfile

OPENAI_VOICES = ["alloy", "ash", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer"]


class OpenAITTSProvider:
    """OpenAI text-to-speech (`audio.speech`); the profile slot picks one of its named voices."""

    name = "openai"

    def __init__(self, config: FilmConfig) -> None:
        self.client = openai_client(config.openai)
        if self.client is None:
            raise ProviderConfigError(self.name, "OpenAI TTS needs an API key")
        self.model = config.openai.tts_model
        # The model is part of the cache key: switching models must not reuse old lines.
        self.version = f"1:{self.model}"

    def synthesize(self, *, text: str, profile: VoiceProfile) -> np.ndarray:
        with provider_call(stage="voices", provider=self.name):
            response = self.client.audio.speech.create(
                model=self.model,
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
