"""Media library settings (the media library fills this in)."""

from .env import env  # noqa: F401
