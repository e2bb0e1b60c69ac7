"""Burned-in subtitles: drawn into each shot's clip by the clips stage, so compose still joins
the clips by stream copy; burned and soft clips are cached side by side."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from film import compose as composer
from film.compose import extract_frame
from film.pipeline import render_film
from film.steps.delivery import compose
from film.subtitles import parse_srt
from film.workspace import FilmRun, load_manifest

pytestmark = pytest.mark.slow


def _video_md5(path: Path) -> str:
    """MD5 of the video stream's packets (what stream copy carries over unchanged)."""
    return subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-c", "copy", "-f", "md5", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def _frame(video: Path, at: float, out: Path) -> np.ndarray:
    extract_frame(video, at=at, out_path=out)
    return np.asarray(Image.open(out).convert("L"), dtype=float)


def test_a_burned_render_after_a_soft_one_encodes_only_clips_and_composes_by_copy(
    speech_only_film, lighthouse_text, voice_cache, tmp_path, monkeypatch
) -> None:
    """Given the soft-subtitled film rendered on a cache, when the same script is rendered
    with burned-in subtitles on that cache, then only the clips are encoded again (voices,
    stills and the mix come from the cache), compose re-encodes no frame (the video is
    stream-copied, no subtitles filter), and the caption is drawn at the bottom."""
    soft, soft_manifest = speech_only_film
    composed: list[list[str]] = []
    run_compose = composer.run_compose

    def spy(cmd):
        composed.append(list(cmd))
        return run_compose(cmd)

    monkeypatch.setattr(composer, "run_compose", spy)

    burned = render_film(
        FilmRun(
            work_dir=tmp_path / "work",
            cache_dir=voice_cache,
            script=lighthouse_text,
            out_path=tmp_path / "burned.mp4",
            size=(320, 180),
            music=False,
            burn_subtitles=True,
        )
    )

    manifest = load_manifest(tmp_path / "work")
    assert manifest["config"]["burn_subtitles"] is True
    assert manifest["clips_burned"] is True
    for kind in ("voices", "images", "mix"):
        assert manifest["cache"][kind]["misses"] == 0, kind
    # the setups that show a caption (every shot's: each carries a line) are encoded again
    with_lines = [n for n, s in enumerate(manifest["segments"]) if s["kind"] == "shot"]
    assert with_lines and manifest["cache"]["clips"]["missed"] == with_lines
    assert set(manifest["clips"]).isdisjoint(soft_manifest["clips"][i] for i in with_lines)
    (args,) = composed
    assert args[args.index("-c:v") + 1] == "copy"
    assert "loudnorm" in args[args.index("-af") + 1]
    assert "-vf" not in args and "-filter_complex" not in args  # no video filter at all
    assert {s["codec_type"] for s in burned.streams} == {"video", "audio", "subtitle"}

    cue = parse_srt(Path(burned.srt).read_text(encoding="utf-8"))[0]
    at = (cue.start + cue.end) / 2
    changed = (
        abs(
            _frame(Path(burned.output), at, tmp_path / "b.jpg")
            - _frame(Path(soft.output), at, tmp_path / "s.jpg")
        )
        > 60
    )
    height = changed.shape[0]
    assert changed[: height // 2].mean() < 0.001
    assert changed[height * 3 // 4 :].mean() > 0.005


def test_soft_and_burned_clips_are_cached_apart_and_compose_can_ask_for_either(
    speech_only_film, lighthouse_text, voice_cache, tmp_path
) -> None:
    """Given soft and burned renders of the same script on one cache, when either is rendered
    again, then every clip is a cache hit; and composing a burned work dir without burn-in
    takes the soft clips from the cache: the same video as the soft film, bit for bit."""
    soft, _ = speech_only_film
    common = {"cache_dir": voice_cache, "size": (320, 180), "music": False}
    for burn in (True, False, True):
        work = tmp_path / f"work-{burn}"
        render_film(
            FilmRun(
                work_dir=work,
                script=lighthouse_text,
                out_path=tmp_path / f"film-{burn}.mp4",
                burn_subtitles=burn,
                **common,
            )
        )
    again = load_manifest(work)
    assert again["cache"]["clips"]["misses"] == 0
    assert again["cache"]["clips"]["hits"] == len(again["segments"])
    assert load_manifest(tmp_path / "work-False")["cache"]["clips"]["misses"] == 0

    plain = tmp_path / "plain.mp4"
    compose(FilmRun(work_dir=work, cache_dir=voice_cache, out_path=plain, burn_subtitles=False))

    manifest = load_manifest(work)
    assert manifest["cache"]["compose_clips"]["misses"] == 0
    assert manifest["output"]["burned_subtitles"] is False
    assert _video_md5(tmp_path / "plain.mp4") == _video_md5(Path(soft.output))
    assert _video_md5(tmp_path / "plain.mp4") != _video_md5(tmp_path / "film-True.mp4")
