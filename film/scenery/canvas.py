"""Drawn scenery in depth layers: sky, far, mid, near (RGBA, wider than the frame so a camera
can pan across them with parallax). Flat shapes, lit by the time of day, hazed with distance,
with the weather drawn in (fog banks, snow cover, storm light). No text, ever.

`Canvas` holds the four layers and the drawing helpers the place kinds (`kinds.py`) compose.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from film.places import Place

LAYERS = ("sky", "far", "mid", "near")
# How far each layer moves in a pan, relative to the nearest (parallax).
DEPTH = {"sky": 0.15, "far": 0.4, "mid": 0.75, "near": 1.0}
PAN = 0.10  # the layers are this much wider than the frame (of the frame width)

RGB = tuple[int, int, int]

# sky top, sky horizon, light tint (multiplies every surface), haze colour
SKIES: dict[str, tuple[RGB, RGB, RGB, RGB]] = {
    "dawn": ((88, 96, 150), (246, 184, 140), (255, 222, 200), (236, 190, 170)),
    "day": ((78, 142, 214), (190, 222, 240), (255, 255, 250), (200, 222, 236)),
    "dusk": ((52, 46, 104), (236, 128, 92), (236, 176, 150), (196, 130, 120)),
    "night": ((8, 12, 32), (30, 44, 80), (92, 110, 160), (36, 48, 82)),
}
WEATHER_SKY: dict[str, tuple[RGB, RGB]] = {
    "rain": ((70, 78, 90), (128, 136, 146)),
    "storm": ((34, 38, 50), (78, 84, 98)),
    "fog": ((170, 176, 182), (206, 210, 212)),
    "snow": ((150, 160, 176), (214, 220, 228)),
}


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


@dataclass
class Light:
    top: RGB
    horizon: RGB
    tint: RGB
    haze: RGB
    night: bool

    def lit(self, base: RGB, distance: float = 0.0) -> RGB:
        """`base` under this light, hazed by `distance` (0 near .. 1 at the horizon)."""
        c = tuple(round(b * t / 255) for b, t in zip(base, self.tint, strict=True))
        return mix(c, self.haze, max(0.0, min(1.0, distance)))  # type: ignore[arg-type]


def light_for(place: Place) -> Light:
    top, horizon, tint, haze = SKIES[place.time]
    if place.weather in WEATHER_SKY:
        wtop, whor = WEATHER_SKY[place.weather]
        dim = 0.75 if place.time == "night" else 0.35
        top, horizon = mix(wtop, top, dim), mix(whor, horizon, dim)
        tint = mix(tint, (170, 176, 186), 0.45 if place.weather != "fog" else 0.3)
        haze = mix(haze, horizon, 0.6)
    return Light(top, horizon, tint, haze, place.time == "night")


class Canvas:
    """Four RGBA layers of one place at one size, and the helpers that draw into them."""

    def __init__(self, place: Place, size: tuple[int, int], *, seed: int) -> None:
        self.place = place
        self.fw, self.h = size
        self.w = round(self.fw * (1 + PAN))
        self.s = math.sqrt(self.fw * self.h) / math.sqrt(1920 * 1080)  # element scale
        self.portrait = self.h > self.fw
        self.horizon = round(self.h * (0.56 if self.portrait else 0.6))
        self.rng = random.Random(seed)
        if place.kind == "space":
            place = Place(place.kind, place.interior, "night", "clear")
            self.place = place
        self.light = light_for(place)
        self.layers = {name: Image.new("RGBA", (self.w, self.h), (0, 0, 0, 0)) for name in LAYERS}
        self.draw = {name: ImageDraw.Draw(im) for name, im in self.layers.items()}

    # -- helpers ------------------------------------------------------------------------
    def px(self, v: float) -> int:
        return round(v * self.s)

    def sky(self, *, celestial: bool = True) -> None:
        """Gradient sky with sun or moon (and stars at night) unless overcast."""
        t = np.linspace(0, 1, self.horizon + 1)[:, None] ** 0.8
        top, hor = np.array(self.light.top), np.array(self.light.horizon)
        rows = (top * (1 - t) + hor * t).astype(np.uint8)
        grad = np.repeat(rows[:, None, :], self.w, axis=1)
        band = Image.fromarray(grad.reshape(self.horizon + 1, self.w, 3))
        self.layers["sky"].paste(band, (0, 0))
        below = mix(self.light.horizon, self.light.lit((90, 90, 90)), 0.3)
        self.draw["sky"].rectangle([0, self.horizon, self.w, self.h], fill=below)
        clear = self.place.weather in ("clear",)
        d = self.draw["sky"]
        if self.light.night and clear:
            for _ in range(int(140 * self.s)):
                x, y = self.rng.uniform(0, self.w), self.rng.uniform(0, self.horizon * 0.8)
                r = self.rng.choice((1, 1, 1, 2))
                d.ellipse([x, y, x + r, y + r], fill=(230, 232, 240, self.rng.randint(120, 255)))
        if celestial and (clear or self.place.weather == "fog"):
            cx, cy = (
                self.w * 0.72,
                self.horizon * (0.3 if self.place.time in ("day", "night") else 0.78),
            )
            r = self.px(46)
            colour = {"night": (236, 232, 210), "day": (255, 248, 220)}.get(
                self.place.time, (255, 210, 150)
            )
            glow = Image.new("RGBA", (self.w, self.h), (*colour, 0))
            ImageDraw.Draw(glow).ellipse(
                [cx - 3 * r, cy - 3 * r, cx + 3 * r, cy + 3 * r], fill=(*colour, 70)
            )
            self.layers["sky"].alpha_composite(glow.filter(ImageFilter.GaussianBlur(r)))
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
        if self.place.weather in ("rain", "storm", "snow") or (clear and self.place.time == "day"):
            self.clouds(heavy=not clear)

    def clouds(self, *, heavy: bool) -> None:
        base = (236, 240, 246) if not heavy else mix(self.light.top, (60, 64, 72), 0.5)
        layer = Image.new("RGBA", (self.w, self.h), (*base, 0))  # no dark fringe when blurred
        d = ImageDraw.Draw(layer)
        for _ in range(7 if heavy else 4):
            cx = self.rng.uniform(0, self.w)
            cy = self.rng.uniform(0.08, 0.45) * self.horizon
            for _ in range(6):
                rx, ry = self.px(self.rng.uniform(60, 150)), self.px(self.rng.uniform(25, 55))
                ox, oy = self.px(self.rng.uniform(-140, 140)), self.px(self.rng.uniform(-20, 20))
                d.ellipse(
                    [cx + ox - rx, cy + oy - ry, cx + ox + rx, cy + oy + ry], fill=(*base, 200)
                )
        self.layers["sky"].alpha_composite(layer.filter(ImageFilter.GaussianBlur(self.px(6))))

    def ridge(
        self,
        layer: str,
        *,
        base_y: float,
        amp: float,
        colour: RGB,
        distance: float,
        jag: int = 9,
        smooth: bool = True,
        land: bool = True,
    ) -> None:
        """A hill or mountain line across the whole layer, filled down to the bottom."""
        if land and self.place.weather == "snow" and not self.place.interior:
            colour = mix(colour, (232, 236, 244), 0.75)
        n = jag * 4
        xs = np.linspace(-20, self.w + 20, n)
        ys = np.array([self.rng.uniform(-1, 1) for _ in range(n)])
        if smooth:
            ys = np.convolve(ys, np.ones(5) / 5, mode="same")
        pts = [
            (float(x), float(base_y - amp * (0.5 + 0.5 * y))) for x, y in zip(xs, ys, strict=True)
        ]
        pts += [(self.w + 20, self.h), (-20, self.h)]
        self.draw[layer].polygon(pts, fill=self.light.lit(colour, distance))

    def ground(
        self,
        layer: str,
        colour: RGB,
        *,
        top: int | None = None,
        distance: float = 0.0,
        outdoor: bool = True,
    ) -> None:
        top = self.horizon if top is None else top
        if outdoor and self.place.weather == "snow" and not self.place.interior:
            colour = mix(colour, (236, 240, 246), 0.8)
        near, far = self.light.lit(colour, 0.0), self.light.lit(colour, distance + 0.25)
        for y in range(top, self.h, 4):
            t = (y - top) / max(1, self.h - top)
            self.draw[layer].rectangle([0, y, self.w, y + 4], fill=mix(far, near, t**0.7))

    def water(self, layer: str, *, top: int, colour: RGB = (40, 84, 120)) -> None:
        self.ground(layer, colour, top=top, distance=0.2, outdoor=False)
        d = self.draw[layer]
        glint = mix(self.light.lit((200, 220, 235)), self.light.horizon, 0.3)
        for _ in range(int(60 * self.s)):
            y = self.rng.uniform(top + 4, self.h)
            x = self.rng.uniform(0, self.w)
            ln = self.px(self.rng.uniform(20, 90)) * (0.4 + (y - top) / self.h)
            d.line([(x, y), (x + ln, y)], fill=(*glint, 120), width=max(1, self.px(2)))

    def block(
        self,
        layer: str,
        box: tuple[float, float, float, float],
        colour: RGB,
        distance: float = 0.0,
        outline: RGB | None = None,
    ) -> None:
        x0, y0, x1, y1 = box
        self.draw[layer].rectangle(
            [x0, y0, x1, y1],
            fill=self.light.lit(colour, distance),
            outline=self.light.lit(outline, distance) if outline else None,
            width=max(1, self.px(3)),
        )

    def window(
        self, layer: str, box: tuple[float, float, float, float], *, frame: RGB = (70, 52, 40)
    ) -> None:
        """A window showing the outside (sky colours, rain streaks, night glow)."""
        x0, y0, x1, y1 = (round(v) for v in box)
        t = np.linspace(0, 1, max(1, y1 - y0))[:, None]
        rows = (np.array(self.light.top) * (1 - t) + np.array(self.light.horizon) * t).astype(
            np.uint8
        )
        pane = Image.fromarray(np.repeat(rows[:, None, :], max(1, x1 - x0), axis=1))
        self.layers[layer].paste(pane, (x0, y0))
        d = self.draw[layer]
        if self.place.weather in ("rain", "storm"):
            for _ in range(int((x1 - x0) * (y1 - y0) / 900)):
                x, y = self.rng.uniform(x0, x1), self.rng.uniform(y0, y1)
                d.line([(x, y), (x - 3, y + self.px(18))], fill=(200, 210, 225, 150), width=1)
        bar = max(2, self.px(10))
        c = self.light.lit(frame)
        d.rectangle([x0, y0, x1, y1], outline=c, width=bar)
        d.line([((x0 + x1) / 2, y0), ((x0 + x1) / 2, y1)], fill=c, width=bar)
        d.line([(x0, (y0 + y1) / 2), (x1, (y0 + y1) / 2)], fill=c, width=bar)

    def tree(
        self,
        layer: str,
        x: float,
        base: float,
        height: float,
        *,
        colour: RGB = (52, 96, 58),
        distance: float = 0.0,
        kind: str = "round",
    ) -> None:
        d = self.draw[layer]
        trunk = self.light.lit((82, 60, 44), distance)
        w = height * 0.07
        d.rectangle([x - w, base - height * 0.45, x + w, base], fill=trunk)
        leaf = self.light.lit(colour, distance)
        if self.place.weather == "snow":
            leaf = mix(leaf, self.light.lit((235, 240, 246)), 0.45)
        if kind == "pine":
            for k in range(3):
                top = base - height * (1 - 0.22 * k)
                half = height * (0.18 + 0.08 * k)
                d.polygon(
                    [(x, top), (x - half, top + height * 0.42), (x + half, top + height * 0.42)],
                    fill=leaf,
                )
        else:
            r = height * 0.32
            for ox, oy in ((0, -0.72), (-0.22, -0.55), (0.22, -0.55)):
                cx, cy = x + ox * height, base + oy * height
                d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=leaf)

    def building(
        self,
        layer: str,
        x: float,
        base: float,
        w: float,
        h: float,
        colour: RGB,
        *,
        distance: float = 0.0,
        roof: str = "flat",
        windows: bool = True,
    ) -> None:
        d = self.draw[layer]
        c = self.light.lit(colour, distance)
        d.rectangle([x, base - h, x + w, base], fill=c)
        if roof == "gable":
            d.polygon(
                [
                    (x - w * 0.06, base - h),
                    (x + w / 2, base - h - w * 0.45),
                    (x + w * 1.06, base - h),
                ],
                fill=self.light.lit(mix(colour, (90, 40, 36), 0.5), distance),
            )
        if windows:
            lit_win = (250, 214, 130) if self.light.night or self.place.time == "dusk" else None
            cols, rows = max(1, int(w / self.px(46))), max(1, int(h / self.px(60)))
            for i in range(cols):
                for j in range(rows):
                    wx = x + (i + 0.3) * w / cols
                    wy = base - h + (j + 0.25) * h / rows
                    on = lit_win and self.rng.random() < 0.55
                    fill = (
                        lit_win if on else self.light.lit(mix(colour, (30, 36, 48), 0.6), distance)
                    )
                    d.rectangle([wx, wy, wx + w / cols * 0.4, wy + h / rows * 0.45], fill=fill)

    def finish(self) -> dict[str, Image.Image]:
        """Weather over the layers (fog banks between depths, snow on the ground)."""
        if self.place.weather == "fog":
            for name, alpha in (("far", 150), ("mid", 70)):
                fog = Image.new("RGBA", (self.w, self.h), (*self.light.haze, 0))
                grad = np.zeros((self.h, 1), dtype=np.float32)
                grad[:, 0] = np.clip(
                    1 - np.abs(np.arange(self.h) - self.horizon) / (self.h * 0.35), 0, 1
                )
                a = Image.fromarray((grad * alpha).astype(np.uint8).repeat(self.w, axis=1))
                fog.putalpha(a)
                self.layers[name].alpha_composite(fog)
        return self.layers
