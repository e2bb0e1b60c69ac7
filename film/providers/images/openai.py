"""The "openai" image engine: OpenAI Images (`images.generate`) from the shot prompt (the
enriched `Shot.image_prompt` when script enrichment ran), fitted to the frame."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from film.config import FilmConfig
from film.errors import ProviderConfigError, ProviderError
from film.providers.images import ShotContext, fit_to_frame
from film.providers.openai_client import openai_client, provider_call


class OpenAIImageProvider:
    """OpenAI Images from the shot prompt, resized/cropped to the frame size."""

    name = "openai"

    def __init__(self, config: FilmConfig) -> None:
        self.client = openai_client(config.openai)
        if self.client is None:
            raise ProviderConfigError(self.name, "OpenAI images need an API key")
        self.model = config.openai.image_model
        # The model is part of the cache key: switching models must not reuse old stills.
        self.version = f"1:{self.model}"

    def render(self, *, shot: ShotContext, size: tuple[int, int], out_path: Path) -> None:
        width, height = size
        # The three sizes gpt-image-1 renders; the closest shape is then cropped to the frame.
        request = "1536x1024" if width > height else "1024x1536" if height > width else "1024x1024"
        prompt = shot.prompt or (
            f"Film still. {shot.heading}. {shot.caption} Characters: {', '.join(shot.characters)}"
        )
        with provider_call(stage="images", provider=self.name):
            result = self.client.images.generate(model=self.model, prompt=prompt, size=request, n=1)
        try:
            data = base64.b64decode(result.data[0].b64_json or "", validate=True)
            image = Image.open(io.BytesIO(data))
            image.load()
        except (IndexError, TypeError, ValueError, UnidentifiedImageError, OSError) as exc:
            raise ProviderError(
                stage="images",
                provider=self.name,
                code="provider_bad_response",
                message=f"no usable image in the reply ({type(exc).__name__}: {exc})",
                retryable=True,
            ) from exc
        fit_to_frame(image.convert("RGB"), size).save(out_path, format="PNG")
