"""Benchmark the film engine on the example screenplay; prints markdown tables.

    .venv/bin/python bench/film.py [--script FILE] [--aspects 16:9,9:16,1:1]

Measured:
- render speed per format: a cold render (empty cache) as seconds per second of film, with
  each step's share; the warm re-render; an edit of one line (first format only);
- the cast: median F0 and F1/F2 of every voice saying the same sentence, and the smallest
  pitch distance between two voices (every pair, and the narrator to every character);
- captions: lines per cue, characters per line, cue length, the first cue of each line
  against its voice onset in the synthesis, safe-area overlap, per format;
- sound: the score under the dialogue (LU), in the clear, the ambience; the film's
  integrated loudness and true peak;
- encoding: edit lists, the longest run of B-frames, frame-exact timestamps, bitrates;
- faces under captions: the lowest edge of any figure of any setup (at the end of a push-in)
  against the top of the caption band, per format (the render's `stage` record);
- the compose stage against a hand-written ffmpeg floor, and MoviePy composing the same
  assets, with and without the captions drawn in (first format; `bench/film_compose.py`).
Every render's CPU (user + system of this process and its ffmpeg children) is shown beside
its wall time: on a shared machine the wall time is inflated and CPU is the fairer figure.
Targets: cold render / film <= 0.5 on 2 cores; every voice pair >= 2.5 semitones apart and
the narrator >= 3; <= 2 lines per cue; 18-22 LU; -14 +/- 1 LUFS; <= -1 dBTP; compose <= 1.2x
its floor; MoviePy >= 5x slower than ours.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.film_compose import compose_vs_floor, cpu_seconds, moviepy_compose  # noqa: E402
from film.audio import SAMPLE_RATE  # noqa: E402
from film.camera import ZOOM  # noqa: E402
from film.captions import FORMATS, cues_for_timeline, layout, safe_overlap  # noqa: E402
from film.casting import VOICES  # noqa: E402
from film.loudness import measure_loudness  # noqa: E402
from film.pipeline import render_film  # noqa: E402
from film.providers.voice.piper import PiperProvider  # noqa: E402
from film.speech import speak  # noqa: E402
from film.timeline import Timeline  # noqa: E402
from film.voicing import measure_voice  # noqa: E402
from film.workspace import FilmRun, load_manifest  # noqa: E402

SIZES = {"16:9": (1920, 1080), "9:16": (1080, 1920), "1:1": (1080, 1080)}
SENTENCE = (
    "The harbour was quiet that morning, and the boats rocked gently at their ropes. "
    "Nobody could tell me where the keeper had gone."
)


LAST_CPU = {"seconds": 0.0}


def render(
    text: str, root: Path, cache: Path, name: str, aspect: str, **options
) -> tuple[float, dict, dict]:
    started, cpu = time.perf_counter(), cpu_seconds()
    result = render_film(
        FilmRun(
            work_dir=root / name,
            cache_dir=cache,
            script=text,
            aspect=aspect,
            out_path=root / f"{name}.mp4",
            **options,
        )
    )
    LAST_CPU["seconds"] = cpu_seconds() - cpu
    return time.perf_counter() - started, result.to_dict(), load_manifest(root / name)


STILL_TIMES = (1.5, 5, 16, 25, 40, 49.5)  # title card, scenes, end card of the example


def save_stills(text: str, root: Path, cache: Path, aspect: str, folder: Path) -> None:
    """Frames of the film with its captions burned in (half size, JPEG) into `folder`."""
    path = root / "burned.mp4"
    if not path.exists():
        render(text, root, cache, "burned", aspect, burn_subtitles=True)
    folder.mkdir(parents=True, exist_ok=True)
    width = SIZES[aspect][0] // 2
    for at in STILL_TIMES:
        name = f"lighthouse-{aspect.replace(':', 'x')}-{str(at).replace('.', '_')}s.jpg"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-ss", str(at), "-i", str(path), "-frames:v", "1"]
            + ["-vf", f"scale={width}:-2", "-q:v", "3", str(folder / name)],
            check=True,
        )


def faces_under_captions(manifest: dict) -> dict:
    """How far the lowest figure of any setup stays above the caption band (px, at the end
    of a push-in; negative would mean a caption covers someone)."""
    stage, height = manifest["stage"], manifest["config"]["height"]
    bottoms = [
        height / 2 + (box[3] - height / 2) * ZOOM
        for setup in stage["figures"]
        for box in setup.values()
    ]
    return {
        "setups with figures": sum(1 for setup in stage["figures"] if setup),
        "caption band top": stage["caption_top"],
        "clearance (px, min)": round(stage["caption_top"] - max(bottoms)) if bottoms else None,
    }


def voices() -> None:
    piper = PiperProvider()
    measured = {
        n: measure_voice(speak(piper, text=SENTENCE, profile=p).samples, rate=SAMPLE_RATE)
        for n, p in VOICES.items()
    }
    print("| voice | median F0 (Hz) | F1 (Hz) | F2 (Hz) |\n| --- | ---: | ---: | ---: |")
    for name, m in measured.items():
        print(f"| {name} | {m['f0']:.0f} | {m['f1']:.0f} | {m['f2']:.0f} |")
    pairs = [
        (abs(12 * np.log2(measured[a]["f0"] / measured[b]["f0"])), a, b)
        for a, b in itertools.combinations(measured, 2)
    ]
    closest = min(pairs)
    narrator = min(p for p in pairs if "narrator" in p[1:])
    print(
        f"\nclosest pair: {closest[1]}/{closest[2]} {closest[0]:.2f} semitones; "
        f"narrator to nearest: {narrator[0]:.2f} semitones ({narrator[1]}/{narrator[2]})\n"
    )


def encoding(path: str, fps: int) -> dict:
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "frame=pict_type,pts_time",
            "-of",
            "json",
            path,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    frames = json.loads(out)["frames"]
    types = "".join(f["pict_type"] for f in frames)
    pts = np.sort([float(f["pts_time"]) for f in frames])
    steps = np.diff(pts)
    return {
        "edit lists": Path(path).read_bytes().count(b"elst"),
        "longest B run": max(len(r) for r in types.replace("I", "P").split("P")),
        "irregular frame steps": int((np.abs(steps - 1 / fps) > 1e-6).sum()),
        "first pts": float(pts[0]),
    }


def captions(manifest: dict, aspect: str) -> dict:
    timeline = Timeline.from_dict(manifest["timeline"])
    size = SIZES[aspect]
    cues = cues_for_timeline(timeline, aspect=aspect)
    first_offsets = [min(abs(c.start - ln.start) for c in cues) for ln in timeline.lines]
    return {
        "cues": len(cues),
        "max lines per cue": max(len(c.lines) for c in cues),
        "max chars per line": max(len(x) for c in cues for x in c.lines),
        "limit": FORMATS[aspect]["chars"],
        "longest cue (s)": round(max(c.end - c.start for c in cues), 2),
        "first cue to line onset (ms, max)": round(1000 * max(first_offsets), 1),
        "safe-area overlap (px)": sum(
            safe_overlap(layout(c, size, aspect)[1], size, aspect) for c in cues
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--script", default=str(ROOT / "examples" / "the_lighthouse.fountain"))
    parser.add_argument("--aspects", default="16:9,9:16,1:1")
    parser.add_argument("--no-moviepy", action="store_true", help="skip the MoviePy baseline")
    parser.add_argument("--stills", type=Path, help="save frames of each burned-in film here")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    text = Path(args.script).read_text(encoding="utf-8")
    voices()
    for n, aspect in enumerate(args.aspects.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            root, cache = Path(tmp), Path(tmp) / "cache"
            cold, result, manifest = render(text, root, cache, "cold", aspect)
            cpu = LAST_CPU["seconds"]
            duration = result["duration"]
            seconds = manifest["stage_seconds"]
            print(
                f"### {aspect}\n\nfilm {duration:.1f} s, {len(manifest['segments'])} setups; "
                f"cold render {cold:.1f} s = {cold / duration:.2f} s per film second; "
                f"CPU {cpu:.1f} s = {cpu / duration:.2f} per film second "
                f"({cpu / duration / 2:.2f} if both cores were busy throughout)"
            )
            print("steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()))
            if n == 0:
                warm, _, _ = render(text, root, cache, "warm", aspect)
                warm_cpu = LAST_CPU["seconds"]
                edited = text.replace("I saw its lantern.", "I saw its lantern twice.")
                edit, _, em = render(edited, root, cache, "edit", aspect)
                edit_cpu = LAST_CPU["seconds"]
                print(f"CPU: warm re-render {warm_cpu:.1f} s; one-line edit {edit_cpu:.1f} s")
                print(
                    f"warm re-render {warm:.1f} s; one-line edit {edit:.1f} s "
                    f"(clips re-encoded: {em['cache']['clips']['missed']})"
                )
                run = FilmRun(work_dir=root / "cold", cache_dir=cache)
                pair = compose_vs_floor(run, manifest, root)
                (ours, ours_cpu), (floor, floor_cpu) = pair["ours"], pair["floor"]
                print(
                    f"compose {ours:.2f} s (CPU {ours_cpu:.2f} s) vs hand-written ffmpeg "
                    f"{floor:.2f} s (CPU {floor_cpu:.2f} s) = {ours / floor:.2f}x the floor in "
                    f"wall time, {ours_cpu / floor_cpu:.2f}x in CPU (medians of 3, interleaved)"
                )
                burned, _, bm = render(text, root, cache, "burned", aspect, burn_subtitles=True)
                burned_cpu = LAST_CPU["seconds"]
                print(
                    f"burned-in captions on the warm cache (every clip encoded again with its "
                    f"captions, then compose): {burned:.1f} s, CPU {burned_cpu:.1f} s"
                )
                if not args.no_moviepy:
                    plain, plain_cpu = moviepy_compose(manifest, root / "moviepy.mp4")
                    drawn, drawn_cpu = moviepy_compose(manifest, root / "moviepy-b.mp4", burn=True)
                    print(
                        f"MoviePy joining the same clips over the mix: {plain:.1f} s, CPU "
                        f"{plain_cpu:.1f} s = {plain / ours:.1f}x our compose in wall time, "
                        f"{plain_cpu / ours_cpu:.1f}x in CPU; with the captions drawn in: "
                        f"{drawn:.1f} s, CPU {drawn_cpu:.1f} s = {drawn / burned:.1f}x our "
                        f"burned-in render in wall time, {drawn_cpu / burned_cpu:.1f}x in CPU"
                    )
            loud = measure_loudness(Path(result["output"]))
            mix = manifest["mix"]["measured"]
            print(
                f"loudness {loud['integrated_lufs']} LUFS, "
                f"true peak {loud['true_peak_dbtp']} dBTP; "
                f"score under speech {mix.get('music_under_speech_lu')} LU, "
                f"in the clear {mix.get('music_in_the_clear_lu')} LU, "
                f"ambience {mix.get('ambience_under_dialogue_lu')} LU"
            )
            streams = {s["codec_type"]: s for s in result["streams"]}
            video, audio = streams["video"], streams["audio"]
            print(
                f"video {int(video['bit_rate']) / 1e6:.2f} Mb/s {video['profile']}; "
                f"audio {int(audio['bit_rate']) / 1e3:.0f} kb/s "
                f"{audio['sample_rate']} Hz x{audio['channels']}"
            )
            print(f"encoding: {encoding(result['output'], manifest['config']['fps'])}")
            if args.stills:
                save_stills(text, root, cache, aspect, args.stills)
            print(f"captions: {captions(manifest, aspect)}")
            print(f"faces under captions: {faces_under_captions(manifest)}\n")


if __name__ == "__main__":
    main()
