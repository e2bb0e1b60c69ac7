"""A project's picture and voice sources: the engine each means on this machine. A source
whose key (or model, or package) is missing is made by the offline engine, never a crash."""

from __future__ import annotations

import pytest

from film.config import FilmConfig
from film.providers.registry import ENGINES, engine_for_source, installed
from film.steps.analyse import analyse
from film.workspace import FilmRun, load_manifest

KEYS = FilmConfig().replace(
    openai={"api_key": "sk-test"},
    stock={"api_key": "pexels-test"},
    elevenlabs={"api_key": "el-test"},
)


@pytest.mark.parametrize(
    ("kind", "source", "without_keys", "with_keys"),
    [
        ("image", "default", "scenery", "scenery"),
        ("image", "drawn", "scenery", "scenery"),
        ("image", "stock", "scenery", "stock"),
        ("image", "ai", "scenery", "openai"),
        ("voice", "default", "piper", "piper"),
        ("voice", "local", "piper", "piper"),
        ("voice", "openai", "piper", "openai"),
        ("voice", "elevenlabs", "piper", "elevenlabs"),
    ],
)
def test_a_source_is_its_engine_when_keyed_and_the_local_engine_otherwise(
    kind, source, without_keys, with_keys
) -> None:
    assert engine_for_source(kind, source, FilmConfig()) == without_keys
    assert engine_for_source(kind, source, KEYS) == with_keys


def test_default_is_the_sites_configured_engine() -> None:
    site = FilmConfig().replace(providers={"image": "stock", "voice": "espeak"})
    assert engine_for_source("image", "default", site) == "stock"
    assert engine_for_source("voice", "", site) == "espeak"


def test_ai_pictures_are_stable_diffusion_only_where_its_model_and_packages_are() -> None:
    with_model = KEYS.replace(providers={"diffusers_model": "/models/sd-tiny"})
    expected = "diffusers" if installed(ENGINES[("image", "diffusers")]) else "openai"
    assert engine_for_source("image", "ai", with_model) == expected
    # no weights configured: OpenAI's images (and the drawn scenery without a key)
    assert engine_for_source("image", "ai", KEYS) == "openai"
    no_key = with_model.replace(openai={"api_key": ""})
    assert engine_for_source("image", "ai", no_key) in ("diffusers", "scenery")


def test_an_unknown_source_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="midjourney"):
        engine_for_source("image", "midjourney", FilmConfig())


def test_a_film_asking_for_keyed_engines_without_keys_is_made_offline(tmp_path) -> None:
    # given a film that asks for stock pictures and ElevenLabs voices on a site with no keys
    run = FilmRun(
        work_dir=tmp_path / "work",
        cache_dir=tmp_path / "cache",
        script="EXT. PIER - DAY\n\nGulls wheel.\n",
        picture_source="stock",
        voice_source="elevenlabs",
        captions="dialogue",
    )
    # when it is analysed
    analyse(run)
    # then the frozen settings name the offline engines, and the captions mode holds
    frozen = load_manifest(run.work_dir)["config"]
    assert (frozen["image_provider"], frozen["voice_provider"]) == ("scenery", "piper")
    assert frozen["captions"] == "dialogue"


def test_a_captions_mode_nobody_offers_is_refused_before_anything_renders(tmp_path) -> None:
    run = FilmRun(
        work_dir=tmp_path / "work", cache_dir=tmp_path / "cache", script="Hello.", captions="some"
    )
    with pytest.raises(ValueError, match="captions"):
        analyse(run)
    assert not (tmp_path / "work").exists()
