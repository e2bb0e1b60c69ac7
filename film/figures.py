"""The cast on screen: each character is drawn the same way all film long (build, height,
colours, hair, place in the frame); the speaker is sharp and lit, the listeners soft."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

RGB = tuple[int, int, int]
COATS: list[RGB] = [
    (168, 60, 52),
    (52, 92, 150),
    (200, 150, 60),
    (70, 120, 80),
    (120, 70, 130),
    (60, 60, 66),
    (190, 110, 70),
    (90, 140, 150),
]
SKINS: list[RGB] = [(241, 200, 170), (224, 172, 130), (190, 134, 96), (140, 94, 64), (100, 66, 46)]
HAIRS: list[RGB] = [(40, 30, 26), (96, 62, 36), (180, 140, 80), (140, 60, 34), (26, 24, 24)]
# Places in the frame (fraction of the frame width), handed out in order of first appearance.
SLOTS = (0.32, 0.68, 0.5, 0.16, 0.84, 0.41, 0.59)
HEIGHT = {"child": 0.62, "young": 0.96, "adult": 1.0, "old": 0.93}


@dataclass(frozen=True)
class Figure:
    name: str
    gender: str  # f | m | n
    age: str  # child | young | adult | old
    coat: RGB
    skin: RGB
    hair: RGB
    build: float  # 0.85 slim .. 1.2 broad
    height: float  # relative to an adult
    slot: float  # x in the frame, 0..1


def figure_for(name: str, *, gender: str, age: str, order: int) -> Figure:
    """A character's look, stable for the name (the same in every shot and every render)."""
    h = int(hashlib.sha256(name.upper().encode()).hexdigest(), 16)
    hair = (200, 200, 204) if age == "old" else HAIRS[(h >> 8) % len(HAIRS)]
    return Figure(
        name=name,
        gender=gender,
        age=age,
        coat=COATS[(h + order * 3) % len(COATS)],
        skin=SKINS[(h >> 4) % len(SKINS)],
        hair=hair,
        build=0.88 + ((h >> 12) % 5) * 0.07,
        height=HEIGHT.get(age, 1.0) * (0.97 + ((h >> 16) % 4) * 0.02),
        slot=SLOTS[order % len(SLOTS)],
    )


