"""The Stable Diffusion engine's real code (loading a saved pipeline from disk, generating,
fitting to the frame) run on the CPU with a tiny randomly initialised pipeline built here.

Needs torch and diffusers (`requirements/gpu.txt`): `make test-gpu` runs this file in its own
environment; the main `make test` skips it.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

torch = pytest.importorskip("torch")
diffusers = pytest.importorskip("diffusers")
transformers = pytest.importorskip("transformers")

from film.config import FilmConfig  # noqa: E402
from film.providers.images import ShotContext  # noqa: E402
from film.providers.images.diffusers import DiffusersImageProvider, generation_size  # noqa: E402
from film.providers.registry import engine_for_source, get_provider  # noqa: E402

pytestmark = pytest.mark.gpu

SHOT = ShotContext(
    index=0,
    kind="action",
    heading="EXT. HARBOUR - NIGHT",
    int_ext="EXT",
    location="HARBOUR",
    time_of_day="NIGHT",
    caption="Rain on the pier.",
    prompt="a harbour at night in the rain, film still",
)


def _tokenizer():
    """A byte-level CLIP tokenizer whose vocabulary is the single characters (no merges)."""
    from transformers import CLIPTokenizer

    printable = [*range(33, 127), *range(161, 173), *range(174, 256)]
    shifted = [b for b in range(256) if b not in printable]
    chars = [chr(b) for b in printable] + [chr(256 + n) for n in range(len(shifted))]
    tokens = ["<|startoftext|>", "<|endoftext|>", *chars, *(c + "</w>" for c in chars)]
    return CLIPTokenizer(vocab={t: i for i, t in enumerate(tokens)}, merges=[], model_max_length=16)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A Stable Diffusion pipeline a few hundred kB large, randomly initialised and saved the
    way real weights are (what FILM_DIFFUSERS_MODEL points at)."""
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("sd-tiny")
    tokenizer = _tokenizer()
    unet = UNet2DConditionModel(
        block_out_channels=(8, 16),
        layers_per_block=1,
        sample_size=8,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=16,
        attention_head_dim=2,
        norm_num_groups=4,
    )
    vae = AutoencoderKL(
        block_out_channels=(8, 16),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        norm_num_groups=4,
    )
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            bos_token_id=0,
            eos_token_id=1,
            pad_token_id=1,
            hidden_size=16,
            intermediate_size=32,
            num_attention_heads=2,
            num_hidden_layers=1,
            vocab_size=len(tokenizer),
            max_position_embeddings=16,
        )
    )
    pipe = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=EulerDiscreteScheduler(steps_offset=1),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    model = folder / "model"
    pipe.save_pretrained(model)
    return model


@pytest.fixture
def config(tiny_model) -> FilmConfig:
    return FilmConfig().replace(providers={"diffusers_model": str(tiny_model)})


def test_the_ai_source_is_stable_diffusion_where_the_model_is(config) -> None:
    assert engine_for_source("image", "ai", config) == "diffusers"
    assert engine_for_source("image", "ai", FilmConfig()) == "scenery"  # no model, no key


def test_a_shot_is_generated_from_the_saved_model_at_the_frame_size(config, tmp_path) -> None:
    # given the engine as the registry builds it (from the directory, on this CPU)
    provider = get_provider("image", "diffusers", config)
    assert isinstance(provider, DiffusersImageProvider)
    assert provider.device == ("cuda" if torch.cuda.is_available() else "cpu")
    provider.long_side = 64  # small pictures: the test is about the code, not the art
    # when it pictures a shot for a 16:9 frame, twice
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    provider.render(shot=SHOT, size=(160, 90), out_path=first)
    provider.render(shot=SHOT, size=(160, 90), out_path=second)
    # then each is a picture of exactly the frame, made by the model (not blank), and the
    # same shot gets the same picture (a cold re-render keeps its stills)
    a, b = np.asarray(Image.open(first)), np.asarray(Image.open(second))
    assert a.shape == (90, 160, 3)
    assert a.std() > 1.0
    assert np.array_equal(a, b)


def test_the_generation_size_keeps_the_frames_shape_in_multiples_of_8() -> None:
    assert generation_size((1920, 1080)) == (768, 432)
    assert generation_size((1080, 1920)) == (432, 768)
    assert generation_size((1080, 1080)) == (768, 768)


def test_nothing_is_downloaded_a_missing_model_is_a_config_error(tmp_path) -> None:
    from film.errors import ProviderConfigError

    missing = FilmConfig().replace(providers={"diffusers_model": str(tmp_path / "none")})
    with pytest.raises(ProviderConfigError):
        get_provider("image", "diffusers", missing)
