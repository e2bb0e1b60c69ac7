"""Caption cues and their layout.

Cues: a line's sentences and clauses (timed by the synthesis) are packed into cues of at most
two lines of at most `max_chars` characters and at most `MAX_CUE_SECONDS`; a part that is still
too long is split at word boundaries with time shared by characters (rare: a clause > 84 chars).

Layout: bold white text on a soft dark box, sized from the frame height, bottom-centred inside
the format's safe area (9:16 keeps clear of the bottom 20% and the right 15%, where Shorts puts
its buttons and title). `layout` returns the boxes so tests can check the safe area.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

MAX_CUE_SECONDS = 7.0
MAX_LINES = 2
# per format: max characters per line, font size (fraction of frame height), and the safe area
# (left, top, right, bottom as fractions of the frame) the caption box must stay inside.
FORMATS = {
    "16:9": {"chars": 42, "size": 0.046, "safe": (0.1, 0.1, 0.9, 0.92)},
    "1:1": {"chars": 36, "size": 0.045, "safe": (0.08, 0.1, 0.92, 0.92)},
    "9:16": {"chars": 28, "size": 0.03, "safe": (0.05, 0.1, 0.85, 0.8)},
}


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]
    speaker: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def wrap(text: str, max_chars: int) -> list[str]:
    """Greedy word wrap, balanced: two lines of similar length rather than a long and a stub."""
    words = text.split()
    if len(text) <= max_chars:
        return [text]
    best: list[str] | None = None
    for cut in range(1, len(words)):
        a, b = " ".join(words[:cut]), " ".join(words[cut:])
        fits = len(a) <= max_chars and len(b) <= max_chars
        if fits and (best is None or abs(len(a) - len(b)) < abs(len(best[0]) - len(best[1]))):
            best = [a, b]
    if best:
        return best
    lines, cur = [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > max_chars:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    return lines + ([cur] if cur else [])


def _fits(text: str, max_chars: int) -> bool:
    return len(wrap(text, max_chars)) <= MAX_LINES


def _split_long(
    text: str, start: float, end: float, max_chars: int
) -> list[tuple[str, float, float]]:
    """Split a too-long part at word boundaries; times shared by characters."""
    words, out, cur = text.split(), [], ""
    for w in words:
        trial = f"{cur} {w}".strip()
        if cur and not _fits(trial, max_chars):
            out.append(cur)
            cur = w
        else:
            cur = trial
    out.append(cur)
    total = sum(len(p) for p in out) or 1
    res, t = [], start
    for p in out:
        d = (end - start) * len(p) / total
        res.append((p, t, t + d))
        t += d
    return res


def cues_for_line(
    parts: list[tuple[str, float, float]], *, offset: float, max_chars: int, speaker: str = ""
) -> list[Cue]:
    """Pack a line's timed parts (sentences/clauses, seconds from the line's onset) into cues."""
    pieces: list[tuple[str, float, float]] = []
    for text, s, e in parts:
        if _fits(text, max_chars) and e - s <= MAX_CUE_SECONDS:
            pieces.append((text, s, e))
        else:
            pieces.extend(_split_long(text, s, e, max_chars))
    cues: list[Cue] = []
    cur: list[tuple[str, float, float]] = []
    for piece in pieces:
        trial = cur + [piece]
        text = " ".join(p[0] for p in trial)
        if cur and (not _fits(text, max_chars) or trial[-1][2] - trial[0][1] > MAX_CUE_SECONDS):
            cues.append(_cue(cur, offset, max_chars, speaker))
            cur = [piece]
        else:
            cur = trial
    if cur:
        cues.append(_cue(cur, offset, max_chars, speaker))
    return cues


def _cue(
    pieces: list[tuple[str, float, float]], offset: float, max_chars: int, speaker: str
) -> Cue:
    text = " ".join(p[0] for p in pieces)
    return Cue(
        round(offset + pieces[0][1], 3),
        round(offset + pieces[-1][2], 3),
        tuple(wrap(text, max_chars)),
        speaker,
    )


@cache
def _font(px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", px)


def layout(
    cue: Cue, size: tuple[int, int], aspect: str
) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """The caption as an RGBA image and its box (x0, y0, x1, y1) in the frame."""
    fmt = FORMATS[aspect]
    W, H = size
    left, _, right, bottom = safe_box(size, aspect)
    px = round(H * fmt["size"])
    while True:  # the size follows the frame height, shrunk only if a line would not fit
        font = _font(px)
        pad_x, pad_y, gap = round(px * 0.45), round(px * 0.25), round(px * 0.18)
        widths = [font.getbbox(line)[2] for line in cue.lines]
        if max(widths) + 2 * pad_x <= right - left or px <= 12:
            break
        px -= 2
    asc, desc = font.getmetrics()
    line_h = asc + desc
    bw = max(widths) + 2 * pad_x
    bh = len(cue.lines) * line_h + (len(cue.lines) - 1) * gap + 2 * pad_y
    x0 = round((left + right) / 2 - bw / 2)
    y0 = bottom - bh
    im = Image.new("RGBA", (bw, bh), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle([0, 0, bw - 1, bh - 1], radius=round(px * 0.3), fill=(0, 0, 0, 150))
    for k, (line, w) in enumerate(zip(cue.lines, widths, strict=True)):
        y = pad_y + k * (line_h + gap)
        d.text(
            ((bw - w) / 2, y),
            line,
            font=font,
            fill=(255, 255, 255, 255),
            stroke_width=max(1, px // 18),
            stroke_fill=(0, 0, 0, 255),
        )
    return im, (x0, y0, x0 + bw, y0 + bh)


def aspect_of(size: tuple[int, int]) -> str:
    """The format a frame size belongs to (a small test render keeps its format's shape)."""
    W, H = size
    return "16:9" if W > H else "9:16" if W < H else "1:1"


def caption_top(size: tuple[int, int], aspect: str) -> int:
    """The highest any caption box reaches (a two-line cue): the stage keeps faces and
    figures above it, so a caption never covers anyone."""
    _, box = layout(Cue(0.0, 0.0, ("Hg", "Hg")), size, aspect)
    return box[1]


def safe_box(size: tuple[int, int], aspect: str) -> tuple[int, int, int, int]:
    """The format's safe area in pixels (left, top, right, bottom)."""
    W, H = size
    fractions = FORMATS[aspect]["safe"]
    return tuple(round(v * d) for v, d in zip(fractions, (W, H, W, H), strict=True))  # type: ignore[return-value]


def safe_overlap(box: tuple[int, int, int, int], size: tuple[int, int], aspect: str) -> int:
    """Pixels of `box` outside the format's safe area (0 when it is inside)."""
    W, H = size
    left, top, right, bottom = safe_box(size, aspect)
    x0, y0, x1, y1 = box
    area = (x1 - x0) * (y1 - y0)
    ix = max(0, min(x1, right) - max(x0, left))
    iy = max(0, min(y1, bottom) - max(y0, top))
    return area - ix * iy


def cues_for_timeline(timeline, *, aspect: str = "16:9", mode: str = "all") -> list[Cue]:
    """The film's caption cues: every line's parts packed by `cues_for_line` with the
    format's line length; narration left out when `mode` is "dialogue"; sung lines marked
    with a note."""
    max_chars = FORMATS.get(aspect, FORMATS["16:9"])["chars"]
    cues: list[Cue] = []
    for line in timeline.lines:
        if mode == "dialogue" and line.speaker == "NARRATOR":
            continue
        parts = [tuple(p) for p in line.parts] or [(line.text, 0.0, line.duration)]
        if line.delivery == "sing":
            parts = [(f"♪ {t} ♪", s, e) for t, s, e in parts]
        cues += cues_for_line(parts, offset=line.start, max_chars=max_chars, speaker=line.speaker)
    return cues
