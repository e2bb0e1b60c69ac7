"""The "stock" image engine: a stock photograph per shot, found by the words of its place, from
an API speaking Pexels' protocol (`GET {base_url}/search?query=...&orientation=...`, the key
in the `Authorization` header; the reply's first photo's `src` links), fitted to the frame.
Without a key the registry hands out the drawn scenery instead."""

from __future__ import annotations

import io
import json
import urllib.parse
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from film.config import FilmConfig
from film.places import place_for
from film.providers.http import bad_reply, call
from film.providers.images import ShotContext, fit_to_frame

# Search words per kind of place (the kind's own name otherwise).
_WORDS = {
    "harbour": "harbour boats",
    "ship_deck": "ship deck sea",
    "room": "living room",
    "interior": "room interior",
    "exterior": "landscape",
    "space": "space stars",
}


def search_words(shot: ShotContext) -> str:
    """What to search for: the kind of place, its time of day and weather."""
    place = place_for(
        int_ext=shot.int_ext,
        location=shot.location or shot.heading,
        time_of_day=shot.time_of_day,
        action=shot.caption,
    )
    words = [_WORDS.get(place.kind, place.kind.replace("_", " "))]
    if place.time != "day":
        words.append(place.time)
    if place.weather != "clear":
        words.append(place.weather)
    return " ".join(words)


class StockImageProvider:
    name = "stock"
    version = "1"

    def __init__(self, config: FilmConfig) -> None:
        self.config = config.stock

    def render(self, *, shot: ShotContext, size: tuple[int, int], out_path: Path) -> None:
        width, height = size
        orientation = "landscape" if width > height else "portrait" if height > width else "square"
        query = urllib.parse.urlencode(
            {"query": search_words(shot), "orientation": orientation, "per_page": 1}
        )
        headers = {"Authorization": self.config.api_key}
        found = call(
            f"{self.config.base_url}/search?{query}",
            stage="images",
            provider=self.name,
            headers=headers,
            timeout=self.config.timeout_seconds,
        )
        try:
            src = json.loads(found)["photos"][0]["src"]
            link = src.get("large2x") or src["original"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise bad_reply(
                stage="images", provider=self.name, message=f"no photo for {search_words(shot)!r}"
            ) from exc
        data = call(
            link,
            stage="images",
            provider=self.name,
            headers={},
            timeout=self.config.timeout_seconds,
        )
        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except (UnidentifiedImageError, OSError) as exc:
            raise bad_reply(
                stage="images", provider=self.name, message="the photo is not an image"
            ) from exc
        fit_to_frame(image.convert("RGB"), size).save(out_path, format="PNG")
