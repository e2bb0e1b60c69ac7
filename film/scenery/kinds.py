"""Painting a place: the registered painter for its kind (interiors of an outdoor kind get
a cabin or a generic room), then the weather over the layers."""

from __future__ import annotations

from PIL import Image

from film.places import Place
from film.scenery import exteriors, interiors  # noqa: F401  (they register the painters)
from film.scenery.canvas import Canvas
from film.scenery.registry import PAINTERS

_OUTDOOR = {
    "sea",
    "beach",
    "desert",
    "mountain",
    "forest",
    "field",
    "city",
    "street",
    "market",
    "harbour",
    "lighthouse",
    "ship_deck",
    "exterior",
}


def paint(place: Place, size: tuple[int, int], *, seed: int) -> dict[str, Image.Image]:
    c = Canvas(place, size, seed=seed)
    kind = place.kind if place.kind in PAINTERS else ("interior" if place.interior else "exterior")
    if place.interior and kind in _OUTDOOR:
        kind = "cabin" if kind in ("harbour", "lighthouse", "ship_deck") else "interior"
    PAINTERS[kind](c)
    return c.finish()
