"""The one way the engine runs ffmpeg and ffprobe.

Every run captures both streams, never reads the terminal, and turns a non-zero exit into a
`RenderError` carrying the step's name and the end of ffmpeg's own message. Graphs built
with ffmpeg-python run here too (`run_graph`), so there is one place that knows how.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from film.errors import RenderError

# ffmpeg's last lines say what went wrong; the rest is the banner and the stream listing.
_MESSAGE_CHARS = 2000


def run(cmd: Sequence[str], *, stage: str, input: bytes | None = None) -> tuple[bytes, str]:
    """Run `cmd` (ffmpeg or ffprobe and its arguments), feeding it `input` on stdin when
    given; returns (stdout bytes, stderr text). Raises RenderError(stage, ...) on failure."""
    result = subprocess.run(
        list(cmd),
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    log = result.stderr.decode(errors="replace")
    if result.returncode != 0:
        raise RenderError(stage, log[-_MESSAGE_CHARS:] or f"exit status {result.returncode}")
    return result.stdout, log


def run_graph(graph: Any, *, stage: str) -> None:
    """Run an ffmpeg-python output graph, overwriting its output."""
    run(graph.compile(overwrite_output=True), stage=stage)


def audio_filter_log(path: Path, *, filters: str, stage: str) -> str:
    """Run the first audio stream of `path` through `filters` into nothing and return the
    log: the analysis filters (loudnorm, ebur128) print their findings there."""
    cmd = ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a:0"]
    return run([*cmd, "-af", filters, "-f", "null", "-"], stage=stage)[1]


def probe(path: Path) -> dict[str, Any]:
    """ffprobe's streams and format of `path` as a dict (JSON-serialisable)."""
    cmd = ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)]
    return json.loads(run(cmd, stage="probe")[0])