def _draw(fig: Figure, scale: float, facing: int) -> Image.Image:
    """One figure on a transparent tile; feet at the bottom centre. `scale` = adult height px."""
    H = scale * fig.height
    head = H * (0.15 if fig.age != "child" else 0.19)
    W = H * 0.42 * fig.build
    im = Image.new("RGBA", (round(W * 1.6), round(H * 1.05)), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    cx, bottom = im.width / 2, im.height - 1
    stoop = H * 0.03 * facing if fig.age == "old" else 0
    legs = H * 0.43
    trousers = tuple(max(0, round(c * 0.45)) for c in fig.coat)
    lw = W * 0.18
    d.rounded_rectangle(
        [cx - W * 0.25, bottom - legs, cx - W * 0.25 + lw, bottom], radius=lw / 2, fill=trousers
    )
    d.rounded_rectangle(
        [cx + W * 0.25 - lw, bottom - legs, cx + W * 0.25, bottom], radius=lw / 2, fill=trousers
    )
    top = bottom - H + head * 2
    skirt = fig.gender == "f" and fig.age != "old"
    hem = bottom - legs * (0.45 if skirt else 0.9)
    d.polygon(
        [
            (cx - W * 0.36 + stoop, top),
            (cx + W * 0.36 + stoop, top),
            (cx + W * 0.5, hem),
            (cx - W * 0.5, hem),
        ],
        fill=fig.coat,
    )
    d.rounded_rectangle(
        [cx - W * 0.38 + stoop, top - H * 0.02, cx + W * 0.38 + stoop, top + H * 0.1],
        radius=H * 0.05,
        fill=fig.coat,
    )
    sleeve = tuple(round(c * 0.85) for c in fig.coat)
    for side in (-1, 1):
        x0 = cx + side * W * 0.42 + stoop
        d.rounded_rectangle(
            [x0 - W * 0.09, top, x0 + W * 0.09, top + H * 0.34], radius=W * 0.09, fill=sleeve
        )
        d.ellipse([x0 - W * 0.08, top + H * 0.31, x0 + W * 0.08, top + H * 0.37], fill=fig.skin)
    hx, hy = cx + stoop * 1.5, top - head * 0.95
    if fig.gender == "f":  # long hair behind the head
        d.rounded_rectangle(
            [hx - head * 1.05, hy - head * 0.9, hx + head * 1.05, hy + head * 1.5],
            radius=head * 0.8,
            fill=fig.hair,
        )
    d.rectangle([hx - head * 0.3, hy + head * 0.6, hx + head * 0.3, top + H * 0.01], fill=fig.skin)
    d.ellipse([hx - head * 0.85, hy - head, hx + head * 0.85, hy + head], fill=fig.skin)
    d.ellipse(
        [
            hx + facing * head * 0.7 - head * 0.18,
            hy - head * 0.05,
            hx + facing * head * 0.7 + head * 0.18,
            hy + head * 0.3,
        ],
        fill=fig.skin,
    )
    d.chord(
        [hx - head * 0.9, hy - head * 1.08, hx + head * 0.9, hy + head * 0.5],
        180,
        360,
        fill=fig.hair,
    )
    eye = (30, 26, 24)
    ex = hx + facing * head * 0.38
    d.ellipse([ex - head * 0.09, hy - head * 0.15, ex + head * 0.09, hy + head * 0.05], fill=eye)
    return im


def _lit(tile: Image.Image, tint: tuple[int, int, int]) -> Image.Image:
    """The figure under the scene's light (night is blue and dim, dusk warm)."""
    if tint == (255, 255, 255):
        return tile
    r, g, b, a = tile.split()
    lit = [
        band.point(lambda v, t=t: v * (0.35 + 0.65 * t / 255))
        for band, t in zip((r, g, b), tint, strict=True)
    ]
    return Image.merge("RGBA", (*lit, a))


def place_figures(
    layer: Image.Image,
    figures: list[Figure],
    *,
    frame_w: int,
    offset_x: int,
    feet_y: int,
    scale: float,
    speaker: str | None,
    tint: tuple[int, int, int] = (255, 255, 255),
    span: tuple[float, float] = (0.0, 1.0),
) -> tuple[Image.Image, dict[str, tuple[int, int, int, int]]]:
    """Draw `figures` on a copy of `layer` at their slots (mapped into `span`, fractions of
    the frame width); the speaker sharp, others soft. Returns the layer and each figure's
    drawn box (x0, y0, x1, y1) in the layer."""
    out = layer.copy()
    boxes: dict[str, tuple[int, int, int, int]] = {}
    blur = max(1.0, scale * 0.008)
    for fig in sorted(figures, key=lambda f: f.name == speaker):  # speaker drawn last (in front)
        others = [f.slot for f in figures if f is not fig]
        toward = (sum(others) / len(others)) if others else 0.5
        facing = 1 if toward >= fig.slot else -1
        tile = _lit(_draw(fig, scale, facing), tint)
        if speaker is not None and fig.name != speaker:
            tile = tile.filter(ImageFilter.GaussianBlur(blur))
            rgb = ImageEnhance.Brightness(tile.convert("RGB")).enhance(0.78)
            rgb.putalpha(tile.getchannel("A"))
            tile = rgb
        x = offset_x + round((span[0] + fig.slot * (span[1] - span[0])) * frame_w - tile.width / 2)
        at = (max(0, x), max(0, feet_y - tile.height))
        out.alpha_composite(tile, at)
        bx = tile.getchannel("A").getbbox() or (0, 0, 0, 0)
        boxes[fig.name] = (at[0] + bx[0], at[1] + bx[1], at[0] + bx[2], at[1] + bx[3])
    return out, boxes
