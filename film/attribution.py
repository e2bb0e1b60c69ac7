"""Who says what in prose: quoted speech given to its speaker, so each keeps one voice.

- Named beside the quote: `"We should go," said Tom.`, `Tom said, "We should go."`,
  `"Not yet," Mara said quietly.`, `"I know," said Tom, "but not yet."` (one line, the two
  halves joined), `"Hold fast," said the captain.` (CAPTAIN).
- A pronoun (`"…," she said.`): the character mentioned most recently whose gender (read
  from the text by `film.casting.describe`) fits; in a new paragraph, someone other than the
  last speaker when another fits (the turn passes). "they" is anyone; "I" is the narrator.
- No attribution: the speaker of the quote just before in the same paragraph; in a new
  paragraph the other of the last two speakers (turn-taking), else the narrator.
- An attribution left as a sentence of its own after a question or an exclamation
  (`"Who's there?" Tom asked.`) goes to its quote and is not read.

The verb shapes the delivery (whispered is whispered, shouted is shouted) and is never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from film.breakdown import NARRATOR, Line

_VERBS = (
    "said|says|asked|asks|whispered|whispers|shouted|shouts|cried|cries|replied|replies|"
    "called|calls|answered|answers|muttered|mutters|murmured|murmurs|yelled|yells|screamed|"
    "added|adds|continued|snapped|sighed|breathed|insisted|told (?:him|her|them|me|us)"
)
_SAID = rf"(?P<verb>{_VERBS})(?:\s+(?P<adv>[a-z]+ly))?"
_WHO = (
    r"(?P<who>I|[Hh]e|[Ss]he|[Tt]hey|[Tt]he (?:old |young |little )?[a-z]+"
    r"|[A-Z][a-z'’]+(?: [A-Z][a-z'’]+)?)"
)
_Q1 = r"[\"“](?P<q1>[^\"”]+)[\"”]"
_Q2 = r"[\"“](?P<q2>[^\"”]+)[\"”]"
_LEAD = r"(?:(?:Then|And|But|So|Finally|Later|Now|At last),?\s+)?"
_END = r"[.!?]?"
# What the attribution adds after a comma ("…," Tom said, looking away.): how it is said.
_REST = r"(?:,\s*(?P<rest>[a-z][^\"“”]*?))?"
PATTERNS = [
    re.compile(rf"^{_Q1}\s*,?\s*{_SAID}\s+{_WHO}{_REST}\s*(?:[,.!?]\s*{_Q2})?{_END}$"),
    re.compile(rf"^{_Q1}\s*,?\s*{_WHO}\s+{_SAID}{_REST}\s*(?:[,.!?]\s*{_Q2})?{_END}$"),
    re.compile(rf"^{_LEAD}{_WHO}\s+{_SAID}{_REST}\s*[,:]?\s*{_Q1}{_END}$"),
]
_QUOTE_ONLY = re.compile(rf"^{_Q1}$")
_DETACHED = re.compile(rf"^{_WHO}\s+{_SAID}[.!?]$")
_PRONOUNS = {"he": "m", "she": "f", "they": ""}
# A capitalised word that starts a sentence without being anyone's name.
_NOT_NAMES = {"The", "Then", "And", "But", "So", "Now", "Later", "Finally", "It", "We", "You"}


@dataclass
class Speech:
    """One sentence read as speech: the quote, who says it (a name, a pronoun, or nobody)
    and how (the verb and its adverb, as a parenthetical)."""

    words: str
    who: str = ""
    how: str = ""


def parse_speech(sentence: str) -> Speech | None:
    """The quoted speech of `sentence` and its attribution; None for narration."""
    text = sentence.strip()
    for pattern in PATTERNS:
        match = pattern.match(text)
        if match:
            parts = [match.group("q1"), match.groupdict().get("q2") or ""]
            how = " ".join(p for p in match.group("verb", "adv", "rest") if p)
            return Speech(_joined(parts), match.group("who"), how)
    match = _QUOTE_ONLY.match(text)
    return Speech(_joined([match.group("q1")])) if match else None


def _joined(parts: list[str]) -> str:
    words = " ".join(p.strip() for p in parts if p.strip())
    words = words.rstrip(",;: ")
    return words + ("" if words[-1:] in (".", "!", "?", "…") else ".")


def named_speakers(sentences: list[str]) -> list[str]:
    """The characters named as speakers anywhere in the text, in order."""
    names: list[str] = []
    for sentence in sentences:
        speech = parse_speech(sentence)
        detached = _DETACHED.match(sentence.strip())
        who = speech.who if speech else detached.group("who") if detached else ""
        name = _name(who)
        if name and name not in names:
            names.append(name)
    return names


def _name(who: str) -> str:
    if not who or who.lower() in _PRONOUNS or who == "I" or who in _NOT_NAMES:
        return ""
    if who.lower().startswith("the "):
        return who.split()[-1].upper()
    return who.upper()


@dataclass
class Attribution:
    """Walks a text's sentences in order, keeping who was mentioned and who spoke last."""

    genders: dict[str, str]  # character -> "f" | "m" | "n"
    mentioned: list[str] = field(default_factory=list)  # most recent last
    speakers: list[str] = field(default_factory=list)  # most recent last
    paragraph_speaker: str = ""

    def new_paragraph(self) -> None:
        self.paragraph_speaker = ""

    def lines(self, sentences: list[str]) -> list[tuple[Line, str]]:
        """Each line of one paragraph with the text it was read from (a detached
        attribution goes with its quote, not into a line of its own)."""
        out: list[tuple[Line, str]] = []
        n = 0
        while n < len(sentences):
            sentence = sentences[n]
            speech = parse_speech(sentence)
            if speech is None:
                self._mention(sentence)
                out.append((Line(NARRATOR, sentence), sentence))
                n += 1
                continue
            detached = _DETACHED.match(sentences[n + 1].strip()) if n + 1 < len(sentences) else None
            source = sentence
            if not speech.who and detached:
                speech.who = detached.group("who")
                speech.how = " ".join(p for p in detached.group("verb", "adv") if p)
                n += 1
                source += " " + sentences[n]
            speaker = self._speaker(speech.who)
            if speaker == NARRATOR and speech.who != "I":  # nobody to give it to: read it all
                out.append((Line(NARRATOR, source), source))
            else:
                out.append((Line(speaker, speech.words, parenthetical=speech.how), source))
            if speaker != NARRATOR:
                self._spoke(speaker)
            n += 1
        return out

    def _mention(self, sentence: str) -> None:
        found = sorted(
            (m.start(), name)
            for name in self.genders
            for m in re.finditer(rf"\b{re.escape(name)}\b", sentence, re.IGNORECASE)
        )
        for _, name in found:
            self._push(self.mentioned, name)

    def _spoke(self, speaker: str) -> None:
        self._push(self.mentioned, speaker)
        self._push(self.speakers, speaker)
        self.paragraph_speaker = speaker

    @staticmethod
    def _push(order: list[str], name: str) -> None:
        if name in order:
            order.remove(name)
        order.append(name)

    def _speaker(self, who: str) -> str:
        if who == "I":
            return NARRATOR
        name = _name(who)
        if name:
            return name
        if who.lower() in _PRONOUNS:
            return self._resolve(_PRONOUNS[who.lower()])
        # No attribution: the same speaker within a paragraph, else the turn passes.
        if self.paragraph_speaker:
            return self.paragraph_speaker
        if len(self.speakers) >= 2:
            return self.speakers[-2]
        return NARRATOR

    def _resolve(self, gender: str) -> str:
        """He/she/they: the most recently mentioned character of that gender (else one the
        text says nothing about); at a new paragraph's first line, not the last speaker
        when another fits."""
        recent = list(reversed(self.mentioned))
        if gender:
            pool = [n for n in recent if self.genders.get(n) == gender] or [
                n for n in recent if self.genders.get(n, "n") == "n"
            ]
        else:
            pool = recent
        if (
            not self.paragraph_speaker
            and len(pool) > 1
            and self.speakers
            and pool[0] == self.speakers[-1]
        ):
            pool = pool[1:] + pool[:1]
        return pool[0] if pool else NARRATOR
