"""The "diffusers" image engine: Stable Diffusion via `diffusers` (the `gpu` queue).

On a GPU host it runs on CUDA in half precision; elsewhere it runs on the CPU in full
precision (slow with real weights; the tests run it with a tiny randomly initialised
pipeline). The model must already be on disk (`ProviderConfig.diffusers_model` points at a
directory written by `save_pretrained`): nothing is downloaded at run time. The registry
offers this engine only where `diffusers` and `torch` are installed (`requirements/gpu.txt`,
`make test-gpu`), and a project's "ai" picture source picks it only where a model directory
is configured (`film.providers.registry.engine_for_source`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from film.config import FilmConfig
from film.errors import ProviderConfigError
from film.providers.images import ShotContext, fit_to_frame

# The generated picture's long side (pixels, a multiple of 8 as the VAE needs): SD-Turbo and
# SDXL-Turbo are trained near 512-1024; it is then scaled to cover the frame.
LONG_SIDE = 768
STEPS = 4  # a distilled (turbo) model's step count; more only slows an undistilled one down


def generation_size(size: tuple[int, int], long_side: int = LONG_SIDE) -> tuple[int, int]:
    """The frame's shape at `long_side`, both sides multiples of 8."""
    w, h = size
    scale = long_side / max(w, h)
    return max(8, round(w * scale / 8) * 8), max(8, round(h * scale / 8) * 8)


class DiffusersImageProvider:
    """Stable Diffusion from the shot prompt, fitted to the frame; the same shot always gets
    the same picture (the noise is seeded by the prompt)."""

    name = "diffusers"
    version = "2"

    def __init__(self, config: FilmConfig, *, long_side: int = LONG_SIDE) -> None:
        import torch
        from diffusers import AutoPipelineForText2Image

        model = config.providers.diffusers_model
        if not model:
            raise ProviderConfigError(
                self.name, "needs a local model directory (diffusers_model; FILM_DIFFUSERS_MODEL)"
            )
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        dtype = torch.float16 if self.device == "cuda" else torch.float32
        self.pipe = AutoPipelineForText2Image.from_pretrained(
            model, dtype=dtype, local_files_only=True
        ).to(self.device)
        self.pipe.set_progress_bar_config(disable=True)
        self.long_side = long_side

    def render(self, *, shot: ShotContext, size: tuple[int, int], out_path: Path) -> None:
        import torch

        prompt = shot.prompt or f"film still, {shot.heading}, {shot.caption}"
        seed = int(hashlib.sha256(prompt.encode()).hexdigest()[:8], 16)
        width, height = generation_size(size, self.long_side)
        image = self.pipe(
            prompt=prompt,
            num_inference_steps=STEPS,
            guidance_scale=0.0,
            width=width,
            height=height,
            generator=torch.Generator(self.device).manual_seed(seed),
        ).images[0]
        fit_to_frame(image.convert("RGB"), size).save(out_path, format="PNG")
