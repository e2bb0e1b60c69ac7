"""The engine's configuration: one frozen object, passed in by the caller.

The engine reads no settings and no environment. Whoever calls it builds a `FilmConfig`
(FilmStudio does so from its settings in `jobs/film_config.py`); the defaults below are the
library's own, the values a film is made with when nobody says otherwise. Every section is
hashable, so a configuration can key the per-process provider cache.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ScriptConfig:
    """Script intake and analysis."""

    # ~120 pages of Fountain, a feature-length screenplay; anything bigger is refused before
    # parsing, so validating a script stays cheap enough for an API request.
    max_bytes: int = 200_000
    # Every line costs a voice and screen time; 600 lines is ~40 minutes of film.
    max_lines: int = 600
    # The longest film one job renders, estimated from the words before anything renders
    # (a render takes about half the film's length on 2 cores: 30 minutes is ~15 minutes of
    # a worker), and the most shots (each is at least one clip to encode).
    max_film_minutes: float = 30.0
    max_shots: int = 400
    # "auto": a chat model writes shot descriptions and image prompts when an OpenAI key is
    # set; "off": never (see `film.enrichment`).
    enrichment: str = "auto"


@dataclass(frozen=True)
class ProviderConfig:
    """Which engine does each kind of work (names of `film.providers.registry`)."""

    image: str = "scenery"  # scenery | openai | diffusers | stock
    voice: str = "piper"  # piper | espeak | openai | elevenlabs
    # What "piper" becomes when its voice cannot load: "espeak" keeps films rendering with a
    # robotic but intelligible voice; "none" fails instead.
    voice_fallback: str = "espeak"
    moderation: str = "local"  # local | openai
    # Local model directory for the "diffusers" image engine (never downloaded).
    diffusers_model: str = ""


@dataclass(frozen=True)
class OpenAIConfig:
    """An OpenAI-compatible API. Without a key no client is built and nothing is sent: every
    "openai" engine is replaced by its kind's local one and enrichment is skipped."""

    api_key: str = field(default="", repr=False)
    base_url: str = "https://api.openai.com/v1"
    chat_model: str = "gpt-4o-mini"
    image_model: str = "gpt-image-1"
    tts_model: str = "gpt-4o-mini-tts"
    moderation_model: str = "omni-moderation-latest"
    # Remote calls are slow and billed; a stuck provider must not hold a worker for long.
    timeout_seconds: float = 60.0
    # One quick retry in the client (it honours Retry-After) absorbs a blip; anything longer
    # is the caller's business (the job stages back off over minutes).
    max_retries: int = 1

    @property
    def configured(self) -> bool:
        return bool(self.api_key)


@dataclass(frozen=True)
class StockConfig:
    """A stock-photo API speaking Pexels' protocol (`GET /search?query=`): a picture per
    shot found by the place's words. Without a key nothing is sent and the drawn scenery
    stands in."""

    api_key: str = field(default="", repr=False)
    base_url: str = "https://api.pexels.com/v1"
    timeout_seconds: float = 30.0

    @property
    def configured(self) -> bool:
        return bool(self.api_key)


@dataclass(frozen=True)
class ElevenLabsConfig:
    """ElevenLabs text-to-speech. `voices` maps a cast voice (`film.casting.VOICES`) to an
    ElevenLabs voice id; the defaults are ElevenLabs' premade voices."""

    api_key: str = field(default="", repr=False)
    base_url: str = "https://api.elevenlabs.io/v1"
    model: str = "eleven_multilingual_v2"
    timeout_seconds: float = 60.0
    voices: tuple[tuple[str, str], ...] = (
        ("narrator", "pNInz6obpgDQGcFmaJgB"),
        ("man_old", "VR6AewLTigWG4xSOukaG"),
        ("man", "TxGEqnHWrfWFTfGW9XjX"),
        ("man_young", "ErXwobaYiN019PkySvjV"),
        ("woman_old", "21m00Tcm4TlvDq8ikWAM"),
        ("woman", "EXAVITQu4vr4xnJzrJYJ"),
        ("woman_young", "MF3mGyEYCl7XYWbV9V5O"),
        ("child", "AZnzlk1XvdvUeBnXmlld"),
    )

    @property
    def configured(self) -> bool:
        return bool(self.api_key)


@dataclass(frozen=True)
class ModerationConfig:
    """The local moderation engine."""

    # Words that flag a script whatever the classifier says (whole words, any case).
    blocklist: tuple[str, ...] = ()
    # alt-profanity-check probability above which a line counts as profane; 0.8 lets mild
    # screenplay language ("damn") through while catching slurs and obscenities.
    profanity_threshold: float = 0.8

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocklist", tuple(self.blocklist))


@dataclass(frozen=True)
class RenderConfig:
    """How a film is made (frozen into each film's manifest when its script is analysed)."""

    fps: int = 24
    aspect: str = "16:9"  # 16:9 | 9:16 | 1:1
    # Silence before the first and after the last line of a shot, so cuts never clip speech.
    shot_pause_seconds: float = 0.4
    # Breath between two lines inside one shot.
    line_gap_seconds: float = 0.25
    # x264's ultrafast analysis with CABAC and deblocking put back (see `film.camera`): ~30%
    # less CPU than superfast on drawn scenery at a bitrate still far under YouTube's 8 Mb/s.
    # Both are in the clip cache key, so changing them re-encodes every clip.
    x264_preset: str = "ultrafast"
    x264_crf: int = 20
    # The title card under the music's intro, and the end card under its outro.
    intro_seconds: float = 3.0
    outro_seconds: float = 3.5
    # "all": narration and dialogue are captioned; "dialogue": narration is left out.
    captions: str = "all"
    music: bool = True
    # -14 LUFS is what YouTube and the streaming platforms normalise to; the peak ceiling is
    # 0.5 dB under their -1 dBTP because AAC encoding adds a little overshoot.
    loudness_target_lufs: float = -14.0
    true_peak_dbtp: float = -1.5


@dataclass(frozen=True)
class FilmConfig:
    script: ScriptConfig = field(default_factory=ScriptConfig)
    providers: ProviderConfig = field(default_factory=ProviderConfig)
    openai: OpenAIConfig = field(default_factory=OpenAIConfig)
    moderation: ModerationConfig = field(default_factory=ModerationConfig)
    render: RenderConfig = field(default_factory=RenderConfig)
    stock: StockConfig = field(default_factory=StockConfig)
    elevenlabs: ElevenLabsConfig = field(default_factory=ElevenLabsConfig)

    def replace(self, **sections: Mapping[str, Any]) -> FilmConfig:
        """A copy with some fields of some sections changed:
        `config.replace(openai={"api_key": ""}, providers={"voice": "espeak"})`."""
        changed = {
            name: dataclasses.replace(getattr(self, name), **changes)
            for name, changes in sections.items()
        }
        return dataclasses.replace(self, **changed)
