"""Exterior places (see `film.scenery.registry`)."""

from __future__ import annotations

from PIL import Image

from film.scenery.canvas import Canvas, mix
from film.scenery.registry import painter

# ------------------------------------------------------------------------------------------
# exteriors


def _sea_far(c: Canvas, *, top: int | None = None) -> None:
    c.water("far", top=c.horizon if top is None else top)


@painter("sea")
def sea(c: Canvas) -> None:
    c.sky()
    _sea_far(c)
    for k in range(3):  # swells, nearer ones darker and taller
        y = c.horizon + (k + 1) * (c.h - c.horizon) / 4
        c.ridge(
            "mid" if k < 2 else "near",
            base_y=y,
            amp=c.px(22 + 14 * k),
            colour=(30 - 6 * k, 70 - 10 * k, 104 - 12 * k),
            distance=0.3 - 0.1 * k,
            jag=14,
            land=False,
        )


@painter("lighthouse")
def lighthouse(c: Canvas) -> None:
    c.sky()
    _sea_far(c)
    x, base = c.w * 0.34, c.horizon + c.px(40)
    c.ridge(
        "mid", base_y=c.horizon + c.px(70), amp=c.px(60), colour=(46, 44, 46), distance=0.1, jag=6
    )
    d = c.draw["mid"]
    tw, th = c.px(70), c.px(430)
    body = c.light.lit((226, 222, 214))
    d.polygon(
        [(x - tw, base), (x - tw * 0.7, base - th), (x + tw * 0.7, base - th), (x + tw, base)],
        fill=body,
    )
    for k in range(3):
        y = base - th * (0.2 + 0.3 * k)
        d.polygon(
            [
                (x - tw * (1 - 0.1 * (k + 0.5)), y),
                (x + tw * (1 - 0.1 * (k + 0.5)), y),
                (x + tw * (1 - 0.1 * (k + 0.9)), y - th * 0.1),
                (x - tw * (1 - 0.1 * (k + 0.9)), y - th * 0.1),
            ],
            fill=c.light.lit((176, 40, 36)),
        )
    lamp = (
        (255, 236, 160)
        if c.light.night or c.place.weather != "clear"
        else c.light.lit((236, 230, 200))
    )
    d.rectangle([x - tw * 0.55, base - th - c.px(70), x + tw * 0.55, base - th], fill=lamp)
    d.polygon(
        [
            (x - tw * 0.75, base - th - c.px(70)),
            (x, base - th - c.px(120)),
            (x + tw * 0.75, base - th - c.px(70)),
        ],
        fill=c.light.lit((40, 40, 44)),
    )
    if c.light.night or c.place.weather in ("storm", "rain", "fog"):
        beam = Image.new("RGBA", (c.w, c.h), (0, 0, 0, 0))
        from PIL import ImageDraw, ImageFilter

        cy = base - th - c.px(35)
        ImageDraw.Draw(beam).polygon(
            [(x, cy - 8), (c.w, cy - c.px(140)), (c.w, cy + c.px(60)), (x, cy + 8)],
            fill=(255, 240, 190, 70),
        )
        c.layers["far"].alpha_composite(beam.filter(ImageFilter.GaussianBlur(c.px(10))))
    c.ridge("near", base_y=c.h - c.px(40), amp=c.px(90), colour=(30, 30, 34), distance=0, jag=5)


