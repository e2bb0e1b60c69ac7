"""OpenAI providers (moderation, images, TTS) against a local server speaking the protocol."""

from __future__ import annotations

import logging
import wave
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from film.audio import SAMPLE_RATE, read_wav, write_wav
from film.camera import Segment, frame_count, render_segment
from film.config import FilmConfig, OpenAIConfig
from film.errors import ProviderError
from film.providers.images import ShotContext
from film.providers.images.openai import OpenAIImageProvider
from film.providers.images.scenery import SceneryProvider
from film.providers.moderation.local import LocalModeration
from film.providers.moderation.openai import OpenAIModeration
from film.providers.openai_client import openai_client
from film.providers.registry import get_provider
from film.providers.voice import VoiceProfile
from film.providers.voice.openai import OpenAITTSProvider
from film.staging import still_layers

# Provider accessors cache per process; each test here decides its own configuration.
pytestmark = pytest.mark.usefixtures("fresh_providers")


def a_shot(**overrides) -> ShotContext:
    fields = {
        "index": 2,
        "kind": "action",
        "heading": "EXT. LIGHTHOUSE - NIGHT",
        "int_ext": "EXT",
        "location": "LIGHTHOUSE",
        "time_of_day": "NIGHT",
        "caption": "Waves break against the rocks.",
        "characters": ["MARA"],
    }
    return ShotContext(**(fields | overrides))


# --- the client -------------------------------------------------------------------------------


def test_client_uses_base_url_key_and_timeout_from_the_config(openai_config, openai_server):
    # given a configuration pointing at the local server
    config = openai_config.replace(openai={"timeout_seconds": 7.5})
    # when a client is built and used
    client = openai_client(config.openai)
    client.moderations.create(model="omni-moderation-latest", input="hello")
    # then it went to that server with the key as a bearer token, with the configured timeout
    assert str(client.base_url).rstrip("/") == openai_server.base_url
    assert client.timeout == 7.5
    assert client.max_retries == 1
    (request,) = openai_server.requests
    assert request.path == "/v1/moderations"
    assert request.headers["authorization"] == f"Bearer {openai_server.api_key}"


def test_no_key_builds_no_client():
    assert openai_client(OpenAIConfig(api_key="")) is None


def test_wrong_key_is_a_non_retryable_provider_error(openai_config, openai_server):
    config = openai_config.replace(openai={"api_key": "sk-wrong"})
    with pytest.raises(ProviderError) as caught:
        OpenAIModeration(config).moderate(["hello"])
    assert caught.value.code == "provider_rejected"
    assert caught.value.status == 401
    assert caught.value.retryable is False
    assert "Incorrect API key" in str(caught.value)
    assert len(openai_server.requests) == 1  # a 401 is not retried


# --- moderation ------------------------------------------------------------------------------


def test_openai_moderation_names_the_flagged_categories(openai_config, openai_server):
    # given a server that flags "stab" as violence and "hate" as hate
    openai_server.flag_words = {"stab": "violence", "slur": "hate"}
    config = openai_config.replace(openai={"moderation_model": "omni-moderation-2024-09-26"})
    texts = ["A quiet morning.", "I will STAB you.", "The sea is calm."]
    # when the script's lines are moderated
    result = get_provider("moderation", "openai", config).moderate(texts)
    # then the offending line and its category (with the service's score) are reported
    assert result.provider == "openai"
    assert result.flagged is True
    assert result.categories == {"violence": pytest.approx(0.91)}
    assert result.offending == ["I will STAB you."]
    (request,) = openai_server.requests_to("/v1/moderations")
    assert request.json == {"model": "omni-moderation-2024-09-26", "input": texts}


def test_openai_moderation_passes_clean_text_and_batches_long_scripts(openai_config, openai_server):
    texts = [f"Line number {i} is harmless." for i in range(70)]
    result = get_provider("moderation", "openai", openai_config).moderate(texts)
    assert (result.flagged, result.categories, result.offending) == (False, {}, [])
    # 70 lines in batches of 32
    assert [len(r.json["input"]) for r in openai_server.requests] == [32, 32, 6]


def test_openai_moderation_uses_slash_category_names(openai_config, openai_server):
    openai_server.flag_words = {"gore": "violence/graphic"}
    result = OpenAIModeration(openai_config).moderate(["Gore everywhere."])
    assert set(result.categories) == {"violence/graphic"}


# --- images ----------------------------------------------------------------------------------


