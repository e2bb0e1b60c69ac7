"""What a viewer perceives, measured: distinct voices, the place on screen, readable captions
in the safe area, an audible score under the dialogue, and YouTube-conformant encoding."""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import ImageDraw

from film.audio import SAMPLE_RATE, write_wav
from film.captions import FORMATS, MAX_CUE_SECONDS, MAX_LINES, cues_for_line, layout, safe_overlap
from film.casting import VOICES
from film.loudness import measure_loudness
from film.mixing import mix_soundtrack
from film.music import score
from film.places import ALL_KINDS, Place, place_for
from film.providers.voice.piper import PiperProvider
from film.scenery import paint
from film.speech import delivery_for, speak
from film.voicing import measure_voice

SENTENCE = (
    "The harbour was quiet that morning, and the boats rocked gently at their ropes. "
    "Nobody could tell me where the keeper had gone."
)


def semitones(a: float, b: float) -> float:
    return abs(12 * np.log2(a / b))


@pytest.fixture(scope="module")
def voiced() -> dict[str, dict[str, float]]:
    piper = PiperProvider()
    return {
        name: measure_voice(speak(piper, text=SENTENCE, profile=profile).samples, rate=SAMPLE_RATE)
        for name, profile in VOICES.items()
    }


@pytest.mark.slow
def test_every_pair_of_the_cast_is_apart_in_pitch_and_the_narrator_from_all(voiced) -> None:
    for a, b in itertools.combinations(voiced, 2):
        apart = semitones(voiced[a]["f0"], voiced[b]["f0"])
        assert apart >= (3.0 if "narrator" in (a, b) else 2.5), (a, b, apart)


@pytest.mark.slow
def test_women_and_children_have_higher_formants_not_just_higher_pitch(voiced) -> None:
    men = [voiced[v] for v in ("man", "man_young", "man_old")]
    others = [voiced[v] for v in ("woman", "woman_young", "child")]
    for formant in ("f1", "f2"):
        assert min(o[formant] for o in others) > max(m[formant] for m in men) * 1.03, formant


def test_piper_is_deterministic_so_a_cold_rerender_keeps_line_lengths() -> None:
    a = speak(PiperProvider(), text="Fetch the spare wick, and be quick.", profile=VOICES["man"])
    b = speak(PiperProvider(), text="Fetch the spare wick, and be quick.", profile=VOICES["man"])
    assert np.array_equal(a.samples, b.samples) and a.parts == b.parts


def test_a_whisper_is_softer_and_breathy_and_a_shout_louder_and_higher() -> None:
    piper, voice, text = PiperProvider(), VOICES["woman"], "Stay where you are, all of you."

    def heard(delivery):
        samples = speak(piper, text=text, profile=voice, delivery=delivery).samples
        loud = samples[np.abs(samples) > 0.01]
        return 20 * np.log10(np.sqrt(np.mean(loud**2))), measure_voice(samples, rate=SAMPLE_RATE)

    normal_db, normal = heard(delivery_for("", text))
    whisper_db, _ = heard(delivery_for("whispering", text))
    shout_db, shout = heard(delivery_for("shouting", text))
    assert whisper_db <= normal_db - 6
    assert shout_db >= normal_db + 2 and shout["f0"] >= normal["f0"] * 1.15


def test_captions_have_two_short_lines_short_cues_and_stay_in_each_safe_area() -> None:
    parts = [
        ("Rain lashes the rocks.", 0.0, 1.4),
        ("Far above, the great lamp turns slowly over the black water,", 1.6, 5.2),
        (
            "as it has every night for a hundred years, and it will turn tonight until "
            "the last of the boats is home again and the harbour lights go out one by one.",
            5.2,
            14.9,
        ),
    ]
    for aspect, size in (("16:9", (1920, 1080)), ("9:16", (1080, 1920)), ("1:1", (1080, 1080))):
        chars = FORMATS[aspect]["chars"]
        cues = cues_for_line(parts, offset=3.0, max_chars=chars)
        assert cues[0].start == 3.0 and cues[-1].end == pytest.approx(17.9)
        for cue in cues:
            assert 1 <= len(cue.lines) <= MAX_LINES
            assert max(len(line) for line in cue.lines) <= chars
            assert cue.end - cue.start <= MAX_CUE_SECONDS + 1e-6
            image, box = layout(cue, size, aspect)
            assert safe_overlap(box, size, aspect) == 0
            assert image.size == (box[2] - box[0], box[3] - box[1])
            if aspect == "9:16":  # clear of Shorts' buttons and title
                assert box[3] <= 0.8 * size[1] and box[2] <= 0.85 * size[0]
    assert FORMATS["9:16"]["chars"] < FORMATS["16:9"]["chars"]


