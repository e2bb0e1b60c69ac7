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


_QUOTE = r"[\"“]([^\"”]+)[\"”]"
_SAID = r"(?:said|says|asked|asks|whispered|shouted|cried|replied|called|answered|muttered)"
_NAME = r"((?:[A-Z][a-z'’]+)(?: [A-Z][a-z'’]+)?)"
# "We should go," said Tom. / "We should go," Tom said. / Tom said, "We should go."
_ATTRIBUTED = [
    re.compile(rf"^{_QUOTE}\s*,?\s*{_SAID} {_NAME}[.!?]?$"),
    re.compile(rf"^{_QUOTE}\s*,?\s*{_NAME} {_SAID}[.!?]?$"),
    re.compile(rf"^{_NAME} {_SAID},?\s*{_QUOTE}$"),
]
_PRONOUNS = {"He", "She", "They", "It", "I", "We", "You"}


def _speech(sentence: str) -> Line | None:
    """A sentence of quoted speech with its speaker named beside it, as that speaker's line
    (the words in quotes, without the quotes or the attribution); None otherwise."""
    for n, pattern in enumerate(_ATTRIBUTED):
        match = pattern.match(sentence.strip())
        if match:
            quote, name = (match.group(2), match.group(1)) if n == 2 else match.groups()
            if name in _PRONOUNS:
                return None
            words = quote.strip().rstrip(",")
            if words and words[-1] not in ".!?":
                words += "."
            return Line(name.upper(), words)
    return None


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
                    lines=[_speech(sentence) or Line(NARRATOR, sentence) for sentence in group],
                    description=" ".join(group),
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
