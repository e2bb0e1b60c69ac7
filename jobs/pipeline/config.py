"""Lazy access to the pipeline settings.

The library never requires Django: when Django settings are configured they win, otherwise the
defaults in `filmstudio/settings/pipeline.py` apply. Every public function also takes explicit
arguments, so callers (tests, the benchmark) can ignore settings entirely.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

_DEFAULTS_FILE = Path(__file__).resolve().parents[2] / "filmstudio" / "settings" / "pipeline.py"


@cache
def _defaults() -> ModuleType | None:
    # Loaded by file path so reading a default never imports the whole settings package
    # (which would pull in the database and broker settings of the web app).
    if not _DEFAULTS_FILE.exists():
        return None
    spec = importlib.util.spec_from_file_location("_film_pipeline_defaults", _DEFAULTS_FILE)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def setting(name: str, default: Any = None) -> Any:
    """Return Django's value for `name` if configured, else the pipeline default, else `default`."""
    try:
        from django.conf import settings

        if settings.configured and hasattr(settings, name):
            return getattr(settings, name)
    except ImportError:
        pass
    module = _defaults()
    if module is not None and hasattr(module, name):
        return getattr(module, name)
    return default
