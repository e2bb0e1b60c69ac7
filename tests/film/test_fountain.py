"""Script intake: Fountain elements, prose, and every refusal code."""

from __future__ import annotations

import json

import pytest

from film.breakdown import NARRATOR, Breakdown
from film.casting import cast_roles
from film.errors import ScriptError
from film.fountain import validate_script
from film.speech import delivery_for

FULL = """Title: The **Test** Script
Credit: Written by
Author: Someone
Draft date: 1 May
Contact:
    Someone Else
    Somewhere

# ACT ONE

= The keeper is alone.

INT. KITCHEN - DAY #1#

Steam rises from a *kettle*. [[This is a note
over two lines]]

ANNA
(whispering)
Is anyone there?
(louder)
Hello?

BOB (O.S.)
Only me.

/* This whole scene
was cut. */

BOB (CONT'D)
I brought bread.

@McCLANE
Yippee.

CUT TO:

EXT. GARDEN - NIGHT

Stars.

> FADE OUT.

I/E. CAR - CONTINUOUS

!LOUD NOISES

.FLASHBACK

Anna as a child.

ANNA (V.O.) ^
I remember.

===

>THE END<
"""


def parse(text: str) -> Breakdown:
    return validate_script(text)


def test_title_page_is_read_and_emphasis_stripped() -> None:
    b = parse(FULL)
    assert b.title == "The Test Script"
    assert b.title_page["author"] == "Someone"
    assert b.title_page["contact"] == "Someone Else Somewhere"
    assert b.format == "fountain"


def test_scene_headings_give_int_ext_location_and_time() -> None:
    scenes = parse(FULL).scenes
    assert [(s.int_ext, s.location, s.time_of_day) for s in scenes] == [
        ("INT", "KITCHEN", "DAY"),
        ("EXT", "GARDEN", "NIGHT"),
        ("INT/EXT", "CAR", "CONTINUOUS"),
        ("", "FLASHBACK", ""),
    ]
    assert scenes[0].heading == "INT. KITCHEN - DAY"  # scene number removed
    assert [s.index for s in scenes] == [0, 1, 2, 3]


def test_dialogue_cues_parentheticals_and_extensions() -> None:
    b = parse(FULL)
    kitchen = b.scenes[0]
    lines = [ln for shot in kitchen.shots for ln in shot.lines]
    assert [(ln.speaker, ln.text, ln.parenthetical, ln.extension) for ln in lines] == [
        (NARRATOR, "Steam rises from a kettle.", "", ""),
        ("ANNA", "Is anyone there?", "whispering", ""),
        ("ANNA", "Hello?", "louder", ""),
        ("BOB", "Only me.", "", "O.S."),
        ("BOB", "I brought bread.", "", "CONT'D"),
        ("McCLANE", "Yippee.", "", ""),
    ]
    assert b.characters == ["ANNA", "BOB", "McCLANE"]
    assert kitchen.characters == ["ANNA", "BOB", "McCLANE"]


def test_notes_boneyard_sections_synopses_are_not_spoken() -> None:
    spoken = " ".join(ln.text for ln in parse(FULL).lines)
    for hidden in ("note", "was cut", "ACT ONE", "keeper is alone", "==="):
        assert hidden not in spoken


def test_shots_split_on_action_and_group_a_dialogue_exchange() -> None:
    kitchen = parse(FULL).scenes[0]
    assert [shot.kind for shot in kitchen.shots] == ["action", "dialogue", "dialogue"]
    # 4 lines max per dialogue shot: ANNA x2, BOB, BOB, then McCLANE opens a new shot
    assert [len(shot.lines) for shot in kitchen.shots] == [1, 4, 1]
    # a dialogue shot pictures the scene's last action
    assert kitchen.shots[1].description == "Steam rises from a kettle."


