"""Errors the pipeline raises on purpose, each with a stable machine-readable code."""

from __future__ import annotations


class ScriptError(ValueError):
    """The submitted script cannot be turned into a film.

    `code` is stable and meant for API error bodies: "empty", "too_large", "binary",
    "no_scenes", "no_lines", "too_long".
    """

    # The same script fails the same way on every try: a stage fails at once, not after backoff.
    retryable = False

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"ScriptError({self.code!r}, {self.message!r})"


class RenderError(RuntimeError):
    """A render step (ffmpeg, a provider) failed; `stage` names where."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(f"{stage}: {message}")
        self.stage = stage
