"""Image engines: one still per shot, behind the `ImageProvider` interface.

- "scenery" (`scenery.py`, the default): the place drawn in depth layers, offline.
- "openai" (`openai.py`): OpenAI Images from the shot prompt.
- "diffusers" (`diffusers.py`): local Stable Diffusion (CUDA on a GPU host, else the CPU).
- "stock" (`stock.py`): a stock photo found by the place's words (Pexels' protocol).

Which one a film gets is decided by `film.providers.registry` (the site's setting, or the
project's picture source through `engine_for_source`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from PIL import Image


@dataclass
class ShotContext:
    """Everything an image provider may use to picture one shot."""

    index: int
    kind: str
    heading: str
    int_ext: str
    location: str
    time_of_day: str
    caption: str
    characters: list[str] = field(default_factory=list)
    prompt: str = ""  # enriched description for generative providers; caption if empty

    def cache_fields(self) -> dict[str, object]:
        return self.__dict__.copy()


class ImageProvider(Protocol):
    name: str
    version: str

    def render(self, *, shot: ShotContext, size: tuple[int, int], out_path: Path) -> None:
        """Write a PNG of exactly `size` to `out_path` (callers make the write atomic)."""
        ...


def fit_to_frame(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Scale to cover `size` and centre-crop."""
    width, height = size
    scale = max(width / image.width, height / image.height)
    resized = image.resize((round(image.width * scale), round(image.height * scale)))
    left, top = (resized.width - width) // 2, (resized.height - height) // 2
    return resized.crop((left, top, left + width, top + height))
