"""SubRip (SRT) and WebVTT subtitles from the timeline: one cue per synthesised line.

A cue starts exactly where its line's audio starts (the audio is silence-trimmed, so that is
the voice onset) and ends when the line's audio ends.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from film.breakdown import NARRATOR
from film.timeline import Timeline

# 42 characters per row, 2 rows: the common broadcast guideline; longer lines get a 3rd row
# rather than being split into cues whose timing we could not measure.
_ROW_CHARS = 42


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def cues_from_timeline(timeline: Timeline, *, label_speakers: bool = True) -> list[Cue]:
    """One cue per line; dialogue is prefixed by the speaker's name when `label_speakers`."""
    cues = []
    for line in timeline.lines:
        text = line.text
        if label_speakers and line.speaker != NARRATOR:
            text = f"{line.speaker.title()}: {text}"
        wrapped = "\n".join(textwrap.wrap(text, _ROW_CHARS))
        cues.append(Cue(line.start, line.start + line.duration, wrapped))
    return cues


def shot_cues(timeline: Timeline, *, label_speakers: bool = True) -> list[list[Cue]]:
    """The cues of each shot (in timeline order), timed from the shot's first frame.

    A line belongs to one shot, so these are the film's cues split by shot: what a shot's
    clip burns in when subtitles are drawn into the picture."""
    per_shot = []
    for shot in timeline.shots:
        offset = shot.start(timeline.fps)
        cues = cues_from_timeline(
            Timeline(fps=timeline.fps, shots=[shot]), label_speakers=label_speakers
        )
        per_shot.append([Cue(c.start - offset, c.end - offset, c.text) for c in cues])
    return per_shot


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