def _ebur128(path: Path) -> float:
    return measure_loudness(path)["integrated_lufs"]


def test_the_score_sits_about_20_lu_under_the_dialogue_and_ducks_6_to_8_db(tmp_path) -> None:
    rng = np.random.default_rng(3)
    n = 20 * SAMPLE_RATE
    voice = np.zeros(n, np.float32)
    speech = [(2.0, 7.0), (9.0, 15.0)]
    for start, end in speech:  # a speech-like stand-in: modulated noise
        i, j = int(start * SAMPLE_RATE), int(end * SAMPLE_RATE)
        t = np.arange(j - i) / SAMPLE_RATE
        voice[i:j] = rng.standard_normal(j - i) * 0.1 * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))
    music = score(20, seed=5)
    mixed, _ = mix_soundtrack(voice, speech, music=music)
    bed = mixed - np.repeat(voice[:, None], 2, axis=1)
    speaking = np.zeros(n, bool)
    for start, end in speech:
        speaking[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)] = True
    # the clear: well away from the duck's ramps, after the score's fade-in
    clear = np.zeros(n, bool)
    clear[int(16.5 * SAMPLE_RATE) : int(17.5 * SAMPLE_RATE)] = True
    levels = {}
    for name, samples in {
        "dialogue": np.repeat(voice[speaking][:, None], 2, axis=1),
        "under": bed[speaking],
        "clear": bed[clear],
    }.items():
        write_wav(tmp_path / f"{name}.wav", samples)
        levels[name] = _ebur128(tmp_path / f"{name}.wav")
    assert 18 <= levels["dialogue"] - levels["under"] <= 22
    assert 6 <= levels["clear"] - levels["under"] <= 8.5


