"""The film engine's configuration, built from Django settings (`filmstudio/settings/pipeline.py`).

The one place settings become a `film.config.FilmConfig`: the job stages, moderation and
`make_film` all take theirs from `film_config()`. It reads settings on every call, so an
override (a test's `settings` fixture) applies at once.
"""

from pathlib import Path

from django.conf import settings

from film.breakdown import Breakdown
from film.config import (
    ElevenLabsConfig,
    FilmConfig,
    ModerationConfig,
    OpenAIConfig,
    ProviderConfig,
    RenderConfig,
    ScriptConfig,
    StockConfig,
)
from film.fountain import validate_script as parse_script


def film_config() -> FilmConfig:
    s = settings
    return FilmConfig(
        script=ScriptConfig(
            max_bytes=s.FILM_SCRIPT_MAX_BYTES,
            max_lines=s.FILM_SCRIPT_MAX_LINES,
            max_film_minutes=s.FILM_MAX_FILM_MINUTES,
            max_shots=s.FILM_MAX_SHOTS,
            enrichment=s.FILM_ENRICHMENT,
        ),
        providers=ProviderConfig(
            image=s.FILM_IMAGE_PROVIDER,
            voice=s.FILM_VOICE_PROVIDER,
            voice_fallback=s.FILM_VOICE_FALLBACK,
            moderation=s.FILM_MODERATION_PROVIDER,
            diffusers_model=s.FILM_DIFFUSERS_MODEL,
        ),
        openai=OpenAIConfig(
            api_key=s.OPENAI_API_KEY,
            base_url=s.FILM_OPENAI_BASE_URL,
            chat_model=s.FILM_OPENAI_CHAT_MODEL,
            image_model=s.FILM_OPENAI_IMAGE_MODEL,
            tts_model=s.FILM_OPENAI_TTS_MODEL,
            moderation_model=s.FILM_OPENAI_MODERATION_MODEL,
            timeout_seconds=s.FILM_OPENAI_TIMEOUT_SECONDS,
            max_retries=s.FILM_OPENAI_MAX_RETRIES,
        ),
        moderation=ModerationConfig(
            blocklist=tuple(s.FILM_MODERATION_BLOCKLIST),
            profanity_threshold=s.FILM_PROFANITY_THRESHOLD,
        ),
        render=RenderConfig(
            fps=s.FILM_FPS,
            aspect=s.FILM_DEFAULT_ASPECT,
            shot_pause_seconds=s.FILM_SHOT_PAUSE_SECONDS,
            line_gap_seconds=s.FILM_LINE_GAP_SECONDS,
            x264_preset=s.FILM_X264_PRESET,
            x264_crf=s.FILM_X264_CRF,
            captions=s.FILM_CAPTIONS,
            music=s.FILM_MUSIC_ENABLED,
            loudness_target_lufs=s.FILM_LOUDNESS_TARGET_LUFS,
            true_peak_dbtp=s.FILM_TRUE_PEAK_DBTP,
            intro_seconds=s.FILM_INTRO_SECONDS,
            outro_seconds=s.FILM_OUTRO_SECONDS,
        ),
        stock=StockConfig(
            api_key=s.FILM_STOCK_API_KEY,
            base_url=s.FILM_STOCK_BASE_URL,
            timeout_seconds=s.FILM_STOCK_TIMEOUT_SECONDS,
        ),
        elevenlabs=ElevenLabsConfig(
            api_key=s.ELEVENLABS_API_KEY,
            base_url=s.FILM_ELEVENLABS_BASE_URL,
            model=s.FILM_ELEVENLABS_MODEL,
            timeout_seconds=s.FILM_ELEVENLABS_TIMEOUT_SECONDS,
            voices=tuple(s.FILM_ELEVENLABS_VOICES.items()) or ElevenLabsConfig.voices,
        ),
    )


def film_cache_dir() -> Path:
    """The render cache every film worker shares."""
    return Path(settings.FILM_CACHE_DIR)


def validate_script(text: str | bytes) -> Breakdown:
    """The engine's `validate_script` under this site's script limits (raises ScriptError)."""
    return parse_script(text, limits=film_config().script)
