"""The step table: each step declared once, what a target needs, and the progress shares."""

from __future__ import annotations

from pathlib import Path

import pytest

from film.pipeline import STEPS, Step, plan, run_steps
from film.workspace import FilmRun, save_manifest


def names(steps: list[Step]) -> list[str]:
    return [step.name for step in steps]


def a_run(tmp_path: Path, **entries) -> FilmRun:
    """A run whose manifest already holds `entries` (none: no manifest at all)."""
    if entries:
        save_manifest(tmp_path, {"config": {}, "cache": {}, **entries})
    return FilmRun(work_dir=tmp_path, cache_dir=tmp_path / "cache")


def test_every_step_needs_only_earlier_steps_writes_its_own_entry_and_the_shares_make_one():
    order = list(STEPS)
    for step in STEPS.values():
        assert all(order.index(need) < order.index(step.name) for need in step.needs)
    assert len({step.product for step in STEPS.values()}) == len(STEPS)
    assert sum(step.weight for step in STEPS.values()) == pytest.approx(1.0)


def test_on_an_empty_work_dir_a_step_brings_exactly_what_it_needs(tmp_path):
    run = a_run(tmp_path)
    assert names(plan(run, "thumbnail")) == list(STEPS)
    # subtitles need the timeline, not the pictures or the mix
    assert names(plan(run, "subtitles")) == ["analyse", "voices", "subtitles"]
    assert names(plan(run, "images")) == ["analyse", "images"]


def test_what_the_manifest_holds_is_not_made_again(tmp_path):
    run = a_run(tmp_path, breakdown={}, timeline={}, images=[])
    assert names(plan(run, "mix")) == ["mix"]
    assert names(plan(run, "clips")) == ["clips"]
    assert names(plan(run, "voices")) == []


def test_a_step_run_again_runs_again_what_reads_its_entry(tmp_path):
    run = a_run(tmp_path, breakdown={}, timeline={}, images=[], clips=[], mix={}, subtitles={})
    # redoing the voices remakes the timeline: the clips, the mix and the subtitles follow,
    # the stills (which read only the breakdown) do not
    assert names(plan(run, "compose", redo={"voices"})) == [
        "voices",
        "clips",
        "mix",
        "subtitles",
        "compose",
    ]
    assert names(plan(run, "compose", redo={"compose"})) == ["compose"]
    assert names(plan(run, "thumbnail", redo=STEPS)) == list(STEPS)


def test_progress_is_shared_by_weight_and_never_goes_back(tmp_path):
    seen: list[tuple[float, str]] = []

    def halfway(run, progress):
        progress(0.5, "half")

    steps = [Step("a", "a", (), halfway, 1.0), Step("b", "b", ("a",), halfway, 3.0)]

    seconds = run_steps(a_run(tmp_path), steps, progress=lambda f, m: seen.append((f, m)))

    assert seen == [(0.125, "half"), (0.25, "a done"), (0.625, "half"), (1.0, "b done")]
    assert set(seconds) == {"a", "b"}
