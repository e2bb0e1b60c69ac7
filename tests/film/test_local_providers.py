"""Offline providers: espeak-ng, Piper->espeak fallback, local moderation, the diffusers slot."""

from __future__ import annotations

import importlib.util
import logging

import numpy as np
import pytest

from film.audio import SAMPLE_RATE, trim_silence
from film.config import FilmConfig
from film.errors import ProviderConfigError
from film.providers import registry
from film.providers.moderation.local import LocalModeration
from film.providers.registry import available, get_provider
from film.providers.voice import VoiceProfile
from film.providers.voice.espeak import EspeakProvider
from film.providers.voice.piper import PiperProvider

NEUTRAL = VoiceProfile(slot=0, pitch=1.0, pace=1.0)
DEFAULTS = FilmConfig()


def voice_fallback(fallback: str) -> FilmConfig:
    return DEFAULTS.replace(providers={"voice_fallback": fallback})


# Provider accessors cache per process; each test here decides its own configuration.
pytestmark = pytest.mark.usefixtures("fresh_providers")


def piper_cannot_load(monkeypatch) -> None:
    def broken_loader():
        raise ImportError("No module named 'onnxruntime'")

    monkeypatch.setattr("film.providers.voice.piper.load_piper_voice", broken_loader)


# --- espeak-ng -------------------------------------------------------------------------------


def test_espeak_speaks_a_sentence_at_48khz_with_a_plausible_length():
    # given a ten-word sentence (espeak's default 165 words/minute -> ~3.6 s)
    text = "The keeper climbs the stairs to light the lamp tonight."
    provider = EspeakProvider()
    # when it is synthesised
    samples = provider.synthesize(text=text, profile=NEUTRAL)
    # then it is real audio of a plausible length at 48 kHz
    seconds = samples.size / SAMPLE_RATE
    assert samples.dtype == np.float32
    assert 2.0 < seconds < 6.0
    assert np.abs(samples).max() > 0.1
    # and it is espeak's own output resampled to 48 kHz: the native samples, trimmed the
    # same way, last as long (a missing or doubled resample would be off by 2x or more)
    native = trim_silence(np.concatenate(EspeakProvider._buffer) / 32768.0, rate=provider._rate)
    assert provider._rate != SAMPLE_RATE
    assert seconds == pytest.approx(native.size / provider._rate, abs=0.05)


def test_espeak_pace_changes_the_length():
    provider = EspeakProvider()
    text = "A slow line and then a fast line."
    normal = provider.synthesize(text=text, profile=NEUTRAL).size
    fast = provider.synthesize(text=text, profile=VoiceProfile(slot=0, pitch=1.0, pace=1.5)).size
    assert fast < 0.85 * normal


# --- Piper -> espeak fallback ----------------------------------------------------------------


def test_piper_that_cannot_load_falls_back_to_espeak_with_a_warning(monkeypatch, caplog):
    # given the default fallback and a Piper voice that cannot load
    config = voice_fallback("espeak")
    piper_cannot_load(monkeypatch)
    # when the pipeline asks for Piper
    with caplog.at_level(logging.WARNING, logger="film.providers.registry"):
        provider = get_provider("voice", "piper", config)
    # then it gets espeak (whose name goes into cache keys), and the log says why
    assert isinstance(provider, EspeakProvider)
    assert provider.name == "espeak"
    assert "Piper voice cannot load" in caplog.text
    assert "onnxruntime" in caplog.text
    assert provider.synthesize(text="Still speaking.", profile=NEUTRAL).size > SAMPLE_RATE // 4


def test_the_default_fallback_is_espeak(monkeypatch):
    assert DEFAULTS.providers.voice_fallback == "espeak"
    piper_cannot_load(monkeypatch)
    assert get_provider("voice", "piper", DEFAULTS).name == "espeak"


def test_fallback_none_fails_with_a_clear_configuration_error(monkeypatch):
    piper_cannot_load(monkeypatch)
    with pytest.raises(ProviderConfigError, match="Piper voice cannot load.*FALLBACK=none") as e:
        get_provider("voice", "piper", voice_fallback("none"))
    assert e.value.code == "provider_unavailable"


