"""The "openai" voice engine: OpenAI text-to-speech (`audio.speech`)."""

from __future__ import annotations

import numpy as np

from film.audio import decode_to_mono, trim_silence
from film.providers.openai_client import OpenAIEngine, provider_call
from film.providers.voice import NORMAL, Delivery, VoiceProfile

OPENAI_VOICES = ["alloy", "ash", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer"]


class OpenAITTSProvider(OpenAIEngine):
    """OpenAI text-to-speech (`audio.speech`); the profile slot picks one of its named voices."""

    model_field = "tts_model"

    def synthesize(
        self, *, text: str, profile: VoiceProfile, delivery: Delivery = NORMAL
    ) -> np.ndarray:
        with provider_call(stage="voices", provider=self.name):
            response = self.client.audio.speech.create(
                model=self.model,
                voice=OPENAI_VOICES[profile.slot % len(OPENAI_VOICES)],
                input=text,
                response_format="wav",
                speed=profile.pace * delivery.pace,
            )
            data = response.read()
        try:
            # The service speaks 24 kHz; decoding resamples to the pipeline's 48 kHz.
            samples = decode_to_mono(data)
        except RuntimeError as exc:
            raise self.bad_reply(stage="voices", message=f"the reply is not audio ({exc})") from exc
        return trim_silence(samples)
