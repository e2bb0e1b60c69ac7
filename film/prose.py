"""Plain prose -> Breakdown: paragraphs become scenes, sentences become narrator lines.

Each shot holds up to `SENTENCES_PER_SHOT` consecutive sentences of one paragraph, so the
picture changes at a reading pace. A short first paragraph with no sentence punctuation is
taken as the title.
"""

from __future__ import annotations

import re

from film.breakdown import NARRATOR, Breakdown, Line, Scene, Shot
from film.errors import ScriptError

SENTENCES_PER_SHOT = 2
_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph on sentence-ending punctuation followed by a capitalised word."""
    text = re.sub(r"\s+", " ", paragraph).strip()
    if not text:
        return []
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        parts.append(text[start : match.start()] + match.group(0).strip())
        start = match.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def parse_prose(text: str) -> Breakdown:
    """Parse prose; raises ScriptError "no_lines" when no sentence survives."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    title = "Untitled"
    if len(paragraphs) > 1:
        first = paragraphs[0]
        if "\n" not in first and len(first) <= 80 and not re.search(r"[.!?]$", first):
            title = first.strip("# ").strip()
            paragraphs = paragraphs[1:]
    scenes: list[Scene] = []
    shot_index = 0
    for paragraph in paragraphs:
        sentences = split_sentences(paragraph)
        if not sentences:
            continue
        scene = Scene(index=len(scenes), heading=f"PART {len(scenes) + 1}")
        for start in range(0, len(sentences), SENTENCES_PER_SHOT):
            group = sentences[start : start + SENTENCES_PER_SHOT]
            scene.shots.append(
                Shot(
                    index=shot_index,
                    kind="prose",
                    lines=[Line(NARRATOR, sentence) for sentence in group],
                    description=" ".join(group),
                )
            )
            shot_index += 1
        scenes.append(scene)
    if not scenes:
        raise ScriptError("no_lines", "The text has no sentences to narrate.")
    return Breakdown(title=title, format="prose", characters=[], scenes=scenes)
