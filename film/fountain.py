"""Screenplay intake: Fountain (https://fountain.io/syntax) and plain prose -> `Breakdown`.

`validate_script` is what the API calls when a job is created: it decodes, checks limits and
parses in one linear pass (no I/O, no providers), and raises `ScriptError` with a stable code.

Shot rules (see `breakdown.py`): every action paragraph is a shot narrated by NARRATOR; a run
of dialogue blocks with no action between them is one "dialogue" shot of up to
`MAX_DIALOGUE_LINES_PER_SHOT` lines; centered text (`>THE END<`) is a "card" shot. Transitions
are attached to the shot before them. Notes, boneyard, sections, synopses and page breaks are
dropped. Emphasis markers (`*`, `_`) are removed from the spoken text.
"""

from __future__ import annotations

import re

from film.breakdown import (
    MAX_DIALOGUE_LINES_PER_SHOT,
    NARRATOR,
    Breakdown,
    Line,
    Scene,
    Shot,
)
from film.config import ScriptConfig
from film.errors import ScriptError
from film.prose import parse_prose

_HEADING_RE = re.compile(r"^(INT\.?/EXT|INT/EXT|I/E|INT|EXT|EST)[.\s]\s*(.*)$", re.IGNORECASE)
_SCENE_NUMBER_RE = re.compile(r"\s*#[\w.\-]+#\s*$")
_TITLE_KEYS = {
    "title",
    "credit",
    "author",
    "authors",
    "source",
    "draft date",
    "date",
    "contact",
    "notes",
    "copyright",
    "revision",
}
_TITLE_KEY_RE = re.compile(r"^([A-Za-z][A-Za-z ]*):\s*(.*)$")
_BONEYARD_RE = re.compile(r"/\*.*?\*/", re.DOTALL)
_NOTE_RE = re.compile(r"\[\[.*?\]\]", re.DOTALL)
_EMPHASIS_RE = re.compile(r"(?<!\\)(\*+|_)")
_TRANSITION_WORDS = {"FADE OUT.", "FADE TO BLACK.", "CUT TO BLACK.", "FADE IN:", "THE END."}
# Printable share below which a text is binary junk rather than a script with odd characters.
_MIN_PRINTABLE_SHARE = 0.95


def validate_script(
    text: str | bytes,
    *,
    format: str = "auto",
    max_bytes: int | None = None,
    max_lines: int | None = None,
    limits: ScriptConfig | None = None,
) -> Breakdown:
    """Decode, check and parse a script; cheap enough to run inside an API request.

    `format` is "auto" (Fountain when the text has a title page, a scene heading, a forced
    heading or a transition; prose otherwise), "fountain" or "prose".
    The limits come from `limits` (default: the library's `ScriptConfig`); `max_bytes` and
    `max_lines` override theirs. A film whose estimated length (from its words) or shot
    count passes the limits is refused here, before anything renders.
    Raises ScriptError: "empty", "too_large", "binary", "no_scenes", "no_lines", "too_long".
    """
    limits = limits or ScriptConfig()
    decoded = decode_script(text, max_bytes=limits.max_bytes if max_bytes is None else max_bytes)
    if format == "auto":
        format = "fountain" if looks_like_fountain(decoded) else "prose"
    breakdown = parse_fountain(decoded) if format == "fountain" else parse_prose(decoded)
    limit = limits.max_lines if max_lines is None else max_lines
    count = len(breakdown.lines)
    if count > limit:
        raise ScriptError("too_long", f"The script has {count} lines; the limit is {limit}.")
    shots = len(breakdown.shots)
    if shots > limits.max_shots:
        raise ScriptError(
            "too_long", f"The film would have {shots} shots; the limit is {limits.max_shots}."
        )
    minutes = breakdown.estimated_minutes
    if minutes > limits.max_film_minutes:
        raise ScriptError(
            "too_long",
            f"The film would last about {minutes:.0f} minutes; the limit is "
            f"{limits.max_film_minutes:g}.",
        )
    return breakdown


