"""Cutting: each shot of the timeline becomes one or more camera setups ("segments").

- A picture is held at most `MAX_HOLD_SECONDS`: a long line cuts between the speaker and a
  listener (or from a wide to a closer framing when they are alone).
- In a dialogue the speaker is in focus (a medium framing on them); a voice over or off
  screen is heard, not drawn; a character enters the scene when the action names them or
  they speak on screen, and stays.
- Camera moves vary from setup to setup (push in, pull out, pan either way, static).
- Scene changes dip to black (the last setup of a scene fades out, the first of the next
  fades in); setups within a scene cut.

Everything is decided from the breakdown and timeline alone, so a re-render plans the same
setups and finds their clips in the cache.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from film.breakdown import Breakdown
from film.timeline import Timeline

MAX_HOLD_SECONDS = 6.0
FADE_FRAMES = 10  # each half of a dip to black
MOTIONS = ("pan_right", "push_in", "pan_left", "pull_out", "static")


@dataclass
class Segment:
    kind: str  # "title" | "shot" | "end"
    start_frame: int
    frames: int
    scene: int = -1
    shot: int = -1
    framing: str = "wide"  # wide | medium
    focus: str | None = None
    present: list[str] = field(default_factory=list)
    motion: str = "static"
    fade_in: int = 0
    fade_out: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _named(name: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE) is not None


def plan_segments(breakdown: Breakdown, timeline: Timeline) -> list[Segment]:
    """The film's setups in order, from the title card to the end card."""
    fps = timeline.fps
    hold = round(MAX_HOLD_SECONDS * fps)
    segments = [Segment("title", 0, timeline.lead_in, motion="static")] if timeline.lead_in else []
    motion = 0
    for scene in breakdown.scenes:
        onstage: list[str] = []
        first = len(segments)
        for shot in scene.shots:
            timing = timeline.shots[shot.index]
            cuts = [0]  # frame offsets inside the shot where a line ends (mid-gap)
            for a, b in zip(timing.lines, timing.lines[1:], strict=False):
                cuts.append(
                    round(((a.start + a.duration + b.start) / 2 - timing.start_frame / fps) * fps)
                )
            cuts.append(timing.frames)
            for k, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)):
                line = shot.lines[k] if k < len(shot.lines) else None
                if line is not None and line.is_narration:
                    onstage += [
                        n for n in scene.characters if _named(n, line.text) and n not in onstage
                    ]
                speaker = None if line is None or line.is_narration else line.speaker
                on_screen = speaker is not None and not line.heard_only
                if on_screen and speaker not in onstage:
                    onstage.append(speaker)
                pieces = max(1, math.ceil((b - a) / hold))
                for j in range(pieces):
                    start = a + round(j * (b - a) / pieces)
                    end = a + round((j + 1) * (b - a) / pieces)
                    framing, focus = _framing(on_screen, speaker, onstage, j)
                    segments.append(
                        Segment(
                            "shot",
                            timing.start_frame + start,
                            end - start,
                            scene=scene.index,
                            shot=shot.index,
                            framing=framing,
                            focus=focus,
                            present=list(onstage),
                            motion=MOTIONS[motion % len(MOTIONS)],
                        )
                    )
                    motion += 1
        if len(segments) > first:
            segments[first].fade_in = FADE_FRAMES
            segments[-1].fade_out = FADE_FRAMES
    if timeline.tail:
        end_at = timeline.total_frames - timeline.tail
        segments.append(
            Segment("end", end_at, timeline.tail, fade_in=FADE_FRAMES, fade_out=2 * FADE_FRAMES)
        )
    if segments and segments[0].kind == "title":
        segments[0].fade_in, segments[0].fade_out = FADE_FRAMES, FADE_FRAMES
    return segments


def _framing(
    on_screen: bool, speaker: str | None, onstage: list[str], j: int
) -> tuple[str, str | None]:
    """Who the camera looks at in the `j`-th piece of a line: the speaker, then a listener
    (a reaction), alternately; alone on screen, a wide then a closer framing."""
    if on_screen and len(onstage) > 1:
        if j % 2 == 0:
            return "medium", speaker
        listeners = [p for p in onstage if p != speaker]
        return "medium", listeners[(j // 2) % len(listeners)]
    if on_screen:
        return ("wide" if j % 2 == 0 else "medium"), speaker
    return "wide", None


def onstage_by_shot(breakdown: Breakdown) -> dict[int, list[str]]:
    """Shot index -> the characters on screen by the end of that shot (the same rule as the
    setups: named in the action, or speaking on screen; they stay for the scene)."""
    result: dict[int, list[str]] = {}
    for scene in breakdown.scenes:
        onstage: list[str] = []
        for shot in scene.shots:
            for line in shot.lines:
                if line.is_narration:
                    onstage += [
                        n for n in scene.characters if _named(n, line.text) and n not in onstage
                    ]
                elif not line.heard_only and line.speaker not in onstage:
                    onstage.append(line.speaker)
            result[shot.index] = list(onstage)
    return result
