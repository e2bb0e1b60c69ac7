"""The one django-environ reader every settings module shares."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer's `.env` is read when present; production sets real environment variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Everything the embedded defaults write (SQLite, media, broker folders) lives here.
VAR_DIR = Path(env("FILMSTUDIO_VAR_DIR", default=str(BASE_DIR / "var")))
