"""The "scenery" image engine (the default, offline): the place drawn in depth layers.

It does more than the `ImageProvider` interface asks: `layers(place, size, seed=...)` gives
the four layers the camera moves across with parallax (see `film.scenery`); `render` gives a
single still of the place (wide, without the cast) for callers that want just a picture.
Nothing of the tool is drawn: no heading, no action text, no shot marks.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from film.places import Place, place_for
from film.providers.images import ShotContext
from film.scenery import LAYERS, paint


class SceneryProvider:
    name = "scenery"
    version = "1"
    layered = True

    def layers(self, place: Place, size: tuple[int, int], *, seed: int) -> dict[str, Image.Image]:
        return paint(place, size, seed=seed)

    def render(self, *, shot: ShotContext, size: tuple[int, int], out_path: Path) -> None:
        place = place_for(
            int_ext=shot.int_ext,
            location=shot.location or shot.heading,
            time_of_day=shot.time_of_day,
            action=shot.caption,
        )
        layers = self.layers(place, size, seed=shot.index)
        flat = layers[LAYERS[0]].copy()
        for name in LAYERS[1:]:
            flat.alpha_composite(layers[name])
        left = (flat.width - size[0]) // 2
        flat.crop((left, 0, left + size[0], size[1])).convert("RGB").save(out_path, format="PNG")
