"""The one registry of engines: every image, voice and moderation engine, by kind and name.

`get_provider(kind, name, config)` is how the engine gets one, built once per process and
configuration:

- an engine that needs the OpenAI key, asked for without one, is replaced by its kind's local
  engine (logged): a missing key never crashes and never calls out;
- an engine whose packages are not installed here is a `ProviderConfigError` naming them, so
  the registry tells callers what this machine can actually do (`available`);
- an engine that cannot start is replaced by its declared fallback when it has one (Piper:
  `ProviderConfig.voice_fallback`, "none" to fail instead), else a `ProviderConfigError`;
- a name nobody registered is a ValueError listing the known ones.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from film.config import FilmConfig
from film.errors import ProviderConfigError
from film.providers.images.diffusers import DiffusersImageProvider
from film.providers.images.openai import OpenAIImageProvider
from film.providers.images.scenery import SceneryProvider
from film.providers.images.stock import StockImageProvider
from film.providers.moderation.local import LocalModeration
from film.providers.moderation.openai import OpenAIModeration
from film.providers.voice.elevenlabs import ElevenLabsProvider
from film.providers.voice.espeak import EspeakProvider
from film.providers.voice.openai import OpenAITTSProvider
from film.providers.voice.piper import PiperProvider

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Engine:
    kind: str  # "image" | "voice" | "moderation"
    name: str
    make: Callable[[FilmConfig], Any]
    # Needs a key: without one (`configured` says; the OpenAI key by default), the kind's
    # local engine stands in.
    remote: bool = False
    configured: Callable[[FilmConfig], bool] = lambda config: config.openai.configured
    key_setting: str = "OPENAI_API_KEY"  # what an operator sets (named in the warning)
    # Packages that must be importable for the engine to be offered at all.
    requires: tuple[str, ...] = ()
    # The `ProviderConfig` field naming the engine that stands in when this one cannot start.
    fallback: str = ""


ENGINES: dict[tuple[str, str], Engine] = {
    (engine.kind, engine.name): engine
    for engine in [
        Engine("image", "scenery", lambda config: SceneryProvider()),
        # The drawn default's earlier name, still accepted from settings.
        Engine("image", "storyboard", lambda config: SceneryProvider()),
        Engine("image", "openai", OpenAIImageProvider, remote=True),
        Engine("image", "diffusers", DiffusersImageProvider, requires=("diffusers", "torch")),
        Engine(
            "image",
            "stock",
            StockImageProvider,
            remote=True,
            configured=lambda config: config.stock.configured,
            key_setting="FILM_STOCK_API_KEY",
        ),
        Engine("voice", "piper", lambda config: PiperProvider(), fallback="voice_fallback"),
        Engine("voice", "espeak", lambda config: EspeakProvider()),
        Engine("voice", "openai", OpenAITTSProvider, remote=True),
        Engine(
            "voice",
            "elevenlabs",
            ElevenLabsProvider,
            remote=True,
            configured=lambda config: config.elevenlabs.configured,
            key_setting="ELEVENLABS_API_KEY",
        ),
        Engine(
            "moderation",
            "local",
            lambda config: LocalModeration(
                blocklist=config.moderation.blocklist,
                threshold=config.moderation.profanity_threshold,
            ),
        ),
        Engine("moderation", "openai", OpenAIModeration, remote=True),
    ]
}

# Each kind's offline engine: what stands in for a remote one when no key is configured.
LOCAL_ENGINES = {"image": "scenery", "voice": "piper", "moderation": "local"}

# What a creator chooses per project, and the engines each choice means, in order of
# preference ("default": the site's configured engine). "ai" pictures are Stable Diffusion
# where a model directory is configured and its packages are installed (a GPU box), else
# OpenAI's images; whatever has no key or packages falls to the kind's local engine.
SOURCES: dict[str, dict[str, tuple[str, ...]]] = {
    "image": {
        "default": (),
        "drawn": ("scenery",),
        "stock": ("stock",),
        "ai": ("diffusers", "openai"),
    },
    "voice": {
        "default": (),
        "local": ("piper",),
        "openai": ("openai",),
        "elevenlabs": ("elevenlabs",),
    },
}


def installed(engine: Engine) -> bool:
    """Whether every package `engine` needs is importable here."""
    return all(importlib.util.find_spec(module) is not None for module in engine.requires)


def available(kind: str) -> list[str]:
    """The names of the `kind` engines this machine can run."""
    return sorted(name for (k, name), e in ENGINES.items() if k == kind and installed(e))


def engine_for_source(kind: str, source: str, config: FilmConfig) -> str:
    """The engine name a project's `source` ("image" or "voice" kind) means here: the first of
    the source's engines this machine can run with this configuration, else the kind's local
    engine (a missing key or package never fails a film). ValueError for an unknown source."""
    engines = SOURCES[kind].get(source or "default")
    if engines is None:
        raise ValueError(f"Unknown {kind} source {source!r}; known: {sorted(SOURCES[kind])}")
    if not engines:
        return getattr(config.providers, kind)
    for name in engines:
        engine = ENGINES[(kind, name)]
        if not installed(engine) or (engine.remote and not engine.configured(config)):
            continue
        if name == "diffusers" and not config.providers.diffusers_model:
            continue  # weights are never downloaded: no model directory, no Stable Diffusion
        return name
    return LOCAL_ENGINES[kind]


@cache
def get_provider(kind: str, name: str, config: FilmConfig) -> Any:
    """The `kind` engine registered as `name`, made with `config` (see the module docstring
    for what stands in when it cannot be had). Raises ValueError for an unknown name and
    `ProviderConfigError` when nothing usable is left."""
    engine = ENGINES.get((kind, name))
    if engine is None:
        raise ValueError(f"Unknown {kind} provider {name!r}; known: {available(kind)}")
    if engine.remote and not engine.configured(config):
        local = LOCAL_ENGINES[kind]
        logger.warning(
            "The %s %s provider needs a key but %s is empty: using %s",
            name,
            kind,
            engine.key_setting,
            local,
        )
        return get_provider(kind, local, config)
    if not installed(engine):
        packages = " and ".join(f"`{module}`" for module in engine.requires)
        raise ProviderConfigError(
            name,
            f"the {name} {kind} provider needs the {packages} packages; they are not "
            f"installed here. Use one of {available(kind)}.",
        )
    try:
        return engine.make(config)
    except ProviderConfigError:
        raise
    except Exception as exc:  # a missing or half-installed package, no device, a bad model
        reason = f"{type(exc).__name__}: {exc}"
        if not engine.fallback:
            raise ProviderConfigError(name, f"cannot start ({reason})") from exc
        return _fall_back(engine, config, reason, exc)


def _fall_back(engine: Engine, config: FilmConfig, reason: str, exc: Exception) -> Any:
    label = f"{engine.name.capitalize()} {engine.kind}"
    setting = f"FILM_{engine.fallback.upper()}"  # what FilmStudio's operators set
    fallback = str(getattr(config.providers, engine.fallback) or "none").lower()
    local = (n for (k, n), e in ENGINES.items() if k == engine.kind and not e.remote)
    choices = (*sorted(n for n in local if n != engine.name), "none")
    if fallback not in choices:
        raise ProviderConfigError(
            engine.name, f"{setting} must be one of {choices}, not {fallback!r}"
        ) from exc
    if fallback == "none":
        raise ProviderConfigError(
            engine.name, f"the {label} cannot load ({reason}) and {setting}=none"
        ) from exc
    logger.warning("%s cannot load (%s); falling back to %s", label, reason, fallback)
    return get_provider(engine.kind, fallback, config)