def test_transitions_forced_elements_and_centered_text() -> None:
    b = parse(FULL)
    assert b.scenes[0].shots[-1].transition == "CUT TO:"
    assert b.scenes[1].shots[-1].transition == "FADE OUT."
    car = b.scenes[2]
    assert car.shots[0].lines[0].text == "LOUD NOISES"
    assert car.shots[0].kind == "action"  # forced action, not a character cue
    flashback = b.scenes[3]
    # a centred THE END is the end card, not a narrated shot
    assert [s.kind for s in flashback.shots] == ["action", "dialogue"]
    assert flashback.shots[1].lines[0].extension == "V.O."
    assert flashback.shots[1].lines[0].heard_only
    assert b.end_card == "THE END"
    assert "THE END" not in [ln.text for ln in b.lines]
    assert [s.index for s in b.shots] == list(range(len(b.shots)))


def test_breakdown_round_trips_through_json() -> None:
    b = parse(FULL)
    assert Breakdown.from_dict(json.loads(json.dumps(b.to_dict()))) == b


def test_prose_paragraphs_become_scenes_and_sentences_lines() -> None:
    text = (
        "A Quiet Night\n\nThe snow fell. Nobody spoke! Was it over?\n\n"
        'She said "wait." Then she left.'
    )
    b = validate_script(text)
    assert b.format == "prose"
    assert b.title == "A Quiet Night"
    assert len(b.scenes) == 2
    assert [[ln.text for ln in shot.lines] for shot in b.scenes[0].shots] == [
        ["The snow fell.", "Nobody spoke!"],
        ["Was it over?"],
    ]
    assert {ln.speaker for ln in b.lines} == {NARRATOR}
    assert b.scenes[1].shots[0].lines[1].text == "Then she left."


@pytest.mark.parametrize(
    ("script", "code"),
    [
        ("", "empty"),
        ("   \n\n\t ", "empty"),
        ("INT. ROOM - DAY\n\nHello.\n" * 20_000, "too_large"),
        (b"INT. ROOM\x00\x00\x01binary", "binary"),
        (b"\xff\xfe\xfa not utf-8 \xc3\x28", "binary"),
        ("".join(chr(c) for c in range(1, 31)) * 20, "binary"),
        ("Title: Nothing\n\nJust some action without any heading.\n", "no_scenes"),
        ("INT. ROOM - DAY\n\nEXT. YARD - NIGHT\n", "no_lines"),
    ],
)
def test_bad_scripts_are_refused_with_a_code(script: str | bytes, code: str) -> None:
    with pytest.raises(ScriptError) as caught:
        validate_script(script)
    assert caught.value.code == code


def test_line_limit_is_enforced() -> None:
    with pytest.raises(ScriptError) as caught:
        validate_script("INT. ROOM - DAY\n\n" + "Action.\n\n" * 5, max_lines=3)
    assert caught.value.code == "too_long"


def test_the_examples_parse(lighthouse_text: str) -> None:
    b = validate_script(lighthouse_text)
    assert b.characters == ["MARA", "TOM"]
    assert 6 <= len(b.shots) <= 10


def test_a_latin_1_or_windows_1252_script_is_read_not_called_binary() -> None:
    for encoding in ("latin-1", "cp1252"):
        text = "INT. CAFÉ - DAY\n\nZOË orders a crème brûlée \u2014 “now”.\n"
        if encoding == "latin-1":
            text = text.replace("\u2014", "-").replace("“", '"').replace("”", '"')
        b = validate_script(text.encode(encoding))
        assert b.scenes[0].location == "CAFÉ"
        assert "crème brûlée" in b.lines[0].text


def test_a_film_longer_than_the_limits_is_refused_before_anything_renders() -> None:
    from film.config import ScriptConfig

    long = "INT. ROOM - DAY\n\n" + "A long sentence of words that goes on and on.\n\n" * 60
    with pytest.raises(ScriptError, match="minutes") as minutes:
        validate_script(long, limits=ScriptConfig(max_film_minutes=1.0))
    assert minutes.value.code == "too_long"
    with pytest.raises(ScriptError, match="shots") as shots:
        validate_script(long, limits=ScriptConfig(max_shots=10))
    assert shots.value.code == "too_long"
    assert validate_script(long).shots  # within the default limits


def test_introductions_are_read_as_the_name_and_lyrics_are_sung() -> None:
    b = validate_script(
        "INT. ROOM - DAY\n\nIRIS (30s) tunes the TV.\n\nIRIS\n~Happy birthday to you\n"
    )
    assert b.lines[0].text == "Iris tunes the TV."
    assert b.lines[1].sung and "~" not in b.lines[1].text


