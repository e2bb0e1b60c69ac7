"""The final film: ONE ffmpeg run joining the clips, the mastered audio and the subtitles into
an MP4 encoded to YouTube's recommendation.

Video: the clips are raw H.264 in the delivery format (High, yuv420p, closed 2 s GOPs, no
B-frames where YouTube allows 2 in a row); joined byte for byte they are one stream, muxed with
timestamps made from the frame rate, so every frame is exactly 1/fps after the one before
(no gap or overlap at a join, however many clips) and nothing is re-encoded. No edit list
(`-use_editlist 0`): the AAC encoder's priming (1024 samples) is trimmed from the audio
instead, so sound and picture start together. Audio: linear two-pass loudnorm with the values
measured on the mix, AAC-LC stereo at 48 kHz, 384 kb/s. Subtitles: a soft mov_text track.
`+faststart` puts the index first so players start before the download finishes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import ffmpeg

from film import ffmpeg_cli
from film.loudness import loudnorm_filter_args

AUDIO_BITRATE = "384k"  # YouTube's recommendation for stereo
AAC_PRIMING_SAMPLES = 1024  # what the AAC encoder puts before the first sample


def join_clips(clips: list[Path], path: Path) -> None:
    """Concatenate raw H.264 clips into one elementary stream at `path`."""
    with open(path, "wb") as out:
        for clip in clips:
            with open(clip, "rb") as part:
                shutil.copyfileobj(part, out)


def compose_command(
    *,
    video: Path,
    fps: int,
    mix: Path,
    srt: Path,
    out_path: Path,
    measured: dict[str, float],
    target_i: float,
    target_tp: float,
) -> list[str]:
    """The ffmpeg command of the compose run (video by stream copy)."""
    loudnorm = ":".join(
        f"{k}={v}"
        for k, v in loudnorm_filter_args(measured, target_i=target_i, target_tp=target_tp).items()
    )
    trim = f"atrim=start_sample={AAC_PRIMING_SAMPLES},asetpts=N/SR/TB"
    audio = f"loudnorm={loudnorm},aresample=48000,{trim}"
    return [
        "ffmpeg",
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-fflags",
        "+genpts",
        "-r",
        str(fps),
        "-f",
        "h264",
        "-i",
        str(video),
        "-i",
        str(mix),
        "-i",
        str(srt),
        "-map",
        "0:v",
        "-map",
        "1:a",
        "-map",
        "2:s",
        "-c:v",
        "copy",
        "-af",
        audio,
        "-c:a",
        "aac",
        "-profile:a",
        "aac_low",
        "-b:a",
        AUDIO_BITRATE,
        "-ar",
        "48000",
        "-ac",
        "2",
        "-c:s",
        "mov_text",
        "-metadata:s:s:0",
        "language=eng",
        "-use_editlist",
        "0",
        # Without an edit list the muxer would shift every video frame but the first by the
        # AAC priming (a 21 ms longer first frame); the timestamps are non-negative already.
        "-avoid_negative_ts",
        "make_non_negative",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        str(out_path),
    ]


def run_compose(cmd: list[str]) -> None:
    """Run the compose command; raises RenderError with ffmpeg's message."""
    ffmpeg_cli.run(cmd, stage="compose")


def extract_frame(video: Path, *, at: float, out_path: Path, width: int | None = None) -> None:
    """Write one JPEG frame at `at` seconds (fast input seek)."""
    stream = ffmpeg.input(str(video), ss=max(0.0, at))
    if width:
        stream = stream.filter("scale", width, -2)
    out = ffmpeg.output(
        stream, str(out_path), vframes=1, format="image2", vcodec="mjpeg", **{"q:v": 3}
    ).global_args("-hide_banner", "-loglevel", "error")
    ffmpeg_cli.run_graph(out, stage="thumbnail")
