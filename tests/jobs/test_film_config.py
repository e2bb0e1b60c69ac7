"""The film engine's configuration comes from settings, in one place (`jobs.film_config`)."""

import importlib.util

import pytest

from film.config import FilmConfig
from filmstudio.settings import pipeline as pipeline_settings
from jobs.film_config import film_config, validate_script
from jobs.film_stages import _film_run
from jobs.models import Job
from tests.factories import ProjectFactory

# Every setting of filmstudio/settings/pipeline.py the engine reads, the field it becomes,
# and a value none of them has by default.
SETTINGS = {
    "FILM_SCRIPT_MAX_BYTES": ("script", "max_bytes", 1234),
    "FILM_SCRIPT_MAX_LINES": ("script", "max_lines", 7),
    "FILM_ENRICHMENT": ("script", "enrichment", "off"),
    "FILM_IMAGE_PROVIDER": ("providers", "image", "openai"),
    "FILM_VOICE_PROVIDER": ("providers", "voice", "espeak"),
    "FILM_VOICE_FALLBACK": ("providers", "voice_fallback", "none"),
    "FILM_MODERATION_PROVIDER": ("providers", "moderation", "openai"),
    "FILM_DIFFUSERS_MODEL": ("providers", "diffusers_model", "/models/sd"),
    "OPENAI_API_KEY": ("openai", "api_key", "sk-test"),
    "FILM_OPENAI_BASE_URL": ("openai", "base_url", "http://127.0.0.1:9/v1"),
    "FILM_OPENAI_CHAT_MODEL": ("openai", "chat_model", "chat-x"),
    "FILM_OPENAI_IMAGE_MODEL": ("openai", "image_model", "image-x"),
    "FILM_OPENAI_TTS_MODEL": ("openai", "tts_model", "tts-x"),
    "FILM_OPENAI_MODERATION_MODEL": ("openai", "moderation_model", "mod-x"),
    "FILM_OPENAI_TIMEOUT_SECONDS": ("openai", "timeout_seconds", 3.5),
    "FILM_OPENAI_MAX_RETRIES": ("openai", "max_retries", 4),
    "FILM_MODERATION_BLOCKLIST": ("moderation", "blocklist", ("kraken",)),
    "FILM_PROFANITY_THRESHOLD": ("moderation", "profanity_threshold", 0.5),
    "FILM_FPS": ("render", "fps", 30),
    "FILM_DEFAULT_ASPECT": ("render", "aspect", "9:16"),
    "FILM_SHOT_PAUSE_SECONDS": ("render", "shot_pause_seconds", 0.7),
    "FILM_LINE_GAP_SECONDS": ("render", "line_gap_seconds", 0.1),
    "FILM_X264_PRESET": ("render", "x264_preset", "slow"),
    "FILM_X264_CRF": ("render", "x264_crf", 18),
    "FILM_MUSIC_ENABLED": ("render", "music", False),
    "FILM_LOUDNESS_TARGET_LUFS": ("render", "loudness_target_lufs", -16.0),
    "FILM_TRUE_PEAK_DBTP": ("render", "true_peak_dbtp", -2.0),
    "FILM_MAX_FILM_MINUTES": ("script", "max_film_minutes", 5.0),
    "FILM_MAX_SHOTS": ("script", "max_shots", 12),
    "FILM_CAPTIONS": ("render", "captions", "dialogue"),
    "FILM_INTRO_SECONDS": ("render", "intro_seconds", 1.5),
    "FILM_OUTRO_SECONDS": ("render", "outro_seconds", 2.5),
    "FILM_STOCK_API_KEY": ("stock", "api_key", "px-test"),
    "FILM_STOCK_BASE_URL": ("stock", "base_url", "http://127.0.0.1:9/stock"),
    "FILM_STOCK_TIMEOUT_SECONDS": ("stock", "timeout_seconds", 4.0),
    "ELEVENLABS_API_KEY": ("elevenlabs", "api_key", "xi-test"),
    "FILM_ELEVENLABS_BASE_URL": ("elevenlabs", "base_url", "http://127.0.0.1:9/xi"),
    "FILM_ELEVENLABS_MODEL": ("elevenlabs", "model", "eleven-x"),
    "FILM_ELEVENLABS_TIMEOUT_SECONDS": ("elevenlabs", "timeout_seconds", 5.0),
}


def test_every_engine_setting_reaches_its_field(settings):
    for name, (_, _, value) in SETTINGS.items():
        setattr(settings, name, list(value) if isinstance(value, tuple) else value)
    settings.FILM_ELEVENLABS_VOICES = {"narrator": "voice-n", "woman": "voice-w"}

    config = film_config()

    for name, (section, field, value) in SETTINGS.items():
        assert getattr(getattr(config, section), field) == value, name
    # and the table above covers every field of the configuration
    assert config.elevenlabs.voices == (("narrator", "voice-n"), ("woman", "voice-w"))
    fields = {(s, f) for s, f, _ in SETTINGS.values()} | {("elevenlabs", "voices")}
    assert fields == {
        (section, field)
        for section in FilmConfig.__dataclass_fields__
        for field in getattr(FilmConfig(), section).__dataclass_fields__
    }


def test_the_settings_defaults_are_the_engines_defaults(settings, monkeypatch):
    # given the settings module read afresh with none of its variables in the environment
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    spec = importlib.util.spec_from_file_location(
        "filmstudio.settings._pipeline_defaults", pipeline_settings.__file__
    )
    defaults = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(defaults)
    for name in SETTINGS:
        setattr(settings, name, getattr(defaults, name))
    # then the configuration built from them is the engine's own default one
    assert film_config() == FilmConfig()


def test_scripts_are_checked_against_the_sites_limits(settings):
    from film.errors import ScriptError

    settings.FILM_SCRIPT_MAX_LINES = 1
    with pytest.raises(ScriptError) as refused:
        validate_script("INT. ROOM - DAY\n\nOne.\n\nTwo.\n")
    assert refused.value.code == "too_long"


@pytest.mark.django_db
def test_a_film_is_made_with_its_projects_sources_and_captions_unless_the_job_says(user):
    # given a project asking for stock pictures, OpenAI voices and dialogue-only captions
    project = ProjectFactory(
        owner=user, picture_source="stock", voice_source="openai", captions="dialogue"
    )
    job = Job.objects.create(owner=user, project=project, type="full_generation", cost=0)
    # then its film run asks for them
    run = _film_run(job)
    assert (run.picture_source, run.voice_source, run.captions) == ("stock", "openai", "dialogue")
    # and a job's own captions parameter wins over the project's
    job.parameters = {"captions": "all"}
    assert _film_run(job).captions == "all"
