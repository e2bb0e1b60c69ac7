"""ffmpeg command building and running for the media library (no Django models here)."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .models import RENDITION_LINES, Rendition
from .probe import ProbeResult


class TranscodeError(Exception):
    """ffmpeg failed or ran out of time; the message is safe to show the uploader."""


@dataclass(frozen=True)
class RenditionPlan:
    rendition: str  # "1080p" | "720p" | "480p"
    lines: int  # the short side it is scaled to
    copy: bool  # remux the source stream instead of encoding


def plan_renditions(probe: ProbeResult) -> list[RenditionPlan]:
    """The renditions one source gets: the top one at min(source, 1080) lines, named by
    the smallest tier it fits, then every lower tier strictly below it. Never upscales.

    A web-ready source keeps its video stream as is (`copy`) in the top rendition."""
    top_lines = min(probe.short_side, 1080)
    tiers = sorted(RENDITION_LINES.items(), key=lambda item: item[1])
    top = next((r for r, lines in tiers if top_lines <= lines), Rendition.P1080)
    plans = [RenditionPlan(top.value, top_lines, copy=probe.web_ready)]
    for rendition, lines in sorted(tiers, key=lambda item: -item[1]):
        if lines < top_lines and rendition != top:
            plans.append(RenditionPlan(rendition.value, lines, copy=False))
    return plans


def _scale(probe: ProbeResult, lines: int) -> str:
    # Scale the short side; -2 keeps the aspect with an even long side (x264 needs even).
    if probe.width >= probe.height:
        return f"scale=-2:{lines}"
    return f"scale={lines}:-2"


def _ffmpeg_head() -> list[str]:
    """What every ffmpeg run of the library starts with (before its inputs)."""
    return [
        settings.FFMPEG_BINARY,
        "-nostdin",
        "-hide_banner",
        "-v",
        "error",
        "-y",
        # Only local files: a crafted playlist/concat file cannot make ffmpeg fetch URLs.
        "-protocol_whitelist",
        "file,pipe",
    ]


def build_command(
    *, source: str, probe: ProbeResult, outputs: dict[str, str], plans: list[RenditionPlan]
) -> list[str]:
    """One ffmpeg run writing every rendition: a `split` feeds one scaler per encoded
    rendition, so the source is decoded once."""
    command = [*_ffmpeg_head(), "-i", f"file:{source}"]
    threads = ["-threads", str(settings.MEDIA_FFMPEG_THREADS)]
    encoded = [p for p in plans if not p.copy]
    if encoded:
        if len(encoded) == 1:
            graph = f"[0:v:0]{_scale(probe, encoded[0].lines)},format=yuv420p[v0]"
        else:
            splits = "".join(f"[s{i}]" for i in range(len(encoded)))
            parts = [f"[0:v:0]split={len(encoded)}{splits}"]
            parts += [
                f"[s{i}]{_scale(probe, p.lines)},format=yuv420p[v{i}]"
                for i, p in enumerate(encoded)
            ]
            graph = ";".join(parts)
        command += ["-filter_complex", graph]
    audio = (
        ["-map", "0:a:0?", "-c:a", "copy"]
        if probe.audio_codec == "aac"
        else ["-map", "0:a:0?", "-c:a", "aac", "-b:a", settings.MEDIA_AUDIO_BITRATE]
    )
    index = 0
    for plan in plans:
        if plan.copy:
            command += ["-map", "0:v:0", "-c:v", "copy", *audio]
        else:
            command += [
                "-map",
                f"[v{index}]",
                "-c:v",
                "libx264",
                "-preset",
                settings.MEDIA_X264_PRESET,
                "-crf",
                str(settings.MEDIA_X264_CRF),
                "-profile:v",
                "high",
                *threads,
                "-map",
                "0:a:0?",
                "-c:a",
                "aac",
                "-b:a",
                settings.MEDIA_AUDIO_BITRATE,
            ]
            index += 1
        command += ["-movflags", "+faststart", "-f", "mp4", f"file:{outputs[plan.rendition]}"]
    return command


def thumbnail_at(duration: float) -> float:
    """1 s in, or 10% in for videos shorter than 10 s (so a 2 s clip is not at its end)."""
    return min(1.0, max(duration, 0.0) * 0.1)


def build_thumbnail_command(*, source: str, probe: ProbeResult, output: str) -> list[str]:
    # 360 lines high (never upscaled), best JPEG quality ffmpeg offers (-q:v 2).
    lines = min(360, probe.height)
    return [
        *_ffmpeg_head(),
        "-ss",
        f"{thumbnail_at(probe.duration):.3f}",
        "-i",
        f"file:{source}",
        "-frames:v",
        "1",
        "-vf",
        f"scale=-2:{lines}",
        "-q:v",
        "2",
        "-f",
        "image2",
        f"file:{output}",
    ]


def run_ffmpeg(command: list[str], *, timeout: float | None = None) -> None:
    """Run ffmpeg with a hard time limit; raise TranscodeError with its last error line."""
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=timeout or settings.MEDIA_FFMPEG_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise TranscodeError(f"ffmpeg ran past its {exc.timeout:.0f} s limit.") from exc
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        raise TranscodeError(lines[-1] if lines else f"ffmpeg exited with {done.returncode}.")


def transcode(
    *, source: str, probe: ProbeResult, workdir: Path, plans: list[RenditionPlan] | None = None
) -> tuple[dict[str, Path], Path]:
    """Write the renditions of `plans` (default: every one) and the thumbnail into
    `workdir`; return their paths."""
    plans = plan_renditions(probe) if plans is None else plans
    outputs = {p.rendition: workdir / f"{p.rendition}.mp4" for p in plans}
    run_ffmpeg(
        build_command(
            source=source, probe=probe, outputs={k: str(v) for k, v in outputs.items()}, plans=plans
        )
    )
    thumb = workdir / "thumbnail.jpg"
    run_ffmpeg(build_thumbnail_command(source=source, probe=probe, output=str(thumb)), timeout=120)
    return outputs, thumb


def encode_rendition(*, source: str, probe: ProbeResult, rendition: str, output: Path) -> None:
    """Encode one lower rendition of `source` (H.264/AAC, scaled to its tier) into `output`."""
    plan = RenditionPlan(rendition, RENDITION_LINES[Rendition(rendition)], copy=False)
    run_ffmpeg(
        build_command(source=source, probe=probe, outputs={rendition: str(output)}, plans=[plan])
    )
