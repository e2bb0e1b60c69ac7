"""The "openai" image engine: OpenAI Images (`images.generate`) from the shot prompt (the
enriched `Shot.image_prompt` when script enrichment ran), fitted to the frame."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from film.providers.images import ShotContext, fit_to_frame
from film.providers.openai_client import OpenAIEngine, provider_call


class OpenAIImageProvider(OpenAIEngine):
    """OpenAI Images from the shot prompt, resized/cropped to the frame size."""

    model_field = "image_model"

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
            reason = f"{type(exc).__name__}: {exc}"
            raise self.bad_reply(
                stage="images", message=f"no usable image in the reply ({reason})"
            ) from exc
        fit_to_frame(image.convert("RGB"), size).save(out_path, format="PNG")
