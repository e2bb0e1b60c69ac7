"""Job engine and credit settings (the job engine fills this in)."""

from .env import env  # noqa: F401
