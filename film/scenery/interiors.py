"""Interior places (see `film.scenery.registry`)."""

from __future__ import annotations

from film.scenery.canvas import Canvas, mix
from film.scenery.exteriors import city
from film.scenery.registry import painter

# ------------------------------------------------------------------------------------------
# interiors

WALLS = {
    "room": (176, 150, 120),
    "interior": (170, 160, 146),
    "cabin": (130, 96, 66),
    "kitchen": (214, 206, 180),
    "office": (160, 170, 176),
    "bar": (96, 56, 44),
    "church": (190, 180, 160),
    "hospital": (200, 214, 212),
    "school": (190, 200, 170),
}


def _interior_base(
    c: Canvas, *, wall: tuple[int, int, int], floor: tuple[int, int, int], windows: int = 2
) -> int:
    """Back wall with windows in `sky`, floor in `mid`; returns the floor line."""
    floor_y = round(c.h * (0.68 if c.portrait else 0.7))
    c.draw["sky"].rectangle([0, 0, c.w, c.h], fill=c.light.lit(wall))
    c.draw["sky"].rectangle(
        [0, floor_y - c.px(24), c.w, floor_y], fill=c.light.lit(mix(wall, (40, 30, 24), 0.4))
    )
    for k in range(windows):
        x = c.w * (0.18 + 0.64 * k / max(1, windows - 1)) if windows > 1 else c.w * 0.6
        c.window("sky", (x - c.px(120), c.h * 0.16, x + c.px(120), c.h * 0.16 + c.px(300)))
    c.ground("mid", floor, top=floor_y, outdoor=False)
    return floor_y


@painter("room", "interior", "cabin")
def room(c: Canvas) -> None:
    floor_y = _interior_base(
        c,
        wall=WALLS.get(c.place.kind, WALLS["room"]),
        floor=(110, 80, 56),
        windows=1 if c.place.kind == "cabin" else 2,
    )
    d = c.draw["far"]
    if c.place.kind == "cabin":
        for y in range(0, floor_y, c.px(54)):  # log wall
            d.line([(0, y), (c.w, y)], fill=(*c.light.lit((96, 66, 44)), 255), width=c.px(4))
        c.block("far", (c.w * 0.08, floor_y - c.px(300), c.w * 0.3, floor_y), (70, 60, 56))  # stove
        d.ellipse(
            [c.w * 0.13, floor_y - c.px(180), c.w * 0.25, floor_y - c.px(60)],
            fill=(255, 170, 80) if c.light.night else c.light.lit((120, 70, 40)),
        )
    else:
        c.block(
            "far", (c.w * 0.36, floor_y - c.px(380), c.w * 0.46, floor_y), (110, 78, 54)
        )  # door
        c.block(
            "far", (c.w * 0.74, floor_y - c.px(280), c.w * 0.9, floor_y), (120, 84, 60)
        )  # shelf
        for k in range(3):
            c.block(
                "far",
                (
                    c.w * 0.75,
                    floor_y - c.px(270 - 90 * k),
                    c.w * 0.89,
                    floor_y - c.px(262 - 90 * k),
                ),
                (80, 56, 40),
            )
    lamp = (255, 214, 140) if c.light.night else c.light.lit((230, 220, 190))
    c.draw["mid"].ellipse(
        [c.w * 0.55, c.h * 0.05, c.w * 0.55 + c.px(60), c.h * 0.05 + c.px(60)], fill=lamp
    )
    c.block("near", (c.w * 0.62, c.h - c.px(110), c.w * 1.02, c.h), (90, 62, 44))  # table edge


@painter("kitchen")
def kitchen(c: Canvas) -> None:
    floor_y = _interior_base(c, wall=WALLS["kitchen"], floor=(150, 140, 130), windows=1)
    c.block("far", (0, floor_y - c.px(200), c.w, floor_y), (140, 170, 180), outline=(90, 110, 120))
    c.block("far", (0, floor_y - c.px(214), c.w, floor_y - c.px(196)), (220, 220, 214))
    for k in range(0, c.w, c.px(240)):
        if abs(k + c.px(110) - c.w * 0.6) < c.px(260):
            continue  # the window is there
        c.block(
            "far",
            (k + c.px(20), c.h * 0.12, k + c.px(200), c.h * 0.3),
            (150, 178, 186),
            outline=(90, 110, 120),
        )
    c.block("near", (c.w * 0.05, c.h - c.px(130), c.w * 0.5, c.h), (200, 196, 186))


@painter("office", "school", "hospital")
def office(c: Canvas) -> None:
    floor_y = _interior_base(c, wall=WALLS[c.place.kind], floor=(120, 124, 130), windows=2)
    if c.place.kind == "school":
        c.block(
            "far",
            (c.w * 0.3, c.h * 0.16, c.w * 0.7, c.h * 0.45),
            (40, 70, 56),
            outline=(120, 90, 60),
        )
    elif c.place.kind == "hospital":
        c.block(
            "far",
            (c.w * 0.34, floor_y - c.px(120), c.w * 0.66, floor_y - c.px(40)),
            (236, 240, 244),
        )
        c.block("far", (c.w * 0.34, floor_y - c.px(40), c.w * 0.36, floor_y), (150, 156, 160))
        c.block("far", (c.w * 0.64, floor_y - c.px(40), c.w * 0.66, floor_y), (150, 156, 160))
        c.block("far", (c.w * 0.7, floor_y - c.px(330), c.w * 0.705, floor_y), (150, 156, 160))
    else:
        for k in range(2):
            c.block(
                "far",
                (c.w * (0.05 + 0.8 * k), floor_y - c.px(320), c.w * (0.13 + 0.8 * k), floor_y),
                (90, 96, 104),
            )
    c.block("near", (c.w * 0.1, c.h - c.px(140), c.w * 0.7, c.h), (120, 92, 68))
    c.block("near", (c.w * 0.5, c.h - c.px(230), c.w * 0.6, c.h - c.px(140)), (40, 44, 50))


