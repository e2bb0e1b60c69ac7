"""Plain prose -> Breakdown: paragraphs become scenes, sentences become narrator lines, and
quoted speech becomes its speaker's line (`film.attribution`: named, by pronoun, or by
turn-taking), so each character keeps one voice.

Each shot holds up to `SENTENCES_PER_SHOT` consecutive sentences of one paragraph, so the
picture changes at a reading pace; a paragraph that opens with speech goes on with the
scene before it (a reply, not a new place). A short first paragraph with no sentence
punctuation is taken as the title.
"""

from __future__ import annotations

import re

from film.attribution import Attribution, named_speakers, parse_speech
from film.breakdown import Breakdown, Scene, Shot
from film.casting import describe, known_first_names
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
    # A quote of several sentences is one: nothing splits inside quotation marks.
    merged: list[str] = []
    for part in (p.strip() for p in parts if p.strip()):
        if merged and _open_quote(merged[-1]):
            merged[-1] += " " + part
        else:
            merged.append(part)
    return merged


def _open_quote(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


def parse_prose(text: str) -> Breakdown:
    """Parse prose; raises ScriptError "no_lines" when no sentence survives."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    title = "Untitled"
    if len(paragraphs) > 1:
        first = paragraphs[0]
        if "\n" not in first and len(first) <= 80 and not re.search(r"[.!?]$", first):
            title = first.strip("# ").strip()
            paragraphs = paragraphs[1:]
    sentences = [split_sentences(p) for p in paragraphs]
    flat = [s for group in sentences for s in group]
    whole = " ".join(flat)
    names = named_speakers(flat)
    names += [n for n in known_first_names(whole) if n not in names]
    attribution = Attribution(
        genders={n: describe(n, whole, [o for o in names if o != n])[0] for n in names}
    )
    scenes: list[Scene] = []
    shot_index = 0
    for group in (g for g in sentences if g):
        attribution.new_paragraph()
        # A paragraph that opens with speech goes on with the scene (a reply, not a new place).
        if scenes and group[0][:1] in ('"', "“") and parse_speech(group[0]) is not None:
            scene = scenes.pop()
        else:
            scene = Scene(index=len(scenes), heading=f"PART {len(scenes) + 1}")
        lines = attribution.lines(group)
        for start in range(0, len(lines), SENTENCES_PER_SHOT):
            part = lines[start : start + SENTENCES_PER_SHOT]
            scene.shots.append(
                Shot(
                    index=shot_index,
                    kind="prose",
                    lines=[line for line, _ in part],
                    description=" ".join(text for _, text in part),
                )
            )
            shot_index += 1
        scenes.append(scene)
    if not scenes:
        raise ScriptError("no_lines", "The text has no sentences to narrate.")
    characters: list[str] = []
    for scene in scenes:
        for shot in scene.shots:
            for line in shot.lines:
                if not line.is_narration:
                    characters += [line.speaker] if line.speaker not in characters else []
                    if line.speaker not in scene.characters:
                        scene.characters.append(line.speaker)
    return Breakdown(title=title, format="prose", characters=characters, scenes=scenes)