def decode_script(text: str | bytes, *, max_bytes: int | None = None) -> str:
    """Return the script as text with normalised newlines, or raise ScriptError.

    The size limit is checked on the encoded bytes before any other work.
    """
    limit = max_bytes if max_bytes is not None else ScriptConfig.max_bytes
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    if len(raw) > limit:
        raise ScriptError("too_large", f"The script is {len(raw)} bytes; the limit is {limit}.")
    if b"\x00" in raw:
        raise ScriptError("binary", "The script contains NUL bytes; it looks like a binary file.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # a UTF-16 byte-order mark
        try:
            decoded = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ScriptError("binary", f"The script is not valid UTF-16 ({exc.reason}).") from exc
    else:
        decoded = _decode_8bit(raw)
    decoded = decoded.replace("\r\n", "\n").replace("\r", "\n")
    if not decoded.strip():
        raise ScriptError("empty", "The script is empty.")
    printable = sum(1 for ch in decoded if ch.isprintable() or ch in "\n\t")
    if printable / len(decoded) < _MIN_PRINTABLE_SHARE:
        raise ScriptError("binary", "The script is mostly non-printable characters.")
    return decoded


def _decode_8bit(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Not UTF-8: a script saved by an older editor is Windows-1252 (a superset of
        # Latin-1's printable characters); bytes it leaves undefined are read as Latin-1.
        decoded = raw.decode("cp1252", errors="replace")
        return raw.decode("latin-1") if "\ufffd" in decoded else decoded


def looks_like_fountain(text: str) -> bool:
    """True when the text uses Fountain structure rather than plain prose."""
    lines = text.split("\n")
    first = next((ln for ln in lines if ln.strip()), "")
    match = _TITLE_KEY_RE.match(first.strip())
    if match and match.group(1).lower() in _TITLE_KEYS:
        return True
    for raw in lines:
        line = raw.strip()
        if _HEADING_RE.match(line) or (line.startswith(".") and len(line) > 1 and line[1] != "."):
            return True
        if line.endswith("TO:") and line.isupper():
            return True
    return False


def parse_fountain(text: str) -> Breakdown:
    """Parse Fountain text into a Breakdown; raises ScriptError "no_scenes" / "no_lines"."""
    text = _NOTE_RE.sub("", _BONEYARD_RE.sub("", text))
    title_page, body = _split_title_page(text)
    builder = _Builder()
    lines = body.split("\n")
    i = 0
    while i < len(lines):
        raw = lines[i]
        line = raw.strip()
        prev_blank = i == 0 or not lines[i - 1].strip()
        next_line = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if not line:
            builder.end_paragraph()
            i += 1
            continue
        if line.startswith("#") or (line.startswith("=") and not line.startswith("===")):
            i += 1  # section or synopsis: structure for the writer, not the film
            continue
        if line.startswith("==="):
            i += 1  # page break
            continue
        if line.startswith("!"):
            builder.add_action(line[1:])
        elif line.startswith(">") and line.endswith("<"):
            builder.add_card(line[1:-1].strip())
        elif line.startswith(">"):
            builder.add_transition(line[1:].strip())
        elif prev_blank and line.startswith(".") and len(line) > 1 and line[1] != ".":
            builder.add_scene(line[1:].strip(), forced=True)
        elif prev_blank and _HEADING_RE.match(line):
            builder.add_scene(line, forced=False)
        elif prev_blank and _is_transition(line) and not next_line:
            builder.add_transition(line)
        elif prev_blank and next_line and (line.startswith("@") or _is_character_cue(line)):
            i = _read_dialogue(lines, i, builder)
            continue
        else:
            builder.add_action(line)
        i += 1
    builder.end_paragraph()
    return builder.finish(title_page)


def _split_title_page(text: str) -> tuple[dict[str, str], str]:
    lines = text.lstrip("\n").split("\n")
    first = _TITLE_KEY_RE.match(lines[0].strip()) if lines else None
    if not first or first.group(1).lower() not in _TITLE_KEYS:
        return {}, text
    page: dict[str, str] = {}
    key = ""
    i = 0
    while i < len(lines) and lines[i].strip():
        match = _TITLE_KEY_RE.match(lines[i]) if not lines[i].startswith((" ", "\t")) else None
        if match:
            key = match.group(1).strip().lower()
            page[key] = match.group(2).strip()
        elif key:
            page[key] = (page[key] + " " + lines[i].strip()).strip()
        i += 1
    return page, "\n".join(lines[i:])


def _is_transition(line: str) -> bool:
    return line.isupper() and (line.endswith("TO:") or line in _TRANSITION_WORDS)


def _is_character_cue(line: str) -> bool:
    name = line.split("(", 1)[0].rstrip("^ ").strip()
    return (
        bool(name)
        and any(ch.isalpha() for ch in name)
        and name == name.upper()
        and not name.endswith(":")
        and not _HEADING_RE.match(name)
    )


def _read_dialogue(lines: list[str], i: int, builder: _Builder) -> int:
    """Consume a cue and its dialogue block starting at `i`; return the next index."""
    cue = lines[i].strip().rstrip("^").strip()
    if cue.startswith("@"):
        cue = cue[1:]
    name, _, rest = cue.partition("(")
    extensions = re.findall(r"\(([^)]*)\)", "(" + rest) if rest else []
    speaker = name.strip()
    extension = ", ".join(e.strip().upper() for e in extensions if e.strip())
    parenthetical = ""
    words: list[str] = []
    sung = False
    i += 1
    while i < len(lines) and lines[i].strip():
        part = lines[i].strip()
        if part.startswith("(") and part.endswith(")"):
            if words:
                builder.add_dialogue(speaker, " ".join(words), parenthetical, extension, sung)
                words, sung = [], False
            parenthetical = part[1:-1].strip()
        else:
            sung = sung or part.startswith("~")
            words.append(part.lstrip("~").strip())
        i += 1
    if words:
        builder.add_dialogue(speaker, " ".join(words), parenthetical, extension, sung)
    builder.end_paragraph()
    return i


_END_CARDS = {"THE END", "END", "FIN", "THE END?"}
# A character's introduction: a name in capitals and its description in brackets.
_INTRO_RE = re.compile(r"\b([A-Z][A-Z'\-]+(?: [A-Z][A-Z'\-]+)*)\s*\(([^)]{1,40})\)")


def _spoken_action(text: str, characters: list[str]) -> str:
    """Action as the narrator reads it: an introduction is read as the name ("IRIS (30s)
    waits" -> "Iris waits"), and the characters' names in capitals as names."""
    text = _INTRO_RE.sub(lambda m: m.group(1), text)
    for name in sorted(characters, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", name.title(), text)
    return text


def _clean(text: str) -> str:
    text = _EMPHASIS_RE.sub("", text).replace("\\*", "*").replace("\\_", "_")
    return re.sub(r"\s+", " ", text).strip()


class _Builder:
    """Accumulates elements into scenes and shots while the parser walks the lines."""

    def __init__(self) -> None:
        self.scenes: list[Scene] = []
        self.characters: list[str] = []
        self.action: list[str] = []
        self.dialogue_open = False
        self.last_action = ""
        self.has_heading = False
        self.end_card = ""

    # -- elements ------------------------------------------------------------------------
    def add_scene(self, heading: str, *, forced: bool) -> None:
        self.end_paragraph()
        heading = _SCENE_NUMBER_RE.sub("", heading).strip()
        int_ext, rest = "", heading
        match = _HEADING_RE.match(heading)
        if match and not forced:
            prefix = match.group(1).upper().replace(".", "")
            int_ext = {"I/E": "INT/EXT", "EST": "EXT"}.get(prefix, prefix)
            rest = match.group(2)
        location, sep, time_of_day = rest.rpartition(" - ")
        if not sep:
            location, time_of_day = rest, ""
        self.scenes.append(
            Scene(
                index=len(self.scenes),
                heading=heading.upper() if not forced else heading,
                int_ext=int_ext,
                location=location.strip(" .-").upper(),
                time_of_day=time_of_day.strip(" .").upper(),
            )
        )
        self.has_heading = True
        self.last_action = ""
        self.dialogue_open = False

    def add_action(self, text: str) -> None:
        self.action.append(text)

    def add_card(self, text: str) -> None:
        self.end_paragraph()
        text = _clean(text)
        if text.upper().rstrip(".") in _END_CARDS:
            self.end_card = text.rstrip(".")
        elif text:
            self._new_shot("card", [Line(NARRATOR, text)], text)
        self.dialogue_open = False

    def add_transition(self, text: str) -> None:
        self.end_paragraph()
        scene = self._scene()
        if scene.shots:
            scene.shots[-1].transition = text.upper()
        self.dialogue_open = False

    def add_dialogue(
        self, speaker: str, text: str, parenthetical: str, extension: str, sung: bool = False
    ) -> None:
        text = _clean(text)
        if not text:
            return
        if speaker not in self.characters:
            self.characters.append(speaker)
        scene = self._scene()
        if speaker not in scene.characters:
            scene.characters.append(speaker)
        line = Line(speaker, text, _clean(parenthetical), extension, sung)
        shot = scene.shots[-1] if scene.shots else None
        if (
            self.dialogue_open
            and shot is not None
            and shot.kind == "dialogue"
            and len(shot.lines) < MAX_DIALOGUE_LINES_PER_SHOT
        ):
            shot.lines.append(line)
        else:
            self._new_shot("dialogue", [line], self.last_action or scene.heading)
        self.dialogue_open = True

    def end_paragraph(self) -> None:
        if not self.action:
            return
        text = _clean(" ".join(self.action))
        self.action = []
        if text:
            self._new_shot("action", [Line(NARRATOR, text)], text)
            self.last_action = text
            self.dialogue_open = False

    # -- assembly ------------------------------------------------------------------------
    def _scene(self) -> Scene:
        if not self.scenes:
            # Material before the first heading (a cold open) gets an unnamed scene.
            self.scenes.append(Scene(index=0, heading=""))
        return self.scenes[-1]

    def _new_shot(self, kind: str, lines: list[Line], description: str) -> None:
        index = sum(len(s.shots) for s in self.scenes)
        shot = Shot(index=index, kind=kind, lines=lines, description=description)
        self._scene().shots.append(shot)

    def finish(self, title_page: dict[str, str]) -> Breakdown:
        if not self.has_heading:
            raise ScriptError("no_scenes", "The screenplay has no scene headings (INT./EXT.).")
        scenes = [s for s in self.scenes if s.shots]
        if not scenes:
            raise ScriptError("no_lines", "The screenplay has scenes but nothing to show or say.")
        shot_index = 0
        for number, scene in enumerate(scenes):
            scene.index = number
            for shot in scene.shots:
                shot.index = shot_index
                shot_index += 1
                for line in shot.lines:
                    if line.is_narration and shot.kind == "action":
                        line.text = _spoken_action(line.text, self.characters)
        title = _clean(title_page.get("title", "")) or "Untitled"
        return Breakdown(
            title=title,
            format="fountain",
            characters=self.characters,
            scenes=scenes,
            title_page=title_page,
            end_card=self.end_card,
        )