def test_quoted_speech_in_prose_goes_to_the_character_named_beside_it() -> None:
    b = validate_script(
        "The Walk\n\nTom looked at the sea. “We should go,” said Tom. "
        'Mara said, "Not yet." Then they walked on.\n'
    )
    assert [(ln.speaker, ln.text) for ln in b.lines] == [
        (NARRATOR, "Tom looked at the sea."),
        ("TOM", "We should go."),
        ("MARA", "Not yet."),
        (NARRATOR, "Then they walked on."),
    ]
    assert b.characters == ["TOM", "MARA"]


def _spoken(b) -> list[tuple[str, str]]:
    return [(ln.speaker, ln.text) for ln in b.lines if not ln.is_narration]


def test_prose_pronouns_go_to_the_character_they_stand_for() -> None:
    # given prose where a man and a woman talk, attributed by pronoun as often as by name
    b = validate_script(
        "The Pier\n\n"
        "Tom looked at the sea. Anna stood beside him. “We should go,” he said.\n\n"
        "“Not yet,” she said. “The boats are still out.”\n\n"
        "He sighed. “Then we wait,” he said quietly.\n\n"
        "“Who's there?” Anna whispered.\n"
    )
    # then every quote is its speaker's line, a quote of two sentences stays one line
    assert _spoken(b) == [
        ("TOM", "We should go."),
        ("ANNA", "Not yet."),
        ("ANNA", "The boats are still out."),
        ("TOM", "Then we wait."),
        ("ANNA", "Who's there?"),
    ]
    # and nothing of the attribution is read, though it shapes the delivery
    whisper = next(ln for ln in b.lines if ln.text == "Who's there?")
    assert "whisper" in whisper.parenthetical
    assert all("said" not in ln.text and "whispered" not in ln.text for ln in b.lines)
    # and a paragraph that opens with a reply goes on with the scene; one of narration
    # starts the next
    assert b.scenes[0].shots[-1].lines[-1].text == "The boats are still out."
    assert len(b.scenes) == 2
    assert b.characters == ["TOM", "ANNA"]


def test_prose_quotes_without_attribution_take_turns_and_split_quotes_join() -> None:
    b = validate_script(
        "Night Watch\n\n"
        '"Only me," called the keeper. "Come up."\n\n'
        "“Thank you,” Anna said, “but we'll stay.”\n\n"
        '"Suit yourselves."\n\n'
        '"Where is Tom?" Anna asked.\n'
    )
    assert _spoken(b) == [
        ("KEEPER", "Only me."),
        ("KEEPER", "Come up."),
        ("ANNA", "Thank you, but we'll stay."),
        ("KEEPER", "Suit yourselves."),  # the turn passes back
        ("ANNA", "Where is Tom?"),  # a detached "Anna asked." goes to its quote
    ]
    assert [ln.text for ln in b.lines if ln.is_narration] == []


def test_prose_characters_keep_one_voice_each_whoever_names_them() -> None:
    b = validate_script(
        "Two\n\nAnna waited. “Ready?” she asked.\n\nTom nodded. “Ready,” he said. “Go.”\n"
    )
    roles = cast_roles(b)
    assert (roles["ANNA"].gender, roles["TOM"].gender) == ("f", "m")
    assert roles["ANNA"].voice != roles["TOM"].voice
    assert {ln.speaker for ln in b.lines} == {"ANNA", "TOM", NARRATOR}


def test_what_an_attribution_adds_shapes_the_delivery_and_is_not_read() -> None:
    b = validate_script(
        "Dusk\n\nTom looked at the sea. “We should go,” Tom said, looking away.\n\n"
        '"Quiet," said Anna, under her breath.\n'
    )
    tom, anna = [ln for ln in b.lines if not ln.is_narration]
    assert (tom.speaker, tom.text, anna.speaker, anna.text) == (
        "TOM",
        "We should go.",
        "ANNA",
        "Quiet.",
    )
    assert delivery_for(anna.parenthetical, anna.text).name == "whisper"
