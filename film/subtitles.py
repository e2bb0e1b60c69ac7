"""SubRip (SRT) and WebVTT subtitles from the caption cues (`film.captions`).

Cues are cut from each line's synthesised sentences and clauses: at most two rows of the
format's length and about 7 seconds each, starting where their words start in the voice.
"""

from __future__ import annotations

from dataclasses import dataclass

from film.captions import cues_for_timeline
from film.timeline import Timeline


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def cues_from_timeline(timeline: Timeline, *, aspect: str = "16:9", mode: str = "all") -> list[Cue]:
    """The film's cues as subtitle entries (rows joined by newlines)."""
    return [
        Cue(c.start, c.end, c.text) for c in cues_for_timeline(timeline, aspect=aspect, mode=mode)
    ]


def _stamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


def to_srt(cues: list[Cue]) -> str:
    blocks = [
        f"{n}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}\n"
        for n, c in enumerate(cues, 1)
    ]
    return "\n".join(blocks)


def to_vtt(cues: list[Cue]) -> str:
    blocks = [f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{c.text}\n" for c in cues]
    return "WEBVTT\n\n" + "\n".join(blocks)


def parse_srt(text: str) -> list[Cue]:
    """Read back an SRT (used by tests and tools)."""
    cues = []
    for block in text.strip().split("\n\n"):
        rows = block.strip().split("\n")
        if len(rows) < 3:
            continue
        start, _, end = rows[1].partition(" --> ")
        cues.append(Cue(_seconds(start), _seconds(end), "\n".join(rows[2:])))
    return cues


def _seconds(stamp: str) -> float:
    hms, _, millis = stamp.strip().replace(".", ",").partition(",")
    hours, minutes, secs = (int(p) for p in hms.split(":"))
    return hours * 3600 + minutes * 60 + secs + int(millis) / 1000