@painter("bar")
def bar(c: Canvas) -> None:
    floor_y = _interior_base(c, wall=WALLS["bar"], floor=(70, 46, 34), windows=0)
    for k in range(0, c.w, c.px(50)):
        colour = ((120, 60, 40), (60, 110, 70), (170, 150, 90), (90, 60, 110))[(k // c.px(50)) % 4]
        c.block("far", (k + c.px(10), c.h * 0.28, k + c.px(34), c.h * 0.36), colour)
    c.block("far", (0, c.h * 0.365, c.w, c.h * 0.38), (70, 44, 30))
    c.block("near", (0, c.h - c.px(170), c.w, c.h), (96, 58, 36))
    c.block("near", (0, c.h - c.px(185), c.w, c.h - c.px(165)), (140, 96, 56))
    _ = floor_y


@painter("church")
def church(c: Canvas) -> None:
    if not c.place.interior:
        c.sky()
        c.ridge("far", base_y=c.horizon, amp=c.px(60), colour=(110, 130, 100), distance=0.4)
        c.ground("mid", (110, 130, 80))
        x, base = c.w * 0.42, c.horizon + c.px(60)
        c.building(
            "mid", x, base, c.px(260), c.px(220), (200, 190, 170), roof="gable", windows=False
        )
        c.building(
            "mid",
            x + c.px(80),
            base - c.px(220),
            c.px(100),
            c.px(300),
            (200, 190, 170),
            roof="gable",
            windows=False,
        )
        bell = c.light.lit((190, 150, 60))
        c.draw["mid"].ellipse(
            [x + c.px(110), base - c.px(470), x + c.px(150), base - c.px(430)], fill=bell
        )
        c.ridge(
            "near", base_y=c.h - c.px(10), amp=c.px(40), colour=(70, 100, 50), distance=0, jag=10
        )
        return
    floor_y = _interior_base(c, wall=WALLS["church"], floor=(120, 110, 100), windows=0)
    for k in range(3):
        x = c.w * (0.25 + 0.25 * k)
        c.draw["sky"].rounded_rectangle(
            [x - c.px(60), c.h * 0.1, x + c.px(60), c.h * 0.45],
            radius=c.px(60),
            fill=c.light.lit(((80, 100, 170), (170, 60, 60), (200, 170, 70))[k]),
        )
    for k in range(4):
        c.block(
            "mid",
            (c.w * 0.05, floor_y + c.px(40 + 70 * k), c.w * 0.4, floor_y + c.px(70 + 70 * k)),
            (100, 70, 50),
        )
        c.block(
            "mid",
            (c.w * 0.6, floor_y + c.px(40 + 70 * k), c.w * 0.95, floor_y + c.px(70 + 70 * k)),
            (100, 70, 50),
        )


@painter("car")
def car(c: Canvas) -> None:
    c.sky()
    x = 0.0
    while x < c.w:  # roadside passing by
        c.tree("far", x, c.horizon + c.px(10), c.px(c.rng.uniform(160, 260)), distance=0.3)
        x += c.px(c.rng.uniform(120, 260))
    c.ground("far", (90, 92, 96), top=c.horizon + c.px(10), distance=0.2)
    d = c.draw["near"]
    interior = c.light.lit((36, 36, 40))
    d.rectangle([0, 0, c.w, c.h * 0.12], fill=interior)  # roof
    d.rectangle([0, c.h * 0.72, c.w, c.h], fill=interior)  # dashboard
    d.ellipse(
        [c.w * 0.08, c.h * 0.62, c.w * 0.26, c.h * 0.98],
        outline=c.light.lit((20, 20, 22)),
        width=c.px(26),
    )
    for k in (0.02, 0.5, 0.98):
        d.rectangle([c.w * k - c.px(30), 0, c.w * k + c.px(30), c.h * 0.75], fill=interior)


@painter("train")
def train(c: Canvas) -> None:
    if not c.place.interior:
        city(c)
        return
    c.sky()
    c.ridge("far", base_y=c.horizon, amp=c.px(80), colour=(100, 130, 90), distance=0.4)
    wall = c.light.lit((120, 60, 50))
    d = c.draw["near"]
    d.rectangle([0, 0, c.w, c.h * 0.15], fill=wall)
    d.rectangle([0, c.h * 0.62, c.w, c.h], fill=wall)
    for k in range(0, c.w, c.px(520)):
        d.rectangle([k, 0, k + c.px(60), c.h], fill=wall)
    c.block("near", (0, c.h * 0.78, c.w, c.h), (60, 70, 110))
