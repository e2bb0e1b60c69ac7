"""Settings read from the environment keep what the operator set."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setting(name: str, **env: str) -> str:
    code = (
        f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "filmstudio.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_a_secret_key_starting_with_a_dollar_is_kept_as_it_is(tmp_path):
    # Django's key alphabet includes "$"; django-environ reads "$name" as another variable.
    key = "$br-not-a-variable-name-but-a-key-0123456789abcdefghijklmnopqrstuvwxyz"
    assert _setting("SECRET_KEY", SECRET_KEY=key, FILMSTUDIO_VAR_DIR=str(tmp_path)) == key
