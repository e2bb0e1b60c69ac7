"""The stock-picture and ElevenLabs engines against local fakes of their APIs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from film.audio import SAMPLE_RATE
from film.casting import VOICES
from film.config import FilmConfig
from film.errors import ProviderError
from film.providers.images import ShotContext
from film.providers.images.scenery import SceneryProvider
from film.providers.images.stock import StockImageProvider
from film.providers.registry import get_provider
from film.providers.voice.elevenlabs import ElevenLabsProvider
from film.providers.voice.piper import PiperProvider
from film.speech import delivery_for
from tests.fakes.rest_servers import running


@pytest.fixture
def stock():
    with running("stock") as server:
        yield server


@pytest.fixture
def elevenlabs():
    with running("elevenlabs") as server:
        yield server


SHOT = ShotContext(
    index=0,
    kind="action",
    heading="EXT. HARBOUR - NIGHT",
    int_ext="EXT",
    location="HARBOUR",
    time_of_day="NIGHT",
    caption="Rain on the boats.",
)


def test_stock_finds_a_photo_by_the_words_of_the_place_and_fits_it(stock, tmp_path: Path):
    config = FilmConfig().replace(stock={"api_key": stock.key, "base_url": stock.base_url})
    provider = get_provider("image", "stock", config)
    assert isinstance(provider, StockImageProvider)
    out = tmp_path / "still.png"
    provider.render(shot=SHOT, size=(1080, 1920), out_path=out)
    search = stock.requests[0]
    assert search.path == "/v1/search" and search.headers["authorization"] == stock.key
    assert search.query["query"] == ["harbour boats night rain"]
    assert search.query["orientation"] == ["portrait"]
    with Image.open(out) as image:
        assert image.size == (1080, 1920)
        assert image.getpixel((540, 960))[0] > 200  # the photo's yellow centre, not a blank


def test_stock_without_a_key_is_the_drawn_scenery_and_a_bad_key_a_clear_error(stock):
    assert isinstance(get_provider("image", "stock", FilmConfig()), SceneryProvider)
    config = FilmConfig().replace(stock={"api_key": "wrong", "base_url": stock.base_url})
    with pytest.raises(ProviderError) as caught:
        StockImageProvider(config).render(shot=SHOT, size=(320, 180), out_path=Path("/dev/null"))
    assert (caught.value.code, caught.value.retryable, caught.value.status) == (
        "provider_rejected",
        False,
        401,
    )
    stock.status = 503
    with pytest.raises(ProviderError) as busy:
        StockImageProvider(config).render(shot=SHOT, size=(320, 180), out_path=Path("/dev/null"))
    assert (busy.value.code, busy.value.retryable) == ("provider_server_error", True)


def test_elevenlabs_speaks_each_cast_voice_with_its_own_voice_id(elevenlabs):
    config = FilmConfig().replace(
        elevenlabs={"api_key": elevenlabs.key, "base_url": elevenlabs.base_url}
    )
    provider = get_provider("voice", "elevenlabs", config)
    assert isinstance(provider, ElevenLabsProvider)
    samples = provider.synthesize(text="Mara, the radio is dead.", profile=VOICES["woman_old"])
    # the fake's tone is 0.06 s a character; 24 kHz PCM resampled to 48 kHz, silence trimmed
    assert abs(samples.size / SAMPLE_RATE - 0.06 * len("Mara, the radio is dead.")) < 0.1
    assert np.abs(samples).max() > 0.2
    provider.synthesize(text="Go.", profile=VOICES["man"], delivery=delivery_for("shouting", "Go."))
    first, second = elevenlabs.requests
    ids = dict(config.elevenlabs.voices)
    assert first.path == f"/v1/text-to-speech/{ids['woman_old']}"
    assert second.path == f"/v1/text-to-speech/{ids['man']}"
    assert first.query["output_format"] == ["pcm_24000"]
    assert first.headers["xi-api-key"] == elevenlabs.key
    assert first.json["model_id"] == config.elevenlabs.model
    assert second.json["voice_settings"]["style"] > first.json["voice_settings"]["style"]


def test_elevenlabs_without_a_key_is_piper(caplog):
    assert isinstance(get_provider("voice", "elevenlabs", FilmConfig()), PiperProvider)
    assert "ELEVENLABS_API_KEY is empty" in caplog.text
