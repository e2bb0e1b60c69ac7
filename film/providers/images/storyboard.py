"""The "storyboard" image engine (the default): a drawn storyboard panel (Pillow).

Not AI, and never labelled as such: it draws the scene's interior/exterior and day/night
palette, the location, the characters present as simple named figures, the action as a
caption, and a coloured "SHOT n" tab whose colour (`SHOT_CODE_COLOURS[n % 8]`) lets tests find
each shot in the rendered video.
"""

from __future__ import annotations

import colorsys
import hashlib
import textwrap
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from film.providers.images import ShotContext

# Fully saturated hues 45 degrees apart: far from every muted scene colour the storyboard uses.
SHOT_CODE_COLOURS: list[tuple[int, int, int]] = [
    tuple(round(c * 255) for c in colorsys.hsv_to_rgb(h / 8, 1.0, 0.95))  # type: ignore[misc]
    for h in range(8)
]


@cache
def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    names = ["DejaVuSans-Bold.ttf", "DejaVuSans.ttf"] if bold else ["DejaVuSans.ttf"]
    for name in names:
        for candidate in (name, f"/usr/share/fonts/truetype/dejavu/{name}"):
            try:
                return ImageFont.truetype(candidate, size)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def _palette(int_ext: str, time_of_day: str) -> dict[str, tuple[int, int, int]]:
    tod = time_of_day.upper()
    night = any(w in tod for w in ("NIGHT", "MIDNIGHT"))
    dusk = any(w in tod for w in ("DUSK", "DAWN", "EVENING", "SUNSET", "SUNRISE", "MAGIC"))
    if int_ext == "EXT":
        if night:
            return {
                "top": (14, 20, 42),
                "bottom": (38, 48, 78),
                "ground": (28, 32, 36),
                "ink": (225, 228, 236),
                "accent": (236, 232, 200),
            }
        if dusk:
            return {
                "top": (92, 70, 110),
                "bottom": (214, 150, 112),
                "ground": (70, 62, 58),
                "ink": (250, 244, 236),
                "accent": (246, 206, 150),
            }
        return {
            "top": (120, 170, 210),
            "bottom": (196, 220, 232),
            "ground": (116, 140, 96),
            "ink": (24, 30, 40),
            "accent": (250, 236, 170),
        }
    if int_ext in ("INT", "INT/EXT"):
        if night or dusk:
            return {
                "top": (52, 42, 40),
                "bottom": (84, 66, 56),
                "ground": (46, 36, 32),
                "ink": (240, 230, 214),
                "accent": (232, 196, 120),
            }
        return {
            "top": (214, 200, 176),
            "bottom": (232, 222, 202),
            "ground": (150, 118, 90),
            "ink": (40, 32, 28),
            "accent": (176, 204, 220),
        }
    # Prose and cards: neutral paper.
    return {
        "top": (222, 218, 208),
        "bottom": (238, 234, 226),
        "ground": (200, 194, 182),
        "ink": (40, 40, 44),
        "accent": (170, 160, 150),
    }


def _character_colour(name: str) -> tuple[int, int, int]:
    # Muted (low saturation) so a figure can never be mistaken for a shot-code colour.
    hue = int(hashlib.sha256(name.encode()).hexdigest()[:4], 16) / 0xFFFF
    return tuple(round(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.35, 0.62))  # type: ignore


