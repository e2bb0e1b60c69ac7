"""Shot clips: slow pan & zoom over a still, encoded once and reused by the final compose.

Clips are encoded with the delivery settings (H.264 High, yuv420p, closed GOP of 2 s, no
scene-cut keyframes) and an exact frame count, so the compose run can join them by stream
copy: the compose cost does not grow with resolution, and an edited scene costs only its own
clips. Every clip starts on an IDR frame, which also makes each cut a seek point.

Burned-in subtitles are drawn here too, in the same encode: a shot's lines are burned into
its own clip (cues timed from the shot's start), so a burned film is also joined by stream
copy instead of re-encoding every frame at compose time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import ffmpeg

from film import ffmpeg_cli

MOTIONS = ("zoom_in", "zoom_out", "pan_right", "pan_left")
ZOOM = 1.08  # most the frame is ever magnified; the storyboard keeps a 9% safe margin
ENCODER_VERSION = "x264-closedgop-1"  # part of clip cache keys
# Burned-in subtitles: libass with fontconfig's DejaVu Sans (installed with ffmpeg, offline),
# small, outlined, near the bottom. Part of burned clips' cache keys.
SUBTITLE_STYLE = "FontName=DejaVu Sans,FontSize=20,Outline=2,Shadow=0,MarginV=28"


def motion_for(seed_text: str) -> str:
    """A motion chosen from a stable hash, so re-renders look the same."""
    return MOTIONS[int(hashlib.sha256(seed_text.encode()).hexdigest()[:8], 16) % len(MOTIONS)]


def x264_output_args(*, fps: int, preset: str, crf: int) -> dict[str, object]:
    """Encoder options of every clip (the delivery format)."""
    gop = 2 * fps
    return {
        "vcodec": "libx264",
        "pix_fmt": "yuv420p",
        "profile:v": "high",
        "preset": preset,
        "crf": crf,
        "g": gop,
        "keyint_min": gop,
        "sc_threshold": 0,
        "flags": "+cgop",
        "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:open-gop=0",
        "r": fps,
    }


def _zoompan_args(motion: str, frames: int, size: tuple[int, int], fps: int) -> dict[str, object]:
    p = f"(on/{max(1, frames - 1)})"  # 0 -> 1 over the clip
    centre_x, centre_y = "(iw-iw/zoom)/2", "(ih-ih/zoom)/2"
    if motion == "zoom_in":
        z, x, y = f"1+{ZOOM - 1}*{p}", centre_x, centre_y
    elif motion == "zoom_out":
        z, x, y = f"{ZOOM}-{ZOOM - 1}*{p}", centre_x, centre_y
    elif motion == "pan_right":
        z, x, y = str(ZOOM), f"(iw-iw/zoom)*{p}", centre_y
    else:
        z, x, y = str(ZOOM), f"(iw-iw/zoom)*(1-{p})", centre_y
    # d=frames: zoompan emits every frame from ONE decoded still; looping the input instead
    # would decode the PNG again for each frame (3-4x slower at 1080p).
    return {"z": z, "x": x, "y": y, "d": frames, "s": f"{size[0]}x{size[1]}", "fps": fps}


def render_clip(
    *,
    image: Path,
    out_path: Path,
    frames: int,
    size: tuple[int, int],
    fps: int,
    motion: str,
    preset: str = "veryfast",
    crf: int = 21,
    threads: int = 0,
    subtitles: Path | None = None,
) -> None:
    """Encode `frames` frames of `motion` over `image` into an MP4 at `out_path`, with the
    cues of the SRT `subtitles` (timed from the clip's start) burned in when given.

    Raises RenderError with ffmpeg's message on failure.
    """
    stream = (
        ffmpeg.input(str(image))
        .filter("zoompan", **_zoompan_args(motion, frames, size, fps))
        .filter("format", "yuv420p")
    )
    if subtitles is not None:
        stream = stream.filter("subtitles", str(subtitles), force_style=SUBTITLE_STYLE)
    out = ffmpeg.output(
        stream,
        str(out_path),
        format="mp4",
        an=None,
        threads=threads,
        **{"frames:v": frames},
        **x264_output_args(fps=fps, preset=preset, crf=crf),
    ).global_args("-hide_banner", "-nostdin", "-loglevel", "error")
    ffmpeg_cli.run_graph(out, stage="clips")
