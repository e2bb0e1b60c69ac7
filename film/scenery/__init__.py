"""Drawn scenery: a place (kind, time of day, weather) painted in depth layers.

`canvas.py` holds the light and the drawing helpers, `kinds.py` one composition per kind of
place; `paint(place, size, seed=...)` returns the four RGBA layers (sky, far, mid, near),
each `PAN` wider than the frame so a camera can pan across them with parallax.
"""

from film.scenery.canvas import DEPTH, LAYERS, PAN, Canvas, light_for
from film.scenery.kinds import paint
from film.scenery.registry import PAINTERS

__all__ = ["DEPTH", "LAYERS", "PAN", "PAINTERS", "Canvas", "light_for", "paint"]
