"""What a file really is, asked of ffprobe: never the extension or the client's content type."""

import json
import subprocess
from dataclasses import dataclass, field

from django.conf import settings

from .truncation import truncation_problem

# ffprobe's demuxer names for the containers we accept (mp4 and mov share one demuxer, and
# so do mkv and webm).
ACCEPTED_FORMATS = {"mov,mp4,m4a,3gp,3g2,mj2", "avi", "matroska,webm"}
WEBM_VIDEO_CODECS = {"vp8", "vp9", "av1"}
WEBM_AUDIO_CODECS = {"opus", "vorbis"}


class ProbeError(Exception):
    """The file is not a video we accept; the message says why."""


@dataclass
class ProbeResult:
    container: str  # mp4 | mov | avi | mkv | webm
    format_name: str
    duration: float
    width: int
    height: int
    video_codec: str
    pix_fmt: str
    audio_codec: str | None
    raw: dict = field(repr=False)

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)

    @property
    def web_ready(self) -> bool:
        """H.264 + AAC (or silent) in MP4/MOV, at most 1080 lines, 4:2:0: plays everywhere
        as is, so it is remuxed with `-c copy` instead of being re-encoded."""
        return (
            self.container in ("mp4", "mov")
            and self.video_codec == "h264"
            and self.audio_codec in (None, "aac")
            and self.pix_fmt == "yuv420p"
            and self.short_side <= 1080
        )

    def stream_info(self) -> dict:
        """The compact summary stored on the video (the full probe is too chatty)."""
        keep = [
            "index",
            "codec_type",
            "codec_name",
            "profile",
            "width",
            "height",
            "pix_fmt",
            "r_frame_rate",
            "sample_rate",
            "channels",
            "channel_layout",
            "bit_rate",
            "duration",
        ]
        return {
            "container": self.container,
            "format_name": self.format_name,
            "duration": self.duration,
            "bit_rate": self.raw.get("format", {}).get("bit_rate"),
            "streams": [{k: s[k] for k in keep if k in s} for s in self.raw.get("streams", [])],
        }


def run_ffprobe(path: str) -> dict:
    """ffprobe's JSON for a local file, restricted to the file protocol, time-limited."""
    command = [
        settings.FFPROBE_BINARY,
        "-v",
        "error",
        "-protocol_whitelist",
        "file",
        "-show_format",
        "-show_streams",
        "-of",
        "json",
        f"file:{path}",
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=settings.MEDIA_FFPROBE_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ProbeError("Probing the file took too long.") from exc
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        # The message reaches the uploader: name "the file", never the server's temp path.
        last = message[-1].replace(f"file:{path}", "the file") if message else ""
        raise ProbeError(last or "ffprobe could not read the file.")
    try:
        return json.loads(done.stdout)
    except ValueError as exc:
        raise ProbeError("ffprobe returned no readable answer.") from exc


def probe_video(path: str) -> ProbeResult:
    """Probe a local file; raise ProbeError unless it is an accepted container holding a
    real (decodable-looking, non cover-art) video stream."""
    raw = run_ffprobe(path)
    fmt = raw.get("format") or {}
    format_name = fmt.get("format_name", "")
    if format_name not in ACCEPTED_FORMATS:
        raise ProbeError(f"Unsupported container: {format_name or 'unknown'}.")
    streams = raw.get("streams") or []
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video"
            and not (s.get("disposition") or {}).get("attached_pic")
            and int(s.get("width") or 0) > 0
            and int(s.get("height") or 0) > 0
        ),
        None,
    )
    if video is None:
        raise ProbeError("The file holds no video stream.")
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    try:
        duration = float(fmt.get("duration") or video.get("duration") or 0)
    except ValueError:
        duration = 0.0
    if duration <= 0:
        raise ProbeError("The video has no duration (is the file complete?).")
    # ffprobe reads headers: a file cut after an intact index (faststart MP4) passes it.
    problem = truncation_problem(path, format_name)
    if problem:
        raise ProbeError(problem)
    return ProbeResult(
        container=_container(format_name, fmt, video, audio),
        format_name=format_name,
        duration=duration,
        width=int(video["width"]),
        height=int(video["height"]),
        video_codec=video.get("codec_name", ""),
        pix_fmt=video.get("pix_fmt", ""),
        audio_codec=audio.get("codec_name") if audio else None,
        raw=raw,
    )


def _container(format_name: str, fmt: dict, video: dict, audio: dict | None) -> str:
    if format_name == "avi":
        return "avi"
    if format_name.startswith("mov"):
        brand = ((fmt.get("tags") or {}).get("major_brand") or "").strip()
        return "mov" if brand == "qt" else "mp4"
    webm = video.get("codec_name") in WEBM_VIDEO_CODECS and (
        audio is None or audio.get("codec_name") in WEBM_AUDIO_CODECS
    )
    return "webm" if webm else "mkv"
