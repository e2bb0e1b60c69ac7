"""The "diffusers" image engine: Stable Diffusion via `diffusers` on CUDA (GPU hosts).

The model must already be on disk (`ProviderConfig.diffusers_model` points at it): nothing is
downloaded at run time. The registry offers this engine only where `diffusers` and `torch`
are installed.
"""

from __future__ import annotations

from pathlib import Path

from film.config import FilmConfig
from film.errors import ProviderConfigError
from film.providers.images import ShotContext, fit_to_frame


class DiffusersImageProvider:
    """Stable Diffusion from the shot prompt, fitted to the frame."""

    name = "diffusers"
    version = "1"

    def __init__(self, config: FilmConfig) -> None:
        import torch
        from diffusers import AutoPipelineForText2Image

        model = config.providers.diffusers_model
        if not model:
            raise ProviderConfigError(
                self.name, "needs a local model directory (diffusers_model; FILM_DIFFUSERS_MODEL)"
            )
        self.pipe = AutoPipelineForText2Image.from_pretrained(
            model, torch_dtype=torch.float16, local_files_only=True
        ).to("cuda")

    def render(self, *, shot: ShotContext, size: tuple[int, int], out_path: Path) -> None:
        prompt = shot.prompt or f"film still, {shot.heading}, {shot.caption}"
        image = self.pipe(prompt=prompt, num_inference_steps=4, guidance_scale=0.0).images[0]
        fit_to_frame(image.convert("RGB"), size).save(out_path, format="PNG")
