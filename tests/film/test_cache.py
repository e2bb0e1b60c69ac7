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


class _Store:
    """A SharedStore in a folder (what jobs/film_storage.py does on Django storage)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def fetch(self, name: str, dest: Path) -> bool:
        source = self.root / name
        if not source.exists():
            return False
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(source.read_bytes())
        return True

    def put(self, name: str, src: Path) -> None:
        (self.root / name).parent.mkdir(parents=True, exist_ok=True)
        (self.root / name).write_bytes(src.read_bytes())

    replace = put


def test_a_host_reuses_what_another_made_through_the_shared_store(tmp_path: Path) -> None:
    from film.cache import cache_key

    store = _Store(tmp_path / "store")
    one = FileCache(tmp_path / "one", shared=store)
    two = FileCache(tmp_path / "two", shared=store)
    key = cache_key({"kind": "voice", "text": "hi"})

    def make(path: Path) -> None:  # a line's audio and its timings beside it
        path.write_bytes(b"audio")
        one.path_for("voice", key, ".json").write_text("[]")

    _, hit = one.get_or_create("voice", {"text": "hi"}, ".wav", make, companions=(".json",))
    assert not hit
    path, hit = two.get_or_create("voice", {"text": "hi"}, ".wav", make, companions=(".json",))
    assert hit and path.read_bytes() == b"audio"
    assert two.path_for("voice", key, ".json").read_text() == "[]"  # it came along
    assert path.is_relative_to(tmp_path / "two")


def test_trim_keeps_the_local_tier_within_its_size_least_recently_used_out_first(
    tmp_path: Path,
) -> None:
    import os
    import time as clock

    cache = FileCache(tmp_path, shared=_Store(tmp_path / "store"))
    paths = [
        cache.get_or_create("clip", {"n": n}, ".h264", lambda p: p.write_bytes(b"x" * 100))[0]
        for n in range(4)
    ]
    now = clock.time()
    for age, path in zip((400, 300, 200, 1), paths, strict=True):
        os.utime(path, (now - age, now - age))

    assert cache.trim(max_bytes=250, keep_recent=100, now=now) == 2  # the two oldest
    assert [p.exists() for p in paths] == [False, False, True, True]
    # an entry used in the last `keep_recent` seconds stays, even past the size
    assert cache.trim(max_bytes=0, keep_recent=100, now=now) == 1
    assert [p.exists() for p in paths] == [False, False, False, True]
