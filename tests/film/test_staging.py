"""No caption ever covers a face or a figure: the cast stands above the caption band in every
format and framing, even at the end of a push-in, and the render records where they stood."""

from __future__ import annotations

import numpy as np
import pytest

from film.camera import ZOOM
from film.captions import Cue, caption_top, cues_for_timeline, layout
from film.figures import figure_for
from film.scenery import PAN
from film.staging import empty_layers, framed
from film.timeline import Timeline

CAST = [
    figure_for("IRIS", gender="f", age="adult", order=0),
    figure_for("CAPTAIN HOLT", gender="m", age="old", order=1),
    figure_for("PIP", gender="m", age="child", order=2),
    figure_for("BRAM", gender="m", age="young", order=3),
    figure_for("NELL", gender="f", age="young", order=4),
]
FORMATS = (("16:9", (480, 270)), ("9:16", (270, 480)), ("1:1", (360, 360)))
LONG_CUE = Cue(0.0, 2.0, ("Nobody could tell me where", "the keeper had gone that night."))


def zoomed(y: float, height: int) -> float:
    """Where a row of the frame ends up at the end of a push-in (a zoom about the centre)."""
    return height / 2 + (y - height / 2) * ZOOM


@pytest.mark.parametrize(("aspect", "size"), FORMATS)
@pytest.mark.parametrize("framing", ["wide", "medium"])
@pytest.mark.parametrize("focus", [None, "IRIS", "CAPTAIN HOLT", "PIP"])
def test_every_figure_stands_above_the_captions_and_under_the_top_edge(
    aspect, size, framing, focus
) -> None:
    # given the whole cast on an empty set, framed as a setup would be
    W, H = size
    base = empty_layers(round(W * (1 + PAN)), H)
    layers, boxes = framed(
        base,
        CAST,
        size=size,
        framing=framing,
        focus=focus,
        present=[f.name for f in CAST],
        light=None,
        aspect=aspect,
    )
    # then the opaque pixels of the cast (all of which a pan may show) ...
    alpha = np.asarray(layers["near"].getchannel("A"))
    rows = np.flatnonzero(alpha.max(axis=1) > 0)
    assert rows.size, "the cast is drawn"
    lowest, highest = rows.max() + 1, rows.min()
    # ... end above the highest caption box, even at the end of a push-in
    _, cue_box = layout(LONG_CUE, size, aspect)
    assert cue_box[1] >= caption_top(size, aspect)
    assert zoomed(lowest, H) <= caption_top(size, aspect)
    assert zoomed(highest, H) >= 0, "heads stay in the frame"
    # and the boxes the render records are where the figures were drawn
    assert set(boxes) == {f.name for f in CAST}
    assert max(b[3] for b in boxes.values()) == lowest
    assert min(b[1] for b in boxes.values()) == highest


def test_shorts_buttons_never_cover_a_face() -> None:
    size = (270, 480)
    base = empty_layers(round(270 * (1 + PAN)), 480)
    _, boxes = framed(
        base,
        CAST,
        size=size,
        framing="wide",
        focus=None,
        present=[f.name for f in CAST],
        light=None,
        aspect="9:16",
    )
    assert max(b[2] for b in boxes.values()) <= 0.85 * 270


def test_the_rendered_films_figures_all_stand_above_its_captions(full_film) -> None:
    # given the example as rendered (its manifest records where each setup's cast stood)
    _, manifest = full_film
    config = manifest["config"]
    size, aspect = (config["width"], config["height"]), config["aspect"]
    stage = manifest["stage"]
    top = stage["caption_top"]
    # then every caption of the film is below the band's top ...
    cues = cues_for_timeline(Timeline.from_dict(manifest["timeline"]), aspect=aspect)
    assert min(layout(c, size, aspect)[1][1] for c in cues) >= top
    # ... and every figure of every setup above it, a push-in included
    drawn = [box for setup in stage["figures"] for box in setup.values()]
    assert len(stage["figures"]) == len(manifest["segments"])
    assert len(drawn) >= len(manifest["segments"]) // 2, "the cast is on screen"
    assert max(zoomed(box[3], size[1]) for box in drawn) <= top
