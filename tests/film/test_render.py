"""The rendered film: delivery format, loudness, subtitle sync, shot order."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from film.compose import extract_frame
from film.loudness import measure_loudness
from film.providers.images.storyboard import SHOT_CODE_COLOURS
from film.subtitles import parse_srt

pytestmark = pytest.mark.slow


def streams_of(result, kind: str) -> list[dict]:
    return [s for s in result.streams if s["codec_type"] == kind]


def test_film_is_delivered_in_the_platform_format(full_film) -> None:
    result, manifest = full_film
    (video,) = streams_of(result, "video")
    (audio,) = streams_of(result, "audio")
    (subs,) = streams_of(result, "subtitle")
    assert (video["codec_name"], video["profile"], video["pix_fmt"]) == ("h264", "High", "yuv420p")
    assert (video["width"], video["height"]) == (1920, 1080)
    assert video["r_frame_rate"] == "24/1"
    assert (audio["codec_name"], audio["profile"]) == ("aac", "LC")
    assert (int(audio["sample_rate"]), audio["channels"]) == (48000, 2)
    assert subs["codec_name"] == "mov_text"
    fps = manifest["config"]["fps"]
    planned = sum(shot["frames"] for shot in manifest["timeline"]["shots"]) / fps
    assert abs(result.duration - planned) <= 0.05 * planned
    assert 40 <= planned <= 65  # the example is meant to be a ~45-60 s film
    assert Path(result.thumbnail).stat().st_size > 10_000


def test_keyframes_form_closed_two_second_gops(full_film) -> None:
    result, _ = full_film
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=pts_time,flags",
            "-of",
            "csv=p=0",
            result.output,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    keys = [float(row.split(",")[0]) for row in out.split() if row.split(",")[1].startswith("K")]
    gaps = np.diff(keys)
    assert keys[0] == 0.0
    assert gaps.max() <= 2.0 + 1e-6  # never longer than 2 s (cuts may start a GOP early)


def test_loudness_is_minus_14_lufs_with_true_peak_under_minus_1(full_film) -> None:
    result, _ = full_film
    measured = measure_loudness(Path(result.output))
    assert abs(measured["integrated_lufs"] - -14.0) <= 1.0
    assert measured["true_peak_dbtp"] <= -1.0 + 0.1


def decode_mono(path: str, rate: int = 48000) -> np.ndarray:
    raw = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            path,
            "-map",
            "0:a:0",
            "-f",
            "f32le",
            "-ac",
            "1",
            "-ar",
            str(rate),
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype="<f4")


def voice_onsets(samples: np.ndarray, rate: int = 48000) -> np.ndarray:
    """Times where sound starts after at least 150 ms of silence (5 ms RMS windows)."""
    hop = rate // 200
    frames = samples[: samples.size // hop * hop].reshape(-1, hop)
    level = 20 * np.log10(np.sqrt((frames**2).mean(axis=1)) + 1e-9)
    loud = level > level.max() - 40
    onsets, quiet = [], 30
    for i, is_loud in enumerate(loud):
        if is_loud and quiet >= 30:
            onsets.append(i * hop / rate)
        quiet = 0 if is_loud else quiet + 1
    return np.array(onsets)


def test_every_subtitle_starts_with_its_voice(speech_only_film) -> None:
    result, manifest = speech_only_film
    cues = parse_srt(Path(result.srt).read_text(encoding="utf-8"))
    onsets = voice_onsets(decode_mono(result.output))
    assert len(cues) == sum(len(shot["lines"]) for shot in manifest["timeline"]["shots"]) == 10
    for cue in cues:
        nearest = onsets[np.argmin(np.abs(onsets - cue.start))]
        assert abs(nearest - cue.start) <= 0.050, (cue.text, cue.start, nearest)
    # and nothing is heard before the first cue
    assert onsets[0] >= cues[0].start - 0.050


def test_webvtt_matches_srt(speech_only_film) -> None:
    result, _ = speech_only_film
    vtt = Path(result.vtt).read_text(encoding="utf-8")
    srt = Path(result.srt).read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n")
    assert vtt.count("-->") == srt.count("-->")


def shot_code(image: Image.Image) -> int:
    """Index of the shot-code colour covering most pixels of the frame."""
    pixels = np.asarray(image.convert("RGB"), dtype=np.int32).reshape(-1, 3)
    counts = [
        int((np.abs(pixels - np.array(colour)).sum(axis=1) < 60).sum())
        for colour in SHOT_CODE_COLOURS
    ]
    assert max(counts) > 200, counts
    return int(np.argmax(counts))


def test_shots_appear_in_script_order(full_film, tmp_path: Path) -> None:
    result, manifest = full_film
    fps = manifest["config"]["fps"]
    seen = []
    for shot in manifest["timeline"]["shots"]:
        middle = (shot["start_frame"] + shot["frames"] / 2) / fps
        frame = tmp_path / f"{shot['index']}.jpg"
        extract_frame(Path(result.output), at=middle, out_path=frame, width=480)
        seen.append(shot_code(Image.open(frame)))
    expected = [i % len(SHOT_CODE_COLOURS) for i in range(len(manifest["timeline"]["shots"]))]
    assert seen == expected


def test_each_character_keeps_one_distinct_voice(full_film) -> None:
    _, manifest = full_film
    cast = manifest["cast"]
    assert set(cast) == {"NARRATOR", "MARA", "TOM"}
    assert len(set(cast.values())) == 3