def test_no_text_is_ever_drawn_into_scenery(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("text drawn into the picture")

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", refuse)
    weathers = ("clear", "rain", "fog", "snow", "storm")
    for n, kind in enumerate(ALL_KINDS):
        for interior in (False, True):
            paint(
                Place(kind, interior, ("day", "night", "dusk", "dawn")[n % 4], weathers[n % 5]),
                (320, 180),
                seed=n,
            )


@pytest.mark.parametrize(
    ("heading", "action", "kind", "time", "weather"),
    [
        ("EXT. PIER - DAWN", "Gulls.", "harbour", "dawn", "clear"),
        ("EXT. OPEN SEA - NIGHT", "A storm breaks over the waves.", "sea", "night", "storm"),
        ("INT. SHIP'S CABIN - NIGHT", "", "cabin", "night", "clear"),
        ("EXT. DECK OF THE TRAWLER - DAY", "Fog rolls in.", "ship_deck", "day", "fog"),
        ("INT. KITCHEN - MORNING", "", "kitchen", "day", "clear"),
        ("INT. POLICE OFFICE - NIGHT", "", "office", "night", "clear"),
        ("EXT. MAIN STREET - DUSK", "Rain on the cobbles.", "street", "dusk", "rain"),
        ("EXT. CITY ROOFTOP - NIGHT", "", "city", "night", "clear"),
        ("EXT. MARKET SQUARE - DAY", "", "market", "day", "clear"),
        ("EXT. PINE FOREST - DAY", "Snow falls.", "forest", "day", "snow"),
        ("EXT. WHEAT FIELD - DAY", "", "field", "day", "clear"),
        ("EXT. MOUNTAIN PASS - DAWN", "", "mountain", "dawn", "clear"),
        ("EXT. DESERT ROAD - DAY", "", "desert", "day", "clear"),
        ("EXT. BEACH - SUNSET", "", "beach", "dusk", "clear"),
        ("INT. CAR - NIGHT", "", "car", "night", "clear"),
        ("INT. TRAIN COMPARTMENT - DAY", "", "train", "day", "clear"),
        ("INT. THE ANCHOR PUB - NIGHT", "", "bar", "night", "clear"),
        ("INT. CHURCH - DAY", "", "church", "day", "clear"),
        ("INT. HOSPITAL WARD - NIGHT", "", "hospital", "night", "clear"),
        ("INT. CLASSROOM - DAY", "", "school", "day", "clear"),
        ("EXT. SPACE STATION - NIGHT", "", "space", "night", "clear"),
        ("EXT. LIGHTHOUSE - NIGHT", "Rain lashes the rocks.", "lighthouse", "night", "storm"),
        ("INT. LIVING ROOM - DAY", "", "room", "day", "clear"),
        ("INT. WAREHOUSE - DAY", "", "interior", "day", "clear"),
        ("EXT. CROSSING - DAY", "", "street", "day", "clear"),
    ],
)
def test_the_place_is_read_from_the_heading_and_action(heading, action, kind, time, weather):
    int_ext, _, rest = heading.partition(". ")
    location, _, tod = rest.rpartition(" - ")
    place = place_for(int_ext=int_ext, location=location, time_of_day=tod, action=action)
    assert (place.kind, place.time, place.weather) == (kind, time, weather)


def test_a_scene_that_says_the_storm_is_gone_is_clear() -> None:
    storm = place_for(int_ext="EXT", location="HARBOUR", time_of_day="NIGHT", action="A storm.")
    after = place_for(
        int_ext="EXT",
        location="HARBOUR",
        time_of_day="DAY",
        action="Morning. The storm is gone.",
        previous=storm,
    )
    assert (storm.weather, after.weather) == ("storm", "clear")


@pytest.mark.slow
def test_setups_hold_at_most_6_s_vary_their_moves_and_dip_to_black_between_scenes(full_film):
    _, manifest = full_film
    fps = manifest["config"]["fps"]
    shots = [s for s in manifest["segments"] if s["kind"] == "shot"]
    assert max(s["frames"] for s in shots) <= 6 * fps + 1
    assert all(a["motion"] != b["motion"] for a, b in itertools.pairwise(shots))
    assert {"push_in", "pull_out", "pan_left", "pan_right", "static"} <= {
        s["motion"] for s in shots
    }
    for a, b in itertools.pairwise(shots):
        if a["scene"] != b["scene"]:
            assert a["fade_out"] > 0 and b["fade_in"] > 0
        else:
            assert a["fade_out"] == 0 and b["fade_in"] == 0
    # the speaker is in focus; a voice off screen is heard, not drawn
    breakdown = manifest["breakdown"]
    lines = {sh["index"]: sh["lines"] for sc in breakdown["scenes"] for sh in sc["shots"]}
    tom_off = next(s for s in shots if any(ln["extension"] == "O.S." for ln in lines[s["shot"]]))
    assert "TOM" not in tom_off["present"]


@pytest.mark.slow
def test_the_film_is_encoded_to_youtubes_recommendation(full_film) -> None:
    result, manifest = full_film
    data = Path(result.output).read_bytes()
    assert b"elst" not in data  # no edit lists
    probe = json.loads(
        subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-show_entries",
                "frame=pict_type,pts_time:stream=codec_type,bit_rate,sample_rate,channels",
                "-select_streams",
                "v:0",
                "-of",
                "json",
                result.output,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    types = "".join(f["pict_type"] for f in probe["frames"])
    assert max(len(run) for run in types.split("I") for run in run.split("P")) <= 2  # B-runs
    pts = np.array([float(f["pts_time"]) for f in probe["frames"]])
    fps = manifest["config"]["fps"]
    assert np.allclose(np.diff(np.sort(pts)), 1 / fps, atol=1e-6)  # frame-exact joins
    assert pts.min() == 0.0
    (audio,) = [s for s in result.streams if s["codec_type"] == "audio"]
    assert (int(audio["sample_rate"]), audio["channels"]) == (48000, 2)
    assert 360_000 <= int(audio["bit_rate"]) <= 400_000
    (video,) = [s for s in result.streams if s["codec_type"] == "video"]
    assert int(video["bit_rate"]) <= 8_000_000
    measured = manifest["mix"]["measured"]
    assert 18 <= measured["music_under_speech_lu"] <= 22


def test_the_projects_cast_overrides_the_script_and_captions_can_leave_out_narration() -> None:
    from film.captions import cues_for_timeline
    from film.casting import cast_roles
    from film.fountain import validate_script
    from film.timeline import LineTiming, ShotTiming, Timeline

    breakdown = validate_script("INT. ROOM - DAY\n\nMARA, an old keeper, waits.\n\nMARA\nHello.\n")
    assert cast_roles(breakdown)["MARA"].voice == "woman_old"
    roles = cast_roles(breakdown, {"MARA": "child", "NARRATOR": "man"})
    assert (roles["MARA"].voice, roles["NARRATOR"].voice) == ("child", "man")
    lines = [
        LineTiming("0.0", "NARRATOR", "Mara waits.", 0.4, 1.0, "", [["Mara waits.", 0, 1.0]]),
        LineTiming("1.0", "MARA", "Hello.", 2.0, 0.6, "", [["Hello.", 0, 0.6]]),
    ]
    timeline = Timeline(fps=24, shots=[ShotTiming(0, 0, 72, lines)])
    assert [c.text for c in cues_for_timeline(timeline)] == ["Mara waits.", "Hello."]
    assert [c.text for c in cues_for_timeline(timeline, mode="dialogue")] == ["Hello."]


def test_an_engine_without_timings_is_asked_sentence_by_sentence() -> None:
    from film.providers.voice.espeak import EspeakProvider

    text = "The light is out. Fetch the wick, quickly."
    spoken = speak(EspeakProvider(), text=text, profile=VOICES["man"])
    assert [p[0] for p in spoken.parts] == ["The light is out.", "Fetch the wick, quickly."]
    (_, s0, e0), (_, s1, e1) = spoken.parts
    assert s0 == 0 and e0 < s1 < e1 == pytest.approx(spoken.samples.size / SAMPLE_RATE)
    whispered = speak(
        EspeakProvider(),
        text=text,
        profile=VOICES["man"],
        delivery=delivery_for("whispering", text),
    )
    assert np.abs(whispered.samples).max() < np.abs(spoken.samples).max() * 0.5


def test_stem_loudness_is_bs1770_as_ffmpeg_measures_it(tmp_path) -> None:
    from film.mixing import lufs

    # given stems of different character and level: noise, a quiet tone with a loud burst
    # (the relative gate), the score, and a mono voice-like signal spoken in both channels
    rng = np.random.default_rng(1)
    t = np.arange(SAMPLE_RATE * 6) / SAMPLE_RATE
    tone = 0.02 * np.sin(2 * np.pi * 440 * t)
    tone[: SAMPLE_RATE * 2] *= 25
    stems = {
        "noise": rng.standard_normal((SAMPLE_RATE * 5, 2)) * 0.05,
        "gated": np.repeat(tone[:, None], 2, axis=1),
        "score": score(8.0, seed=5, mood="bright"),
        "voice": (
            rng.standard_normal(SAMPLE_RATE * 4) * np.sin(2 * np.pi * 3 * t[: SAMPLE_RATE * 4])
        )
        * 0.2,
    }
    for name, stem in stems.items():
        path = tmp_path / f"{name}.wav"
        stereo = stem if stem.ndim == 2 else np.repeat(stem[:, None], 2, axis=1)
        write_wav(path, stereo)
        # then our figure is ffmpeg's ebur128 reading of the same samples (shown to 0.1 LU)
        assert lufs(stem.astype(np.float32)) == pytest.approx(_ebur128(path), abs=0.1), name
    # and silence, or less than one 400 ms block, has no loudness
    assert lufs(np.zeros(SAMPLE_RATE, np.float32)) == float("-inf")
    assert lufs(stems["noise"][: SAMPLE_RATE // 4]) == float("-inf")
