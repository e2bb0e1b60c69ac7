"""What the camera sees in one setup: the place's layers framed (wide, or a medium framing on
the character in focus with the background softened), the cast standing in front of the set,
and the title and end cards. Layers come from the scenery painter or, for a generated still,
the still alone as the farthest layer."""

from __future__ import annotations

from functools import cache

from PIL import Image, ImageDraw, ImageFont

from film.camera import ZOOM
from film.captions import aspect_of, caption_top
from film.figures import Figure, place_figures
from film.scenery import LAYERS, PAN
from film.scenery.canvas import Light

MEDIUM_ZOOM = 1.45
# A head's top stays this far (of the frame height) under the top edge, and the feet this far
# above the caption band; a drawn figure reaches ~1.01 of its height above its feet.
HEADROOM = 0.05
STAGE_GAP = 0.015
FIGURE_TOP = 1.02
# Where the slots spread across the frame: in 9:16 the right ~15% is under Shorts' buttons.
SPANS = {"9:16": (0.02, 0.8)}
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


def stage_for(
    size: tuple[int, int], aspect: str, figures: list[Figure]
) -> tuple[float, float, float]:
    """Where the cast stands in a wide framing: (feet y, an adult's height in pixels, the
    most a closer framing may zoom). The feet stay above the caption band and the heads
    under the top edge even at the end of a push-in (a zoom by `camera.ZOOM` about the
    centre), so no caption ever covers a face or a figure."""
    W, H = size
    band = caption_top(size, aspect) - STAGE_GAP * H
    feet = H / 2 + (band - H / 2) / ZOOM
    ceiling = H / 2 - (H / 2 - HEADROOM * H) / ZOOM
    tallest = max((f.height for f in figures), default=1.0) * FIGURE_TOP
    scale = min(0.5 * min(H, 1.25 * W), (feet - ceiling) / tallest)
    return feet, scale, max(1.0, min(MEDIUM_ZOOM, (feet - ceiling) / (scale * tallest)))


def framed(
    base: dict[str, Image.Image],
    figures: list[Figure],
    *,
    size: tuple[int, int],
    framing: str,
    focus: str | None,
    present: list[str],
    light: Light | None,
    aspect: str | None = None,
) -> tuple[dict[str, Image.Image], dict[str, tuple[int, int, int, int]]]:
    """The layers of one setup: `base` framed, with the characters `present` drawn; and each
    drawn character's box (x0, y0, x1, y1) in the frame (before any camera move)."""
    W, H = size
    aspect = aspect or aspect_of(size)
    layers = dict(base)
    lw = layers["sky"].width
    onstage = [f for f in figures if f.name in present]
    feet, scale, zoom = stage_for(size, aspect, onstage)
    span = SPANS.get(aspect, (0.0, 1.0))
    offset, frame_w = (lw - W) // 2, W
    target = next((f for f in figures if f.name == focus), None)
    if framing == "medium" and target is not None and zoom > 1.0:
        z = zoom
        cx = (lw - W) / 2 + (span[0] + target.slot * (span[1] - span[0])) * W
        rw, rh = lw / z, H / z
        x0 = min(max(0.0, cx - rw / 2), lw - rw)
        y0 = feet * (1 - 1 / z)  # the feet stay where the wide framing has them
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
        offset, scale, frame_w = round(-x0 * z), scale * z, round(W * z)
    boxes: dict[str, tuple[int, int, int, int]] = {}
    if onstage:
        # In the nearest layer: nothing of the set is ever drawn over a face.
        layers["near"], drawn = place_figures(
            layers["near"],
            onstage,
            frame_w=frame_w,
            offset_x=offset,
            feet_y=round(feet),
            scale=scale,
            speaker=focus,
            tint=light.tint if light else (255, 255, 255),
            span=span,
        )
        left = (lw - W) // 2
        boxes = {n: (b[0] - left, b[1], b[2] - left, b[3]) for n, b in drawn.items()}
    return layers, boxes
