"""The compose stage against its floor and against MoviePy (used by `bench/film.py`).

From the assets of one render (its clips, mix and SRT):
- our compose stage (join the raw H.264 clips, one ffmpeg run) vs the floor: one
  hand-written ffmpeg command producing the same output (concat demuxer, stream copy, linear
  loudnorm, AAC, mov_text, faststart), interleaved, medians;
- MoviePy joining the same clips over the same mix (its own re-encode at our x264 settings,
  no loudnorm, no subtitle track, so it does *less* work than ours), against our compose; and
  MoviePy drawing the captions in (TextClips of the same size and place as ours), the
  like-for-like burned output, against what burning in costs us (the clips step with the
  captions minus without, plus the compose).
Targets: compose <= 1.2x the floor; MoviePy >= 5x slower than ours.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from film.captions import FORMATS, cues_for_timeline, layout
from film.compose import AUDIO_BITRATE
from film.steps.delivery import compose
from film.timeline import Timeline
from film.workspace import FilmRun

REPEATS = 3  # single encodes on 2 shared cores vary by ~10%: medians of interleaved runs
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (ffmpeg)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def timed_cpu(fn, *args, **kwargs) -> tuple[float, float]:
    """(wall, CPU) seconds of one call."""
    start, cpu = time.perf_counter(), cpu_seconds()
    fn(*args, **kwargs)
    return time.perf_counter() - start, cpu_seconds() - cpu


def hand_written_ffmpeg(manifest: dict, out: Path, listing: Path) -> None:
    """The floor: the command an engineer would type for the same film from the clips."""
    listing.write_text("".join(f"file '{p}'\n" for p in manifest["clips"]), encoding="utf-8")
    config, measured = manifest["config"], manifest["mix"]["measured"]
    loudnorm = (
        f"loudnorm=I={config['target_i']}:TP={config['target_tp']}:LRA=20"
        f":measured_I={measured['input_i']}:measured_TP={measured['input_tp']}"
        f":measured_LRA={measured['input_lra']}:measured_thresh={measured['input_thresh']}"
        f":offset={measured['target_offset']}:linear=true,aresample=48000"
    )
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-r", str(config["fps"])]
    cmd += ["-i", str(listing), "-i", manifest["mix"]["path"], "-i", manifest["subtitles"]["srt"]]
    cmd += ["-map", "0:v", "-map", "1:a", "-map", "2:s", "-c:v", "copy", "-af", loudnorm]
    cmd += ["-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ar", "48000", "-ac", "2"]
    cmd += ["-c:s", "mov_text", "-movflags", "+faststart", str(out)]
    subprocess.run(cmd, check=True)


def compose_vs_floor(run: FilmRun, manifest: dict, root: Path) -> dict[str, tuple[float, float]]:
    """{"ours": (wall, CPU), "floor": (wall, CPU)}: medians of `REPEATS` interleaved runs,
    in seconds (on a loaded machine the CPU is the steadier figure)."""
    ours, floor = [], []
    for n in range(REPEATS):
        again = FilmRun(
            work_dir=run.work_dir,
            cache_dir=run.cache_dir,
            out_path=root / f"ours-{n}.mp4",
            burn_subtitles=run.burn_subtitles,
        )
        ours.append(timed_cpu(compose, again))
        floor.append(
            timed_cpu(hand_written_ffmpeg, manifest, root / "floor.mp4", root / "clips.txt")
        )

    def median(runs):
        return tuple(statistics.median(r[k] for r in runs) for k in (0, 1))

    return {"ours": median(ours), "floor": median(floor)}


def moviepy_compose(manifest: dict, out: Path, *, burn: bool = False) -> tuple[float, float]:
    """(wall, CPU) seconds MoviePy takes to join the clips over the mix (each raw clip first
    wrapped in MP4 by stream copy, untimed: MoviePy cannot read a raw H.264 stream's length);
    with `burn`, each caption cue drawn in as a TextClip at our captions' size and place."""
    from moviepy import (
        AudioFileClip,
        CompositeVideoClip,
        TextClip,
        VideoFileClip,
        concatenate_videoclips,
    )

    config = manifest["config"]
    size, fps, aspect = (config["width"], config["height"]), config["fps"], config["aspect"]
    with tempfile.TemporaryDirectory(prefix="moviepy-") as tmp:
        wrapped = []
        for n, path in enumerate(manifest["clips"]):
            mp4 = Path(tmp) / f"{n}.mp4"
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-r", str(fps), "-f", "h264", "-i", path]
                + ["-c", "copy", str(mp4)],
                check=True,
            )
            wrapped.append(str(mp4))
        started, cpu = time.perf_counter(), cpu_seconds()
        clips = [VideoFileClip(p, audio=False) for p in wrapped]
        video = concatenate_videoclips(clips)
        if burn:
            px = round(size[1] * FORMATS[aspect]["size"])
            texts = []
            for cue in cues_for_timeline(Timeline.from_dict(manifest["timeline"]), aspect=aspect):
                _, box = layout(cue, size, aspect)
                texts.append(
                    TextClip(
                        font=FONT,
                        text=cue.text,
                        font_size=px,
                        color="white",
                        bg_color="black",
                        stroke_color="black",
                        stroke_width=max(1, px // 18),
                        text_align="center",
                    )
                    .with_start(cue.start)
                    .with_duration(cue.end - cue.start)
                    .with_position((box[0], box[1]))
                )
            video = CompositeVideoClip([video, *texts])
        video = video.with_audio(AudioFileClip(manifest["mix"]["path"]))
        video.write_videofile(
            str(out),
            fps=fps,
            codec="libx264",
            preset=config["preset"],
            audio_codec="aac",
            audio_bitrate=AUDIO_BITRATE,
            temp_audiofile=str(Path(tmp) / "audio.m4a"),  # else MoviePy writes it in the cwd
            threads=2,
            logger=None,
            ffmpeg_params=["-crf", str(config["crf"]), "-pix_fmt", "yuv420p"],
        )
        video.close()
        for clip in clips:
            clip.close()  # its reader processes end here, so their CPU is counted
        return time.perf_counter() - started, cpu_seconds() - cpu