def test_piper_that_loads_is_used(monkeypatch):
    monkeypatch.setattr("film.providers.voice.piper.load_piper_voice", lambda: object())
    assert isinstance(get_provider("voice", "piper", voice_fallback("espeak")), PiperProvider)


# --- local moderation ------------------------------------------------------------------------


def test_local_moderation_flags_obvious_profanity():
    result = LocalModeration(blocklist=[]).moderate(
        ["The tide comes in.", "Shut up you fucking piece of shit."]
    )
    assert result.flagged is True
    assert result.provider == "local"
    assert set(result.categories) == {"profanity"}
    assert result.categories["profanity"] >= 0.8
    assert result.offending == ["Shut up you fucking piece of shit."]


def test_clean_text_passes_local_moderation():
    result = LocalModeration(blocklist=["kraken"]).moderate(
        ["The keeper climbs the stairs.", "Damn, the lamp is out.", "The light must never go out."]
    )
    assert (result.flagged, result.categories, result.offending) == (False, {}, [])


def test_blocklist_from_the_config_matches_whole_words_in_any_case():
    # given a blocklist configured like FILM_MODERATION_BLOCKLIST=Kraken,sea monster
    config = DEFAULTS.replace(moderation={"blocklist": ["Kraken", " sea monster "]})
    provider = get_provider("moderation", "local", config)
    texts = [
        "The KRAKEN rises!",
        "Krakens are a myth.",  # another word: not a match
        "A Sea Monster, surely.",
        "Seamonster is one word here.",
        "The sea is calm.",
    ]
    # when the lines are moderated
    result = provider.moderate(texts)
    # then the listed words flag their lines, case-insensitively, on word boundaries only
    assert result.flagged is True
    assert result.categories == {"blocklist": 1.0}
    assert result.offending == ["The KRAKEN rises!", "A Sea Monster, surely."]


def test_local_moderation_of_nothing_is_clean():
    assert LocalModeration(blocklist=["x"]).moderate([]).flagged is False


# --- diffusers slot --------------------------------------------------------------------------


@pytest.mark.skipif(
    importlib.util.find_spec("diffusers") is not None and importlib.util.find_spec("torch"),
    reason="diffusers and torch are installed on this machine",
)
def test_without_diffusers_the_slot_is_absent_and_selecting_it_is_a_config_error():
    assert "diffusers" not in available("image")
    with pytest.raises(ProviderConfigError) as caught:
        get_provider("image", "diffusers", DEFAULTS)
    message = str(caught.value)
    assert "diffusers" in message and "torch" in message and "not installed" in message
    assert caught.value.code == "provider_unavailable"


def test_diffusers_slot_needs_both_packages(monkeypatch):
    real = importlib.util.find_spec

    def only(*present):
        def find_spec(name, *args):
            if name in ("diffusers", "torch"):
                return object() if name in present else None
            return real(name, *args)

        return find_spec

    diffusers = registry.ENGINES["image", "diffusers"]
    monkeypatch.setattr(importlib.util, "find_spec", only("diffusers", "torch"))
    assert registry.installed(diffusers) is True
    monkeypatch.setattr(importlib.util, "find_spec", only("diffusers"))
    assert registry.installed(diffusers) is False
    monkeypatch.setattr(importlib.util, "find_spec", only("torch"))
    assert registry.installed(diffusers) is False


def test_unknown_image_provider_is_a_value_error_listing_the_known_ones():
    with pytest.raises(ValueError, match="known: .*storyboard"):
        get_provider("image", "midjourney", DEFAULTS)


def test_a_registered_diffusers_that_cannot_start_is_a_config_error(monkeypatch):
    # given the slot offered (as on a host where find_spec saw the packages) but torch
    # failing to import for real, as here
    if importlib.util.find_spec("torch") is not None:
        pytest.skip("torch is installed on this machine")
    monkeypatch.setattr(registry, "installed", lambda engine: True)
    with pytest.raises(ProviderConfigError, match="diffusers: cannot start.*torch"):
        get_provider("image", "diffusers", DEFAULTS)