def test_openai_image_is_a_frame_sized_png_usable_by_the_clip_stage(
    openai_config, openai_server, tmp_path: Path
):
    # given the OpenAI image provider and an enriched prompt on the shot
    config = openai_config.replace(openai={"image_model": "gpt-image-1-mini"})
    provider = get_provider("image", "openai", config)
    assert isinstance(provider, OpenAIImageProvider)
    still = tmp_path / "still.png"
    # when one 16:9 still is rendered
    provider.render(
        shot=a_shot(prompt="A lighthouse at night, wide shot"), size=(320, 180), out_path=still
    )
    # then the request carried the prompt, a landscape size and the model
    (request,) = openai_server.requests_to("/v1/images/generations")
    assert request.json["prompt"] == "A lighthouse at night, wide shot"
    assert request.json["size"] == "1536x1024"
    assert request.json["model"] == "gpt-image-1-mini"
    # and the still is a valid PNG of exactly the frame size
    with Image.open(still) as image:
        image.verify()
    with Image.open(still) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (320, 180), "RGB")
        # the server's picture (a yellow disc on blue), not a blank frame
        assert image.getpixel((160, 90))[0] > 200 and image.getpixel((5, 5))[2] > 100
    # and the clip stage turns it into a video of the planned length
    clip = tmp_path / "clip.h264"
    with Image.open(still) as image:
        layers = still_layers(image, (320, 180))
    render_segment(
        layers,
        Segment(6, "push_in"),
        size=(320, 180),
        fps=24,
        out_path=clip,
        work=tmp_path / "work",
        tiles=tmp_path / "tiles",
    )
    assert frame_count(clip) == 6


def test_openai_image_without_prompt_describes_the_shot(openai_config, openai_server, tmp_path):
    OpenAIImageProvider(openai_config).render(
        shot=a_shot(), size=(90, 160), out_path=tmp_path / "s.png"
    )
    (request,) = openai_server.requests
    assert request.json["size"] == "1024x1536"  # portrait frame -> portrait request
    assert "EXT. LIGHTHOUSE - NIGHT" in request.json["prompt"]
    assert "Waves break against the rocks." in request.json["prompt"]
    assert Image.open(tmp_path / "s.png").size == (90, 160)


def test_image_server_errors_are_retried_once_then_raise_a_provider_error(
    openai_config, openai_server, tmp_path
):
    # given a server failing twice with 500: the client's one retry is not enough
    openai_server.fail_next(500, times=2)
    with pytest.raises(ProviderError) as caught:
        OpenAIImageProvider(openai_config).render(
            shot=a_shot(), size=(64, 36), out_path=tmp_path / "x.png"
        )
    # then the stage gets a retryable error with a stable code
    assert caught.value.code == "provider_server_error"
    assert caught.value.retryable is True
    assert caught.value.stage == "images"
    assert len(openai_server.requests) == 2
    assert not (tmp_path / "x.png").exists()


def test_a_reply_without_a_usable_image_is_a_retryable_provider_error(
    openai_config, openai_server, monkeypatch, tmp_path
):
    # given a server answering with bytes that are no picture
    monkeypatch.setattr(
        openai_server, "images", lambda body: {"created": 0, "data": [{"b64_json": "bm9wZQ=="}]}
    )
    with pytest.raises(ProviderError) as caught:
        OpenAIImageProvider(openai_config).render(
            shot=a_shot(), size=(64, 36), out_path=tmp_path / "x.png"
        )
    assert (caught.value.stage, caught.value.code) == ("images", "provider_bad_response")
    assert caught.value.retryable is True
    assert "no usable image" in str(caught.value)


def test_a_single_rate_limit_is_absorbed_by_the_client_retry(
    openai_config, openai_server, tmp_path
):
    openai_server.fail_next(429)
    OpenAIImageProvider(openai_config).render(
        shot=a_shot(), size=(64, 36), out_path=tmp_path / "x.png"
    )
    assert len(openai_server.requests) == 2
    assert Image.open(tmp_path / "x.png").size == (64, 36)


def test_persistent_rate_limit_is_a_retryable_provider_error(
    openai_config, openai_server, tmp_path
):
    openai_server.fail_next(429, times=5)
    with pytest.raises(ProviderError) as caught:
        OpenAIImageProvider(openai_config).render(
            shot=a_shot(), size=(64, 36), out_path=tmp_path / "x.png"
        )
    assert (caught.value.code, caught.value.status) == ("provider_rate_limited", 429)


def test_unreachable_server_is_a_retryable_provider_error(openai_config, tmp_path):
    # a port nothing listens on (the fake was stopped)
    from tests.fakes.openai_server import running_fake_openai

    with running_fake_openai() as gone:
        dead_url = gone.base_url
    config = openai_config.replace(openai={"base_url": dead_url, "max_retries": 0})
    with pytest.raises(ProviderError) as caught:
        OpenAIImageProvider(config).render(
            shot=a_shot(), size=(64, 36), out_path=tmp_path / "x.png"
        )
    assert caught.value.code == "provider_unreachable"
    assert caught.value.retryable is True


# --- text to speech --------------------------------------------------------------------------


