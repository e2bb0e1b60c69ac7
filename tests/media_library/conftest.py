"""Real little videos made by ffmpeg, and helpers to upload and inspect them."""

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

# container -> (extension, video args, audio args). Two seconds of testsrc + a sine tone.
CONTAINERS = {
    "mp4": ("mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p"], ["-c:a", "aac"]),
    "mov": ("mov", ["-c:v", "libx264", "-pix_fmt", "yuv420p"], ["-c:a", "aac"]),
    "avi": ("avi", ["-c:v", "mpeg4"], ["-c:a", "libmp3lame"]),
    "mkv": ("mkv", ["-c:v", "libx264", "-pix_fmt", "yuv420p"], ["-c:a", "libvorbis"]),
    "webm": (
        "webm",
        ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k"],
        ["-c:a", "libopus"],
    ),
}


def make_video(
    path: Path,
    *,
    size: str = "320x240",
    duration: float = 2,
    video: list[str] | None = None,
    audio: list[str] | None = None,
    extra: list[str] | None = None,
) -> Path:
    command = [
        "ffmpeg", "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc=size={size}:rate=25:duration={duration}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={duration}",
        *(video or ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]),
        *(audio or ["-c:a", "aac"]),
        "-shortest", *(extra or []), str(path),
    ]  # fmt: skip
    subprocess.run(command, check=True, timeout=60)
    return path


@pytest.fixture(scope="session")
def videos(tmp_path_factory) -> dict[str, Path]:
    """One tiny real video per accepted container, plus special cases."""
    folder = tmp_path_factory.mktemp("videos")
    made = {
        name: make_video(folder / f"clip.{ext}", video=v, audio=a)
        for name, (ext, v, a) in CONTAINERS.items()
    }
    # 1280x720, not web-ready (MPEG-4 part 2): transcoded to 720p + 480p, never 1080p.
    made["hd720"] = make_video(
        folder / "hd720.mkv", size="1280x720", duration=1, video=["-c:v", "mpeg4", "-q:v", "5"]
    )
    # 1280x720 web-ready H.264/AAC MP4: remuxed into 720p, 480p encoded from the same run.
    made["hd720_ready"] = make_video(folder / "hd720_ready.mp4", size="1280x720", duration=1)
    text = folder / "notes.mp4"
    text.write_text("This is a shopping list, not a video.\n" * 50)
    made["text"] = text
    full = make_video(folder / "whole.mp4")  # moov at the end, as cameras write it
    truncated = folder / "truncated.mp4"
    truncated.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    made["truncated"] = truncated
    # +faststart puts the index (moov) first: cut at the end, ffprobe still reads it whole.
    faststart = make_video(folder / "faststart.mp4", extra=["-movflags", "+faststart"])
    made["faststart"] = faststart
    cut_late = folder / "truncated_faststart.mp4"
    cut_late.write_bytes(faststart.read_bytes()[: faststart.stat().st_size * 9 // 10])
    made["truncated_faststart"] = cut_late
    empty = folder / "empty.mp4"
    empty.write_bytes(b"")
    made["empty"] = empty
    audio_only = folder / "song.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac",
         str(audio_only)],
        check=True, timeout=60,
    )  # fmt: skip
    made["audio_only"] = audio_only
    return made


@pytest.fixture(autouse=True)
def _fast_media(settings, tmp_path):
    """Fast x264 for tests, and private temp folders so 'nothing left behind' is checkable."""
    settings.MEDIA_X264_PRESET = "ultrafast"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    settings.MEDIA_RESUMABLE_DIR = str(tmp_path / "resumable")
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = ""
    os.makedirs(settings.FILE_UPLOAD_TEMP_DIR)
    os.makedirs(settings.MEDIA_RESUMABLE_DIR)


def stored_files() -> list[str]:
    """Every file under the test's media root (local storage)."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def temp_files() -> list[str]:
    out = []
    for folder in (settings.FILE_UPLOAD_TEMP_DIR, settings.MEDIA_RESUMABLE_DIR):
        out += [str(p) for p in Path(folder).rglob("*") if p.is_file()]
    return out


def upload(client, path: Path, *, title: str = "A clip", name: str | None = None, **fields):
    with open(path, "rb") as handle:
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {"title": title, **fields}
        data["file"] = SimpleUploadedFile(name or path.name, handle.read())
        return client.post("/api/v1/videos", data, format="multipart")
