"""The final film: ONE ffmpeg run (built with ffmpeg-python) joining clips, mastered audio and
subtitles into an MP4 for delivery.

Video: H.264 High, yuv420p, closed 2 s GOP. The clips are already encoded in that format
(with their lines drawn in when subtitles are burned in, see `clips`), so they are always
joined by stream copy: no frame is re-encoded here. Audio: linear two-pass loudnorm with the
values measured on the mix, resampled to 48 kHz, AAC-LC stereo. Subtitles: a soft mov_text
track, kept also when they are burned in (players show it only when the viewer turns it on,
and it keeps the text searchable). `+faststart` puts the index first so players start before
the download finishes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ffmpeg

from film import ffmpeg_cli
from film.loudness import loudnorm_filter_args

# 160 kb/s AAC-LC stereo is transparent for dialogue over pads and above YouTube's 128 kb/s
# recommendation; with the "fast" coder it encodes ~4x faster than the default at 192k, and
# audio encoding is most of a cached re-render's cost.
AUDIO_BITRATE = "160k"


def write_concat_list(clips: list[Path], path: Path) -> None:
    """ffconcat file listing the clips in order (absolute paths, quoted)."""
    rows = ["ffconcat version 1.0"]
    for clip in clips:
        escaped = str(Path(clip).resolve()).replace("'", "'\\''")
        rows.append(f"file '{escaped}'")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def build_compose(
    *,
    concat_list: Path,
    mix: Path,
    srt: Path,
    out_path: Path,
    measured: dict[str, float],
    target_i: float,
    target_tp: float,
) -> Any:
    """Return the ffmpeg-python graph for the compose run (not yet run): video by stream
    copy, so the clips must already be in the delivery format."""
    video_in = ffmpeg.input(str(concat_list), format="concat", safe=0)
    audio_in = ffmpeg.input(str(mix))
    subs_in = ffmpeg.input(str(srt))
    audio = audio_in.audio.filter(
        "loudnorm", **loudnorm_filter_args(measured, target_i=target_i, target_tp=target_tp)
    ).filter("aresample", 48000)
    return ffmpeg.output(
        video_in.video,
        audio,
        subs_in["s"],
        str(out_path),
        format="mp4",
        acodec="aac",
        aac_coder="fast",
        **{"profile:a": "aac_low"},
        audio_bitrate=AUDIO_BITRATE,
        ar=48000,
        ac=2,
        scodec="mov_text",
        movflags="+faststart",
        **{"metadata:s:s:0": "language=eng"},
        vcodec="copy",
    ).global_args("-hide_banner", "-nostdin", "-loglevel", "error")


def run_compose(graph: Any) -> None:
    """Run a compose graph; raises RenderError with ffmpeg's message."""
    ffmpeg_cli.run_graph(graph, stage="compose")


def extract_frame(video: Path, *, at: float, out_path: Path, width: int | None = None) -> None:
    """Write one JPEG frame at `at` seconds (fast input seek)."""
    stream = ffmpeg.input(str(video), ss=max(0.0, at))
    if width:
        stream = stream.filter("scale", width, -2)
    out = ffmpeg.output(
        stream, str(out_path), vframes=1, format="image2", vcodec="mjpeg", **{"q:v": 3}
    ).global_args("-hide_banner", "-loglevel", "error")
    ffmpeg_cli.run_graph(out, stage="thumbnail")
