"""Fixtures for the film pipeline tests: the example film rendered once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobs.pipeline.film import FilmResult, load_manifest, render_film

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
        lighthouse_text,
        aspect="16:9",
        out_path=root / "lighthouse.mp4",
        work_dir=root / "work",
        cache_dir=voice_cache,
    )
    return result, load_manifest(root / "work")


@pytest.fixture(scope="session")
def speech_only_film(
    tmp_path_factory: pytest.TempPathFactory, lighthouse_text: str, voice_cache: Path
) -> tuple[FilmResult, dict]:
    """The example small and without music, so voice onsets can be measured in its audio."""
    root = tmp_path_factory.mktemp("speech")
    result = render_film(
        lighthouse_text,
        out_path=root / "speech.mp4",
        work_dir=root / "work",
        cache_dir=voice_cache,
        size=(320, 180),
        music=False,
    )
    return result, load_manifest(root / "work")


@pytest.fixture
def openai_server():
    """A local server speaking the OpenAI protocol (OpenAI itself is unreachable here)."""
    from tests.fakes.openai_server import running_fake_openai

    with running_fake_openai() as server:
        yield server


@pytest.fixture
def openai_settings(settings, openai_server):
    """Settings pointing the OpenAI client at the local server, with its key."""
    settings.OPENAI_API_KEY = openai_server.api_key
    settings.FILM_OPENAI_BASE_URL = openai_server.base_url
    settings.FILM_OPENAI_TIMEOUT_SECONDS = 5.0
    settings.FILM_OPENAI_MAX_RETRIES = 1
    return settings


@pytest.fixture
def fresh_providers():
    """Forget the providers built so far (they are cached per process), before and after."""
    from jobs.providers.images import get_image_provider
    from jobs.providers.moderation import get_moderation_provider
    from jobs.providers.voice import get_voice_provider

    accessors = (get_image_provider, get_voice_provider, get_moderation_provider)
    for accessor in accessors:
        accessor.cache_clear()
    yield
    for accessor in accessors:
        accessor.cache_clear()