def _gradient(size: tuple[int, int], top: tuple[int, ...], bottom: tuple[int, ...]) -> Image.Image:
    width, height = size
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / max(1, height - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        column.putpixel((0, y), colour)
    return column.resize((width, height))


class StoryboardProvider:
    """Draws a storyboard panel; deterministic, ~50 ms per 1080p frame."""

    name = "storyboard"
    version = "1"

    def render(self, *, shot: ShotContext, size: tuple[int, int], out_path: Path) -> None:
        self.draw(shot=shot, size=size).save(out_path, format="PNG", compress_level=1)

    def draw(self, *, shot: ShotContext, size: tuple[int, int]) -> Image.Image:
        width, height = size
        unit = min(width, height)
        colours = _palette(shot.int_ext, shot.time_of_day)
        horizon = round(height * 0.64)
        image = _gradient((width, horizon), colours["top"], colours["bottom"])
        canvas = Image.new("RGB", size, colours["ground"])
        canvas.paste(image, (0, 0))
        draw = ImageDraw.Draw(canvas)
        self._scenery(draw, shot, size, horizon, colours)
        self._figures(draw, shot.characters, size, horizon, unit)
        # Everything that must survive the pan & zoom stays inside a 9% safe margin.
        margin_x, margin_y = round(width * 0.09), round(height * 0.09)
        heading = shot.heading or ("STORY" if shot.kind == "prose" else "")
        draw.text(
            (margin_x, margin_y),
            heading,
            font=_font(round(unit * 0.04), bold=True),
            fill=colours["ink"],
        )
        tab_w, tab_h = round(width * 0.13), round(height * 0.065)
        tab_x = width - margin_x - tab_w
        draw.rectangle(
            (tab_x, margin_y, tab_x + tab_w, margin_y + tab_h),
            fill=SHOT_CODE_COLOURS[shot.index % len(SHOT_CODE_COLOURS)],
        )
        draw.text(
            (tab_x + tab_w / 2, margin_y + tab_h / 2),
            f"SHOT {shot.index + 1}",
            font=_font(round(tab_h * 0.45), bold=True),
            fill=(255, 255, 255),
            anchor="mm",
        )
        caption_font = _font(round(unit * 0.032))
        text_width = width - 2 * margin_x - tab_w  # never run under the shot tab
        chars_per_line = max(16, int(text_width / (unit * 0.032 * 0.55)))
        caption = textwrap.wrap(shot.caption, chars_per_line)[:3]
        y = margin_y + round(unit * 0.07)
        for text in caption:
            draw.text((margin_x, y), text, font=caption_font, fill=colours["ink"])
            y += round(unit * 0.042)
        return canvas

    def _scenery(
        self,
        draw: ImageDraw.ImageDraw,
        shot: ShotContext,
        size: tuple[int, int],
        horizon: int,
        colours: dict[str, tuple[int, int, int]],
    ) -> None:
        width, height = size
        seed = int(hashlib.sha256(shot.location.encode()).hexdigest()[:8], 16)
        night = "NIGHT" in shot.time_of_day.upper()
        if shot.int_ext == "EXT":
            if night:
                for i in range(40):  # stars, placed from the location so a place looks the same
                    x = (seed * (i + 7) * 2654435761) % width
                    y = (seed * (i + 3) * 40503) % max(1, horizon - 10)
                    draw.ellipse((x, y, x + 3, y + 3), fill=(230, 230, 220))
            cx, cy, r = width * 0.72, height * 0.30, min(width, height) * 0.06
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colours["accent"])
            # a low skyline shaped by the location name
            step = width // 12
            for i in range(13):
                bump = (seed >> (i % 24)) % 5
                top = horizon - round(height * 0.02 * (1 + bump))
                draw.rectangle((i * step, top, i * step + step, horizon), fill=colours["ground"])
        elif shot.int_ext in ("INT", "INT/EXT"):
            wx, wy = round(width * 0.62), round(height * 0.28)
            ww, wh = round(width * 0.2), round(height * 0.24)
            draw.rectangle(
                (wx, wy, wx + ww, wy + wh),
                fill=colours["accent"],
                outline=colours["ground"],
                width=max(2, width // 200),
            )
            draw.line(
                (wx + ww / 2, wy, wx + ww / 2, wy + wh),
                fill=colours["ground"],
                width=max(2, width // 300),
            )
            draw.line((0, horizon, width, horizon), fill=colours["ink"], width=2)

    def _figures(
        self,
        draw: ImageDraw.ImageDraw,
        names: list[str],
        size: tuple[int, int],
        horizon: int,
        unit: int,
    ) -> None:
        width, height = size
        if not names:
            return
        font = _font(round(unit * 0.03), bold=True)
        for i, name in enumerate(names[:5]):
            x = width * (i + 1) / (len(names[:5]) + 1)
            body_h, head_r = unit * 0.2, unit * 0.045
            feet = horizon + unit * 0.08
            colour = _character_colour(name)
            draw.rounded_rectangle(
                (x - unit * 0.05, feet - body_h, x + unit * 0.05, feet),
                radius=round(unit * 0.03),
                fill=colour,
            )
            hy = feet - body_h - head_r * 1.1
            draw.ellipse((x - head_r, hy - head_r, x + head_r, hy + head_r), fill=colour)
            draw.text(
                (x, feet + unit * 0.02),
                name.title(),
                font=font,
                fill=(245, 245, 245),
                anchor="ma",
                stroke_width=2,
                stroke_fill=(20, 20, 20),
            )
