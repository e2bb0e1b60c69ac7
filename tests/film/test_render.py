"""The rendered film: delivery format, loudness, subtitle sync, shot order."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from film.camera import flatten
from film.compose import extract_frame
from film.loudness import measure_loudness
from film.steps.pictures import _unstack
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
    timeline = manifest["timeline"]
    frames = timeline["lead_in"] + sum(s["frames"] for s in timeline["shots"]) + timeline["tail"]
    planned = frames / fps
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


def test_every_subtitle_starts_with_its_words_in_the_voice(speech_only_film) -> None:
    result, manifest = speech_only_film
    cues = parse_srt(Path(result.srt).read_text(encoding="utf-8"))
    onsets = voice_onsets(decode_mono(result.output))
    lines = [ln for shot in manifest["timeline"]["shots"] for ln in shot["lines"]]
    # every cue starts where one of its line's sentences or clauses starts in the synthesis
    starts = [ln["start"] + part[1] for ln in lines for part in ln["parts"]]
    for cue in cues:
        assert min(abs(s - cue.start) for s in starts) <= 0.002, cue
    # and a line's first cue starts within 50 ms of the voice, as heard in the film
    for line in lines:
        first = min(cues, key=lambda c: abs(c.start - line["start"]))
        nearest = onsets[np.argmin(np.abs(onsets - first.start))]
        assert abs(nearest - first.start) <= 0.050, (first.text, first.start, nearest)
    # and nothing is heard before the first cue
    assert onsets[0] >= cues[0].start - 0.050


def test_webvtt_matches_srt(speech_only_film) -> None:
    result, _ = speech_only_film
    vtt = Path(result.vtt).read_text(encoding="utf-8")
    srt = Path(result.srt).read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n")
    assert vtt.count("-->") == srt.count("-->")


def mean_colour(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.float64).reshape(-1, 3).mean(axis=0)


def test_setups_show_their_scene_in_script_order_between_title_and_end_cards(
    full_film, tmp_path: Path
) -> None:
    # the manifest says where each setup is; the picture must be of that setup's place
    result, manifest = full_film
    fps = manifest["config"]["fps"]
    segments = manifest["segments"]
    assert segments[0]["kind"] == "title" and segments[-1]["kind"] == "end"
    assert sum(s["frames"] for s in segments) == (
        manifest["timeline"]["lead_in"]
        + sum(s["frames"] for s in manifest["timeline"]["shots"])
        + manifest["timeline"]["tail"]
    )
    places = []
    for path in manifest["scenery"]["layers"]:
        layers = _unstack(path)
        places.append(mean_colour(flatten(layers)))
    for n, seg in enumerate(segments):
        middle = (seg["start_frame"] + seg["frames"] / 2) / fps
        frame = tmp_path / f"{n}.jpg"
        extract_frame(Path(result.output), at=middle, out_path=frame, width=480)
        colour = mean_colour(Image.open(frame))
        if seg["kind"] != "shot":
            assert colour.mean() < 40  # a dark card
            continue
        distances = [np.abs(colour - place).sum() for place in places]
        assert int(np.argmin(distances)) == seg["scene"], (n, distances)
    shots = [s["shot"] for s in segments if s["kind"] == "shot"]
    assert shots == sorted(shots)


def test_each_character_keeps_one_distinct_voice(full_film) -> None:
    _, manifest = full_film
    cast = manifest["cast"]
    assert set(cast) == {"NARRATOR", "MARA", "TOM"}
    assert len(set(cast.values())) == 3
    # cast from the script: "MARA, an old keeper" and "Young TOM ... his hand"
    roles = manifest["roles"]
    assert (roles["MARA"]["gender"], roles["MARA"]["age"]) == ("f", "old")
    assert (roles["TOM"]["gender"], roles["TOM"]["age"]) == ("m", "young")