@painter("harbour")
def harbour(c: Canvas) -> None:
    c.sky()
    for k in range(6):  # town on the far shore
        x = c.w * (0.05 + k * 0.09)
        c.building(
            "far",
            x,
            c.horizon,
            c.px(90 + 30 * (k % 3)),
            c.px(70 + 40 * ((k * 7) % 3)),
            ((200, 190, 170), (170, 90, 70), (220, 210, 190))[k % 3],
            distance=0.5,
            roof="gable",
        )
    c.water("far", top=c.horizon)
    d = c.draw["mid"]
    pier_y = c.horizon + c.px(50)
    plank = c.light.lit((120, 90, 62))
    d.rectangle([c.w * 0.45, pier_y, c.w * 1.01, pier_y + c.px(30)], fill=plank)
    for k in range(8):
        px_ = c.w * 0.47 + k * c.px(130)
        d.rectangle(
            [px_, pier_y + c.px(30), px_ + c.px(14), pier_y + c.px(110)],
            fill=c.light.lit((80, 60, 44)),
        )
    _boat(c, "mid", c.w * 0.2, c.horizon + c.px(25), c.px(240))
    # The quay the cast stands on (their feet are above the caption band, ~0.7-0.76 of
    # the height): stone from a quarter of the way below the horizon, with its edge lit.
    quay = round(c.horizon + (c.h - c.horizon) * 0.25)
    c.ground("near", (128, 122, 112), top=quay, distance=0.1)
    c.draw["near"].rectangle([0, quay, c.w, quay + c.px(10)], fill=c.light.lit((176, 168, 150)))


def _boat(c: Canvas, layer: str, x: float, y: float, length: float) -> None:
    d = c.draw[layer]
    hull = c.light.lit((40, 80, 120))
    d.polygon(
        [
            (x, y),
            (x + length, y),
            (x + length * 0.88, y + length * 0.2),
            (x + length * 0.1, y + length * 0.2),
        ],
        fill=hull,
    )
    d.rectangle(
        [x + length * 0.55, y - length * 0.22, x + length * 0.8, y],
        fill=c.light.lit((230, 226, 214)),
    )
    d.line(
        [(x + length * 0.3, y), (x + length * 0.3, y - length * 0.6)],
        fill=c.light.lit((70, 56, 40)),
        width=c.px(6),
    )


@painter("ship_deck")
def ship_deck(c: Canvas) -> None:
    c.sky()
    _sea_far(c)
    d = c.draw["mid"]
    deck_top = c.horizon + c.px(90)
    c.ground("mid", (120, 92, 64), top=deck_top)
    for k in range(0, c.w, c.px(120)):
        d.line([(k, deck_top), (k - c.px(200), c.h)], fill=c.light.lit((96, 72, 50)), width=c.px(3))
    d.line([(c.w * 0.7, deck_top), (c.w * 0.7, 0)], fill=c.light.lit((90, 70, 50)), width=c.px(18))
    rail = c.light.lit((70, 52, 38))
    c.draw["near"].rectangle([0, c.h - c.px(140), c.w, c.h - c.px(118)], fill=rail)
    for k in range(0, c.w, c.px(160)):
        c.draw["near"].rectangle([k, c.h - c.px(118), k + c.px(16), c.h], fill=rail)


@painter("beach")
def beach(c: Canvas) -> None:
    c.sky()
    _sea_far(c)
    c.ridge(
        "mid",
        base_y=c.horizon + c.px(150),
        amp=c.px(40),
        colour=(222, 200, 150),
        distance=0.05,
        jag=4,
    )
    for k in range(3):
        x = c.w * (0.1 + 0.35 * k)
        c.draw["near"].line(
            [(x, c.h), (x + c.px(30), c.h - c.px(260))],
            fill=c.light.lit((120, 100, 60)),
            width=c.px(12),
        )
        for a in (-1, -0.5, 0.5, 1):
            c.draw["near"].line(
                [
                    (x + c.px(30), c.h - c.px(260)),
                    (x + c.px(30 + 120 * a), c.h - c.px(210 - 30 * abs(a))),
                ],
                fill=c.light.lit((60, 110, 60)),
                width=c.px(14),
            )
        break


