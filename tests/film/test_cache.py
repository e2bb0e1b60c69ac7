"""Per-shot caching: a re-render reuses everything; an edit re-renders only its scene."""

from __future__ import annotations

from pathlib import Path

import pytest

from film import camera
from film.breakdown import Breakdown
from film.cache import FileCache
from film.pipeline import render_film
from film.workspace import FilmRun, load_manifest

pytestmark = pytest.mark.slow


def render(text: str, root: Path, cache: Path, name: str) -> dict:
    render_film(
        FilmRun(
            work_dir=root / name,
            cache_dir=cache,
            script=text,
            out_path=root / f"{name}.mp4",
            size=(320, 180),
        )
    )
    return load_manifest(root / name)


def test_second_run_reuses_the_cache_and_an_edit_touches_only_its_scene(
    tmp_path: Path, lighthouse_text: str, monkeypatch
) -> None:
    cache = tmp_path / "cache"
    render(lighthouse_text, tmp_path, cache, "cold")
    encodes = []
    real_render = camera.render_segment
    monkeypatch.setattr(
        camera, "render_segment", lambda *a, **kw: encodes.append(kw) or real_render(*a, **kw)
    )
    second = render(lighthouse_text, tmp_path, cache, "warm")
    # Nothing is synthesised, drawn, encoded or mixed again: only the final compose runs.
    # (How much faster that is, is measured by bench/film.py, not asserted here.)
    assert all(stats["misses"] == 0 for stats in second["cache"].values())
    assert encodes == []

    edited_text = lighthouse_text.replace("I saw its lantern.", "I saw its lantern twice.")
    edited = render(edited_text, tmp_path, cache, "edited")
    breakdown = Breakdown.from_dict(edited["breakdown"])
    (scene,) = [
        s for s in breakdown.scenes if any("twice" in ln.text for sh in s.shots for ln in sh.lines)
    ]
    scene_shots = {shot.index for shot in scene.shots}
    stats = edited["cache"]
    assert stats["voices"]["missed"] == ["4.0"]  # only the edited line is synthesised
    # only the setups of its (now longer) shot are re-encoded; every other one is a hit
    edited_setups = [n for n, seg in enumerate(edited["segments"]) if seg["shot"] == 4]
    assert stats["clips"]["missed"] == edited_setups
    assert set(stats["images"]["missed"]) <= scene_shots
    assert stats["clips"]["hits"] == len(edited["segments"]) - len(edited_setups)
    assert len(encodes) == len(edited_setups)


def test_failed_write_leaves_no_entry(tmp_path: Path) -> None:
    cache = FileCache(tmp_path)

    def broken(path: Path) -> None:
        path.write_bytes(b"half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        cache.get_or_create("clip", {"a": 1}, ".mp4", broken)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    path, hit = cache.get_or_create("clip", {"a": 1}, ".mp4", lambda p: p.write_bytes(b"ok"))
    assert (path.read_bytes(), hit) == (b"ok", False)
    assert cache.get_or_create("clip", {"a": 1}, ".mp4", broken) == (path, True)


def test_prune_removes_entries_nobody_used_and_a_hit_keeps_one_alive(tmp_path: Path) -> None:
    import os
    import time as clock

    cache = FileCache(tmp_path)
    used, _ = cache.get_or_create("voice", {"text": "used"}, ".wav", lambda p: p.write_bytes(b"u"))
    stale, _ = cache.get_or_create(
        "voice", {"text": "stale"}, ".wav", lambda p: p.write_bytes(b"s")
    )
    month_ago = clock.time() - 31 * 86400
    for path in (used, stale):
        os.utime(path, (month_ago, month_ago))

    assert cache.get_or_create("voice", {"text": "used"}, ".wav", lambda p: None) == (used, True)
    removed = cache.prune(unused_for=30 * 86400)

    assert removed == 1
    assert used.exists() and not stale.exists()
