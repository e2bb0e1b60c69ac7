"""Casting from what the script says.

A character's gender and age come from their introduction ("IRIS (30s)", "MARA, an old
keeper", "Young TOM"), the pronouns of the sentences that name them, and their first name;
each (gender, age) has a voice, and two characters never share one while a neighbour is
free. The narrator has a voice no character gets. A project's `cast` (character -> voice
name, "NARRATOR" for the narrator) overrides any of it.

Voices are measured in `bench/film.py` (median F0 and F1/F2): every pair of the cast is at
least 2.5 semitones apart in median pitch, the narrator at least 3 from every character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from film.breakdown import NARRATOR, Breakdown
from film.providers.voice import VoiceProfile

# name -> (formant shift, median F0 Hz, pitch range, pace). The slot picks the nearest of
# a named-voice engine's voices (see `film.providers.voice.openai`).
VOICES: dict[str, VoiceProfile] = {
    v.name: v
    for v in [
        VoiceProfile(slot=4, pitch=1.0, pace=0.93, name="narrator", formant=0.95, f0=98, range=0.8),
        VoiceProfile(slot=5, pitch=0.85, pace=0.88, name="man_old", formant=0.89, f0=78, range=0.9),
        VoiceProfile(slot=1, pitch=1.1, pace=1.0, name="man", formant=1.0, f0=118, range=1.1),
        VoiceProfile(
            slot=3, pitch=1.25, pace=1.08, name="man_young", formant=1.06, f0=146, range=1.2
        ),
        VoiceProfile(
            slot=7, pitch=1.45, pace=0.9, name="woman_old", formant=1.12, f0=176, range=0.9
        ),
        VoiceProfile(slot=2, pitch=1.6, pace=1.0, name="woman", formant=1.17, f0=210, range=1.1),
        VoiceProfile(
            slot=6, pitch=1.75, pace=1.07, name="woman_young", formant=1.22, f0=252, range=1.2
        ),
        VoiceProfile(slot=8, pitch=1.9, pace=1.1, name="child", formant=1.3, f0=300, range=1.3),
    ]
}
CHARACTER_VOICES = [name for name in VOICES if name != "narrator"]
NEIGHBOURS = {
    "man": ["man_young", "man_old", "child"],
    "man_young": ["man", "man_old", "child"],
    "man_old": ["man", "man_young", "child"],
    "woman": ["woman_young", "woman_old", "child"],
    "woman_young": ["woman", "woman_old", "child"],
    "woman_old": ["woman", "woman_young", "child"],
    "child": ["woman_young", "man_young", "woman"],
}
_FEMALE = {
    "woman",
    "girl",
    "mother",
    "mum",
    "mom",
    "wife",
    "queen",
    "lady",
    "sister",
    "daughter",
    "grandmother",
    "aunt",
    "widow",
    "nun",
    "princess",
    "actress",
    "waitress",
    "mistress",
}
_MALE = {
    "man",
    "boy",
    "father",
    "dad",
    "husband",
    "king",
    "gentleman",
    "brother",
    "son",
    "grandfather",
    "uncle",
    "priest",
    "prince",
    "monk",
    "sir",
    "lord",
}
# A sentence's subject and possessive pronouns are about its subject; "him" is about someone
# else ("Anna stood beside him"), and "her" is left in because it is mostly possessive.
_SHE, _HE = {"she", "her", "hers", "herself"}, {"he", "his", "himself"}
_OLD = {
    "old",
    "elderly",
    "aged",
    "ancient",
    "grey",
    "gray",
    "grizzled",
    "wizened",
    "retired",
    "grandmother",
    "grandfather",
    "widow",
}
_YOUNG = {"young", "teen", "teenage", "teenager", "youth", "youthful"}
_CHILD = {"child", "kid", "little", "boy", "girl", "toddler"}
_FEMALE_NAMES = {
    "mara",
    "iris",
    "anna",
    "emma",
    "mary",
    "sarah",
    "lucy",
    "rose",
    "grace",
    "alice",
    "clara",
    "eva",
    "ella",
    "julia",
    "kate",
    "laura",
    "lily",
    "maria",
    "nina",
    "olivia",
    "sophie",
    "zoe",
    "jane",
    "ruth",
    "ada",
    "elena",
    "hannah",
}
_MALE_NAMES = {
    "tom",
    "john",
    "jack",
    "james",
    "paul",
    "peter",
    "sam",
    "max",
    "leo",
    "ben",
    "david",
    "mark",
    "luke",
    "adam",
    "noah",
    "oliver",
    "harry",
    "george",
    "henry",
    "joe",
    "eli",
    "finn",
    "hugo",
    "ivan",
    "oscar",
    "reyes",
    "frank",
    "walter",
}


def known_first_names(text: str) -> list[str]:
    """Capitalised words of `text` that are first names this module knows, in order (upper
    case): the characters of prose who may speak without ever being named as speakers."""
    names: list[str] = []
    for word in re.findall(r"\b[A-Z][a-z]+\b", text):
        if word.lower() in _FEMALE_NAMES | _MALE_NAMES and word.upper() not in names:
            names.append(word.upper())
    return names


@dataclass(frozen=True)
class Role:
    name: str
    gender: str  # f | m | n (the script does not say)
    age: str  # child | young | adult | old
    voice: str


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def describe(name: str, action: str, others: list[str]) -> tuple[str, str]:
    """(gender, age) of `name` from the action text of the script."""
    age, gender = "adult", ""
    named = re.escape(name)
    years = re.search(rf"\b{named}\b\s*\((\d+)s?\)", action, re.IGNORECASE)
    if years:
        n = int(years.group(1))
        age = "child" if n < 13 else "young" if n < 30 else "adult" if n < 55 else "old"
    first = re.search(rf"((?:\w+\W+){{0,2}})\b{named}\b([^.;]{{0,60}})", action, re.IGNORECASE)
    if first:
        after = first.group(2).split(",")
        near = set(_words(first.group(1))[-2:] + _words(",".join(after[:2])))
        if not years:
            if near & _OLD:
                age = "old"
            elif near & _CHILD and not near & {"man", "woman"}:
                age = "child"
            elif near & _YOUNG:
                age = "young"
        f, m = len(near & _FEMALE), len(near & _MALE)
        gender = "" if f == m else "f" if f > m else "m"
    sentences = re.split(r"(?<=[.!?])\s+", action)

    def pronouns(window: int) -> str:
        f = m = 0
        for i, sentence in enumerate(sentences):
            if not re.search(rf"\b{named}\b", sentence, re.IGNORECASE):
                continue
            for later in sentences[i : i + window]:
                mentions = (re.search(rf"\b{re.escape(o)}\b", later, re.IGNORECASE) for o in others)
                if later is not sentence and any(mentions):
                    break
                words = _words(later)
                f += sum(w in _SHE for w in words)
                m += sum(w in _HE for w in words)
        return "" if f == m else "f" if f > m else "m"

    last = name.split()[-1].lower()
    by_name = "f" if last in _FEMALE_NAMES else "m" if last in _MALE_NAMES else ""
    return gender or pronouns(1) or by_name or pronouns(2) or "n", age


def natural_voice(gender: str, age: str, name: str) -> str:
    if age == "child":
        return "child"
    if gender == "n":  # the script does not say: a stable choice from the name
        gender = "f" if sum(map(ord, name)) % 2 else "m"
    return ("woman" if gender == "f" else "man") + {"old": "_old", "young": "_young"}.get(age, "")


def cast_roles(breakdown: Breakdown, overrides: dict[str, str] | None = None) -> dict[str, Role]:
    """A role per character (in order of first appearance) and the narrator's."""
    chosen = {k.upper(): v for k, v in (overrides or {}).items() if v in VOICES}
    # The action as written (a shot's description keeps the introductions "ELI (8)" that
    # the narrator does not read), else the narration.
    action = " ".join(
        shot.description if shot.kind in ("action", "prose") else line.text
        for shot in breakdown.shots
        for line in shot.lines
        if line.is_narration
    )
    taken: set[str] = set()
    roles: dict[str, Role] = {}
    for name in breakdown.characters:
        others = [o for o in breakdown.characters if o != name]
        gender, age = describe(name, action, others)
        voice = chosen.get(name.upper()) or natural_voice(gender, age, name)
        if name.upper() not in chosen and voice in taken:
            voice = next((v for v in NEIGHBOURS[voice] if v not in taken), voice)
        taken.add(voice)
        roles[name] = Role(name, gender, age, voice)
    roles[NARRATOR] = Role(NARRATOR, "n", "adult", chosen.get(NARRATOR, "narrator"))
    return roles


def cast_voices(
    breakdown: Breakdown, overrides: dict[str, str] | None = None
) -> dict[str, VoiceProfile]:
    """Speaker -> VoiceProfile for every character and NARRATOR."""
    return {name: VOICES[role.voice] for name, role in cast_roles(breakdown, overrides).items()}