@painter("desert")
def desert(c: Canvas) -> None:
    c.sky()
    c.ridge("far", base_y=c.horizon, amp=c.px(70), colour=(200, 150, 100), distance=0.5, jag=5)
    c.ridge(
        "mid",
        base_y=c.horizon + c.px(120),
        amp=c.px(90),
        colour=(222, 172, 110),
        distance=0.15,
        jag=4,
    )
    d = c.draw["near"]
    x, base = c.w * 0.8, c.h - c.px(60)
    cact = c.light.lit((70, 110, 60))
    d.rounded_rectangle([x, base - c.px(260), x + c.px(44), base], radius=c.px(22), fill=cact)
    d.rounded_rectangle(
        [x - c.px(70), base - c.px(190), x - c.px(36), base - c.px(90)], radius=c.px(17), fill=cact
    )
    d.rectangle([x - c.px(70), base - c.px(110), x, base - c.px(90)], fill=cact)


@painter("mountain")
def mountain(c: Canvas) -> None:
    c.sky()
    d = c.draw["far"]
    rock = c.light.lit((110, 118, 140), 0.5)
    snow = mix(c.light.lit((240, 244, 250)), c.light.haze, 0.35)
    for k in range(5):  # peaks with snow caps
        x, top = c.w * (0.02 + 0.24 * k), c.horizon - c.px(c.rng.uniform(260, 380))
        half = (c.horizon - top) * 1.2
        d.polygon([(x, top), (x - half, c.horizon + 2), (x + half, c.horizon + 2)], fill=rock)
        cap = 0.28
        d.polygon(
            [
                (x, top),
                (x - half * cap, top + (c.horizon - top) * cap),
                (x + half * cap, top + (c.horizon - top) * cap),
            ],
            fill=snow,
        )
    c.ridge(
        "mid",
        base_y=c.horizon + c.px(110),
        amp=c.px(160),
        colour=(86, 96, 80),
        distance=0.15,
        jag=6,
    )
    for k in range(5):
        c.tree(
            "near",
            c.w * (0.05 + 0.23 * k),
            c.h - c.px(10),
            c.px(300),
            kind="pine",
            colour=(40, 70, 50),
        )


@painter("forest")
def forest(c: Canvas) -> None:
    c.sky()
    for k in range(14):
        c.tree(
            "far",
            c.w * k / 13,
            c.horizon + c.px(10),
            c.px(260),
            kind="pine",
            colour=(50, 86, 70),
            distance=0.5,
        )
    c.ground("mid", (70, 96, 52))
    for k in range(6):
        c.tree(
            "mid",
            c.w * (0.08 + 0.17 * k),
            c.horizon + c.px(130),
            c.px(420),
            kind="pine" if k % 2 else "round",
            colour=(42, 84, 50),
            distance=0.1,
        )
    c.tree("near", c.w * 0.03, c.h + c.px(60), c.px(900), colour=(28, 60, 36))


@painter("field", "exterior")
def field(c: Canvas) -> None:
    c.sky()
    c.ridge("far", base_y=c.horizon, amp=c.px(90), colour=(110, 140, 96), distance=0.45, jag=5)
    c.ground("mid", (120, 150, 74))
    if c.place.kind == "field":
        c.building(
            "far",
            c.w * 0.62,
            c.horizon - c.px(20),
            c.px(120),
            c.px(90),
            (180, 80, 60),
            distance=0.3,
            roof="gable",
        )
        for k in range(0, c.w, c.px(110)):
            c.draw["mid"].line(
                [(k, c.horizon + c.px(40)), (k + c.px(40), c.h)],
                fill=c.light.lit((104, 130, 62)),
                width=c.px(6),
            )
    c.tree("mid", c.w * 0.2, c.horizon + c.px(60), c.px(330))
    c.ridge("near", base_y=c.h - c.px(10), amp=c.px(50), colour=(70, 104, 50), distance=0, jag=12)


