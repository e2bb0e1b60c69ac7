"""What the camera sees in one setup: the place's layers framed (wide, or a medium framing on
the character in focus with the background softened), the cast standing in front of the set,
and the title and end cards. Layers come from the scenery painter or, for a generated still,
the still alone as the farthest layer."""

from __future__ import annotations

from functools import cache

from PIL import Image, ImageDraw, ImageFont

from film.figures import Figure, place_figures
from film.scenery import LAYERS, PAN
from film.scenery.canvas import Light

MEDIUM_ZOOM = 1.45
_SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def empty_layers(width: int, height: int) -> dict[str, Image.Image]:
    return {name: Image.new("RGBA", (width, height), (0, 0, 0, 0)) for name in LAYERS}


def still_layers(still: Image.Image, size: tuple[int, int]) -> dict[str, Image.Image]:
    """A generated picture as the only layer, wide enough to pan across."""
    W, H = size
    lw = round(W * (1 + PAN))
    scale = max(lw / still.width, H / still.height)
    fitted = still.convert("RGBA").resize((round(still.width * scale), round(still.height * scale)))
    left, top = (fitted.width - lw) // 2, (fitted.height - H) // 2
    layers = empty_layers(lw, H)
    layers["sky"] = fitted.crop((left, top, left + lw, top + H))
    return layers


@cache
def _font(px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_SERIF, px)


def card_layers(size: tuple[int, int], rows: list[tuple[str, float]]) -> dict[str, Image.Image]:
    """A dark card with centred rows of (text, size as a fraction of the shorter side)."""
    W, H = size
    card = Image.new("RGBA", (W, H), (10, 12, 18, 255))
    draw = ImageDraw.Draw(card)
    fonts = []
    for text, fraction in rows:
        font = _font(max(12, round(min(W, H) * fraction)))
        width = font.getlength(text)
        if width > W * 0.84:  # a long title shrinks to fit
            font = _font(max(12, round(font.size * W * 0.84 / width)))
        fonts.append(font)
    gap = H * 0.035
    heights = [f.getbbox(t)[3] for (t, _), f in zip(rows, fonts, strict=True)]
    y = H / 2 - (sum(heights) + gap * (len(rows) - 1)) / 2
    for (text, _), font, h in zip(rows, fonts, heights, strict=True):
        draw.text(((W - font.getlength(text)) / 2, y), text, font=font, fill=(236, 230, 214))
        y += h + gap
    layers = empty_layers(W, H)
    layers["sky"] = card
    return layers


def title_rows(title: str, title_page: dict[str, str]) -> list[tuple[str, float]]:
    rows = [(title, 0.085)]
    credit = " ".join(v for v in (title_page.get("credit", ""), title_page.get("author", "")) if v)
    if credit:
        rows.append((credit, 0.032))
    return rows


def framed(
    base: dict[str, Image.Image],
    figures: list[Figure],
    *,
    size: tuple[int, int],
    framing: str,
    focus: str | None,
    present: list[str],
    light: Light | None,
) -> dict[str, Image.Image]:
    """The layers of one setup: `base` framed, with the characters `present` drawn."""
    W, H = size
    layers = dict(base)
    lw = layers["sky"].width
    scale = 0.5 * min(H, 1.25 * W)  # an adult's height in pixels
    feet = round(H * 0.95)
    offset, frame_w = (lw - W) // 2, W
    target = next((f for f in figures if f.name == focus), None)
    if framing == "medium" and target is not None:
        z = MEDIUM_ZOOM
        cx = (lw - W) / 2 + target.slot * W
        cy = feet - scale * target.height * 0.75
        rw, rh = lw / z, H / z
        x0 = min(max(0.0, cx - rw / 2), lw - rw)
        y0 = min(max(0.0, cy - rh * 0.4), H - rh)
        box = (round(x0), round(y0), round(x0 + rw), round(y0 + rh))
        out = {}
        for name, im in layers.items():
            crop = im.crop(box).resize((lw, H), Image.BILINEAR)
            if name in ("sky", "far"):  # shallow focus: the background softens
                crop = crop.resize((lw // 4, H // 4), Image.BILINEAR).resize(
                    (lw, H), Image.BILINEAR
                )
            out[name] = crop
        layers = out
        offset, feet = round(-x0 * z), round((feet - y0) * z)
        scale, frame_w = scale * z, round(W * z)
    onstage = [f for f in figures if f.name in present]
    if onstage:
        # In the nearest layer: nothing of the set is ever drawn over a face.
        layers["near"] = place_figures(
            layers["near"],
            onstage,
            frame_w=frame_w,
            offset_x=offset,
            feet_y=feet,
            scale=scale,
            speaker=focus,
            tint=light.tint if light else (255, 255, 255),
        )
    return layers
