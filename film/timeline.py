"""The film's timeline, derived from the measured durations of the synthesised lines.

Voice is the clock: a shot lasts `pause + lines + gaps + pause`, rounded *up* to whole video
frames so every clip is an exact number of frames and audio and video never drift. Line start
times are exact to the sample; subtitles use them unchanged.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class LineTiming:
    line_id: str  # "<shot index>.<line index>"
    speaker: str
    text: str
    start: float  # seconds from the start of the film
    duration: float
    audio: str  # path of the line's 48 kHz WAV
    # Its sentences and clauses as [text, start, end], seconds from the line's start (from
    # the synthesis); caption cues are cut from these.
    parts: list[list[Any]] = field(default_factory=list)
    delivery: str = "normal"


@dataclass
class ShotTiming:
    index: int
    start_frame: int
    frames: int
    lines: list[LineTiming] = field(default_factory=list)

    def start(self, fps: int) -> float:
        return self.start_frame / fps

    def duration(self, fps: int) -> float:
        return self.frames / fps


@dataclass
class Timeline:
    """The shots back to back after `lead_in` frames (the title card, under the music's
    intro) and before `tail` frames (the end card and the music's outro)."""

    fps: int
    shots: list[ShotTiming]
    lead_in: int = 0
    tail: int = 0

    @property
    def total_frames(self) -> int:
        return self.lead_in + sum(s.frames for s in self.shots) + self.tail

    @property
    def duration(self) -> float:
        return self.total_frames / self.fps

    @property
    def lines(self) -> list[LineTiming]:
        return [line for shot in self.shots for line in shot.lines]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Timeline:
        shots = [
            ShotTiming(
                index=s["index"],
                start_frame=s["start_frame"],
                frames=s["frames"],
                lines=[LineTiming(**ln) for ln in s["lines"]],
            )
            for s in data["shots"]
        ]
        return cls(
            fps=data["fps"], shots=shots, lead_in=data.get("lead_in", 0), tail=data.get("tail", 0)
        )


def build_timeline(
    shots: list[list[tuple]],
    *,
    fps: int,
    pause: float,
    gap: float,
    lead_in: int = 0,
    tail: int = 0,
) -> Timeline:
    """Lay out shots back to back after `lead_in` frames.

    `shots[i]` lists that shot's lines as (line_id, speaker, text, duration, audio_path)
    and optionally their parts and delivery.
    """
    timings: list[ShotTiming] = []
    frame = lead_in
    for index, lines in enumerate(shots):
        shot_start = frame / fps
        cursor = pause
        placed: list[LineTiming] = []
        for n, (line_id, speaker, text, duration, audio, *extra) in enumerate(lines):
            if n:
                cursor += gap
            placed.append(
                LineTiming(line_id, speaker, text, shot_start + cursor, duration, audio, *extra)
            )
            cursor += duration
        frames = max(1, math.ceil(round((cursor + pause) * fps, 6)))
        timings.append(ShotTiming(index=index, start_frame=frame, frames=frames, lines=placed))
        frame += frames
    return Timeline(fps=fps, shots=timings, lead_in=lead_in, tail=tail)