def test_openai_tts_gives_48khz_audio_as_long_as_the_speech(openai_config, openai_server, tmp_path):
    # given a server whose speech lasts 0.05 s per character (24 kHz WAV, padded with silence)
    config = openai_config.replace(openai={"tts_model": "gpt-4o-mini-tts"})
    provider = get_provider("voice", "openai", config)
    assert isinstance(provider, OpenAITTSProvider)
    text = "The light must never go out."  # 28 characters -> 1.4 s of speech
    # when a line is synthesised and written as the voices stage does
    samples = provider.synthesize(text=text, profile=VoiceProfile(slot=3, pitch=1.0, pace=1.0))
    write_wav(tmp_path / "line.wav", samples)
    # then the WAV is 48 kHz mono, with the padding trimmed: its length is the speech
    with wave.open(str(tmp_path / "line.wav")) as wav:
        assert (wav.getframerate(), wav.getnchannels()) == (SAMPLE_RATE, 1)
        duration = wav.getnframes() / wav.getframerate()
    assert duration == pytest.approx(len(text) * 0.05, abs=0.06)
    decoded, rate = read_wav(tmp_path / "line.wav")
    assert rate == SAMPLE_RATE and np.abs(decoded).max() > 0.3
    # and the request named the model, a voice for the slot and WAV
    (request,) = openai_server.requests_to("/v1/audio/speech")
    assert request.json["model"] == "gpt-4o-mini-tts"
    assert request.json["voice"] == "echo"  # slot 3
    assert request.json["response_format"] == "wav"
    assert request.json["input"] == text


def test_openai_tts_pace_shortens_the_line(openai_config, openai_server):
    provider = OpenAITTSProvider(openai_config)
    text = "Twenty characters!!!"
    slow = provider.synthesize(text=text, profile=VoiceProfile(slot=0, pitch=1.0, pace=1.0))
    fast = provider.synthesize(text=text, profile=VoiceProfile(slot=0, pitch=1.0, pace=2.0))
    assert [r.json["speed"] for r in openai_server.requests] == [1.0, 2.0]
    assert fast.size / SAMPLE_RATE == pytest.approx(slow.size / SAMPLE_RATE / 2, abs=0.06)


def test_fake_speaks_raw_pcm_too(openai_config, openai_server):
    # The pcm format is 16-bit 24 kHz mono with no header: length tells the duration.
    response = openai_client(openai_config.openai).audio.speech.create(
        model="gpt-4o-mini-tts", voice="alloy", input="x" * 20, response_format="pcm"
    )
    data = response.read()
    assert len(data) == 2 * int(24_000 * (20 * 0.05 + 2 * 0.1))


def test_tts_server_error_becomes_a_voices_provider_error(openai_config, openai_server):
    openai_server.fail_next(503, times=2)
    with pytest.raises(ProviderError) as caught:
        OpenAITTSProvider(openai_config).synthesize(text="Hi.", profile=VoiceProfile(0, 1.0, 1.0))
    assert (caught.value.stage, caught.value.code, caught.value.status) == (
        "voices",
        "provider_server_error",
        503,
    )


# --- no key: the local providers, no network -------------------------------------------------


def test_openai_providers_without_a_key_are_the_local_ones(openai_server, monkeypatch, caplog):
    # given the OpenAI providers selected but no key (and a reachable server, to prove silence)
    config = FilmConfig().replace(openai={"api_key": "", "base_url": openai_server.base_url})
    import openai

    def no_client(*args, **kwargs):
        raise AssertionError("an OpenAI client was constructed without a key")

    monkeypatch.setattr(openai, "OpenAI", no_client)
    monkeypatch.setattr("film.providers.voice.piper.load_piper_voice", lambda: object())
    # when the pipeline asks for them
    with caplog.at_level(logging.WARNING):
        image = get_provider("image", "openai", config)
        moderation = get_provider("moderation", "openai", config)
        voice = get_provider("voice", "openai", config)
    # then it gets the offline ones, says so, and nothing was sent
    assert isinstance(image, SceneryProvider)
    assert isinstance(moderation, LocalModeration)
    assert voice.name == "piper"
    assert "OPENAI_API_KEY is empty" in caplog.text
    assert openai_server.requests == []


def test_the_model_is_part_of_the_cache_version(openai_config):
    # Cache keys hold provider name + version: a new model must not reuse old stills or lines.
    config = openai_config.replace(openai={"image_model": "model-a", "tts_model": "voice-a"})
    first = (OpenAIImageProvider(config).version, OpenAITTSProvider(config).version)
    config = openai_config.replace(openai={"image_model": "model-b", "tts_model": "voice-b"})
    second = (OpenAIImageProvider(config).version, OpenAITTSProvider(config).version)
    assert first[0] != second[0] and first[1] != second[1]
