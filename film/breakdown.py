"""The script breakdown: what the parser produces and every later stage consumes.

A film is scenes -> shots -> lines. A *line* is one utterance by one speaker (a character, or
"NARRATOR" for action and prose). A *shot* is one still picture on screen while its lines are
spoken: one action paragraph, one run of dialogue (a "dialogue exchange", at most
`MAX_DIALOGUE_LINES_PER_SHOT` lines), one centered card, or one or two prose sentences.
Everything is plain data and round-trips through JSON (`to_dict` / `from_dict`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

NARRATOR = "NARRATOR"
MAX_DIALOGUE_LINES_PER_SHOT = 4


@dataclass
class Line:
    speaker: str
    text: str
    parenthetical: str = ""
    extension: str = ""  # V.O., O.S., CONT'D ... as written in the character cue
    sung: bool = False  # lyrics (Fountain's `~`): sung, and marked in the captions

    @property
    def heard_only(self) -> bool:
        """A voice over or off screen: heard, not drawn."""
        marks = {m.strip(" .").replace(".", "") for m in self.extension.upper().split(",")}
        return bool(marks & {"VO", "OS", "OC", "OFF"})

    @property
    def is_narration(self) -> bool:
        return self.speaker == NARRATOR


@dataclass
class Shot:
    index: int  # position in the whole film, 0-based
    kind: str  # "action" | "dialogue" | "card" | "prose"
    lines: list[Line] = field(default_factory=list)
    description: str = ""  # what the picture shows; the action text unless enriched
    transition: str = ""  # "CUT TO:" etc. written after this shot
    # Prompt for generative image providers, written by script enrichment; empty means the
    # provider builds one from the heading and description.
    image_prompt: str = ""

    @property
    def characters(self) -> list[str]:
        """Characters who speak in this shot, in order of first line."""
        seen: list[str] = []
        for line in self.lines:
            if not line.is_narration and line.speaker not in seen:
                seen.append(line.speaker)
        return seen


@dataclass
class Scene:
    index: int
    heading: str
    int_ext: str = ""  # "INT" | "EXT" | "INT/EXT" | "" (forced headings, prose)
    location: str = ""
    time_of_day: str = ""
    shots: list[Shot] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)  # everyone named in the scene


@dataclass
class Breakdown:
    title: str
    format: str  # "fountain" | "prose"
    characters: list[str] = field(default_factory=list)
    scenes: list[Scene] = field(default_factory=list)
    title_page: dict[str, str] = field(default_factory=dict)
    # How the shot descriptions were made: {"source": "rules"} or, after script enrichment,
    # {"source": "openai", "model": ...}; see film/enrichment.py.
    enrichment: dict[str, str] = field(default_factory=dict)
    # A closing card (`>THE END<`): shown as the end card, not narrated.
    end_card: str = ""

    @property
    def estimated_minutes(self) -> float:
        """The film's length estimated from its words, before anything is synthesised:
        Piper's voices speak ~2.6 words a second, each shot adds its pauses (0.8 s) and each
        line a breath. Generous enough never to refuse a film that fits, cheap enough for a
        request."""
        words = sum(len(line.text.split()) for line in self.lines)
        return (words / 2.6 + 0.8 * len(self.shots) + 0.25 * len(self.lines)) / 60

    @property
    def shots(self) -> list[Shot]:
        return [shot for scene in self.scenes for shot in scene.shots]

    @property
    def lines(self) -> list[Line]:
        return [line for shot in self.shots for line in shot.lines]

    def scene_of(self, shot: Shot) -> Scene:
        for scene in self.scenes:
            if shot in scene.shots:
                return scene
        raise KeyError(shot.index)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Breakdown:
        scenes = [
            Scene(
                **{k: v for k, v in s.items() if k != "shots"},
                shots=[
                    Shot(
                        **{k: v for k, v in sh.items() if k != "lines"},
                        lines=[Line(**ln) for ln in sh["lines"]],
                    )
                    for sh in s["shots"]
                ],
            )
            for s in data["scenes"]
        ]
        return cls(
            title=data["title"],
            format=data["format"],
            characters=list(data.get("characters", [])),
            scenes=scenes,
            title_page=dict(data.get("title_page", {})),
            enrichment=dict(data.get("enrichment", {})),
            end_card=data.get("end_card", ""),
        )