@painter("city", "street", "market")
def city(c: Canvas) -> None:
    c.sky()
    far_base = c.horizon - (c.px(10) if c.place.kind == "city" else c.px(40))
    x = 0.0
    while x < c.w:  # skyline
        w = c.px(c.rng.uniform(70, 150))
        c.building(
            "far", x, far_base, w, c.px(c.rng.uniform(150, 420)), (120, 126, 150), distance=0.55
        )
        x += w + c.px(8)
    street_top = c.horizon + c.px(40)
    c.ground("mid", (90, 92, 98), top=street_top)
    d = c.draw["mid"]
    if c.place.kind == "street":
        for k in range(0, c.w, c.px(220)):
            d.rectangle(
                [k, c.h - c.px(150), k + c.px(110), c.h - c.px(138)],
                fill=c.light.lit((220, 210, 160)),
            )
        for k, colour in enumerate(((180, 120, 90), (150, 160, 170), (200, 180, 140))):
            c.building(
                "mid",
                c.w * (0.02 + 0.36 * k),
                street_top,
                c.px(260),
                c.px(330),
                colour,
                roof="flat",
            )
    elif c.place.kind == "market":
        for k in range(5):
            x0 = c.w * (0.04 + 0.2 * k)
            awning = ((200, 60, 50), (230, 190, 80), (60, 120, 170))[k % 3]
            d.rectangle(
                [x0, street_top - c.px(10), x0 + c.px(230), street_top + c.px(60)],
                fill=c.light.lit((130, 96, 64)),
            )
            d.polygon(
                [
                    (x0 - c.px(20), street_top - c.px(90)),
                    (x0 + c.px(250), street_top - c.px(90)),
                    (x0 + c.px(230), street_top - c.px(10)),
                    (x0, street_top - c.px(10)),
                ],
                fill=c.light.lit(awning),
            )
            for a in range(4):
                d.ellipse(
                    [
                        x0 + c.px(20 + 50 * a),
                        street_top - c.px(2),
                        x0 + c.px(60 + 50 * a),
                        street_top + c.px(30),
                    ],
                    fill=c.light.lit(((220, 120, 40), (180, 40, 40), (120, 170, 60))[(a + k) % 3]),
                )
    lamp = c.light.lit((40, 42, 48))
    for k in range(2):  # street lamps in front
        x0 = c.w * (0.3 + 0.5 * k)
        c.draw["near"].rectangle([x0, c.h - c.px(700), x0 + c.px(16), c.h], fill=lamp)
        glow = (
            (255, 220, 150)
            if c.light.night or c.place.time == "dusk"
            else c.light.lit((200, 200, 190))
        )
        c.draw["near"].ellipse(
            [x0 - c.px(22), c.h - c.px(740), x0 + c.px(38), c.h - c.px(690)], fill=glow
        )


@painter("space")
def space(c: Canvas) -> None:
    d = c.draw["sky"]
    d.rectangle([0, 0, c.w, c.h], fill=(4, 6, 16))
    for _ in range(int(400 * c.s)):
        x, y, r = c.rng.uniform(0, c.w), c.rng.uniform(0, c.h), c.rng.choice((1, 1, 2))
        d.ellipse([x, y, x + r, y + r], fill=(230, 232, 255))
    r = c.px(420)
    cx, cy = c.w * 0.25, c.h + r * 0.45
    c.draw["far"].ellipse([cx - r, cy - r, cx + r, cy + r], fill=(50, 110, 170))
    c.draw["far"].ellipse(
        [cx - r * 0.6, cy - r * 0.95, cx + r * 0.1, cy - r * 0.5], fill=(70, 140, 80)
    )
    x, y = c.w * 0.62, c.h * 0.35  # a station
    c.draw["mid"].rectangle([x, y, x + c.px(300), y + c.px(60)], fill=(190, 194, 204))
    c.draw["mid"].rectangle([x - c.px(240), y - c.px(10), x, y + c.px(70)], fill=(50, 70, 140))
    c.draw["mid"].rectangle(
        [x + c.px(300), y - c.px(10), x + c.px(540), y + c.px(70)], fill=(50, 70, 140)
    )
