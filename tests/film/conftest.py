"""Fixtures for the film engine tests: the example film rendered once per session, and an
engine configuration pointing at a local server speaking the OpenAI protocol."""

from __future__ import annotations

from pathlib import Path

import pytest

from film.config import FilmConfig
from film.pipeline import FilmResult, render_film
from film.workspace import FilmRun, load_manifest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="session")
def lighthouse_text() -> str:
    return (EXAMPLES / "the_lighthouse.fountain").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def voice_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Cache shared by the session's renders, so each line is synthesised once."""
    return tmp_path_factory.mktemp("film-cache")


@pytest.fixture(scope="session")
def full_film(
    tmp_path_factory: pytest.TempPathFactory, lighthouse_text: str, voice_cache: Path
) -> tuple[FilmResult, dict]:
    """The example at full 1080p with music: the delivery-format film."""
    root = tmp_path_factory.mktemp("full")
    result = render_film(
        FilmRun(
            work_dir=root / "work",
            cache_dir=voice_cache,
            script=lighthouse_text,
            aspect="16:9",
            out_path=root / "lighthouse.mp4",
        )
    )
    return result, load_manifest(root / "work")


@pytest.fixture(scope="session")
def speech_only_film(
    tmp_path_factory: pytest.TempPathFactory, lighthouse_text: str, voice_cache: Path
) -> tuple[FilmResult, dict]:
    """The example small and without music, so voice onsets can be measured in its audio."""
    root = tmp_path_factory.mktemp("speech")
    result = render_film(
        FilmRun(
            work_dir=root / "work",
            cache_dir=voice_cache,
            script=lighthouse_text,
            out_path=root / "speech.mp4",
            size=(320, 180),
            music=False,
        )
    )
    return result, load_manifest(root / "work")


@pytest.fixture
def openai_server():
    """A local server speaking the OpenAI protocol (OpenAI itself is unreachable here)."""
    from tests.fakes.openai_server import running_fake_openai

    with running_fake_openai() as server:
        yield server


@pytest.fixture
def openai_config(openai_server) -> FilmConfig:
    """An engine configuration pointing the OpenAI client at the local server, with its key."""
    return FilmConfig().replace(
        openai={
            "api_key": openai_server.api_key,
            "base_url": openai_server.base_url,
            "timeout_seconds": 5.0,
            "max_retries": 1,
        }
    )


@pytest.fixture
def fresh_providers():
    """Forget the providers built so far (they are cached per process), before and after."""
    from film.providers.registry import get_provider

    get_provider.cache_clear()
    yield
    get_provider.cache_clear()
