"""Script enrichment: a chat model's shot descriptions and image prompts, never load-bearing."""

from __future__ import annotations

import json
import logging

import openai
import pytest

from film.breakdown import Breakdown
from film.config import FilmConfig
from film.enrichment import enrich_breakdown, parse_enrichment
from film.fountain import validate_script

SCRIPT = """\
Title: The Keeper

EXT. LIGHTHOUSE - NIGHT

Waves break against the rocks. MARA climbs the stairs.

MARA
The light must never go out.

INT. LAMP ROOM - NIGHT

The lamp sputters.

JONAH
Then we keep it burning.
"""


@pytest.fixture
def breakdown() -> Breakdown:
    return validate_script(SCRIPT)


def model_reply(breakdown: Breakdown, **overrides) -> str:
    """What a well-behaved model answers: one entry per shot."""
    shots = [
        {
            "index": shot.index,
            "description": f"Picture of shot {shot.index}.",
            "image_prompt": f"Cinematic still {shot.index}, moody light, wide angle",
        }
        for shot in breakdown.shots
    ]
    return json.dumps({"shots": shots} | overrides)


def test_enrichment_sets_every_shots_description_and_prompt(
    openai_config, openai_server, breakdown
):
    # given a chat model answering valid JSON
    config = openai_config.replace(openai={"chat_model": "gpt-4o-mini-2024-07-18"})
    openai_server.chat_content = model_reply(breakdown)
    # when the breakdown is enriched
    enriched = enrich_breakdown(breakdown, config)
    # then every shot has the model's description and prompt, and the source is recorded
    assert [s.description for s in enriched.shots] == [
        f"Picture of shot {s.index}." for s in enriched.shots
    ]
    assert all(s.image_prompt.startswith("Cinematic still") for s in enriched.shots)
    assert enriched.enrichment == {"source": "openai", "model": "gpt-4o-mini-2024-07-18"}
    # and it took ONE request, with the key, the model, JSON mode and every shot's text
    (request,) = openai_server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {openai_server.api_key}"
    assert request.json["model"] == "gpt-4o-mini-2024-07-18"
    assert request.json["response_format"] == {"type": "json_object"}
    sent = json.loads(request.json["messages"][-1]["content"])
    assert [s["index"] for s in sent["shots"]] == [s.index for s in breakdown.shots]
    assert any("MARA: The light must never go out." in s["text"] for s in sent["shots"])
    assert sent["shots"][0]["scene"] == "EXT. LIGHTHOUSE - NIGHT"


def test_enriched_fields_survive_the_manifest_round_trip(openai_config, openai_server, breakdown):
    openai_server.chat_content = model_reply(breakdown)
    enriched = enrich_breakdown(breakdown, openai_config)
    again = Breakdown.from_dict(json.loads(json.dumps(enriched.to_dict())))
    assert again == enriched
    assert again.shots[1].image_prompt == "Cinematic still 1, moody light, wide angle"


def test_old_manifests_without_enrichment_fields_still_load(breakdown):
    data = breakdown.to_dict()
    data.pop("enrichment")
    for scene in data["scenes"]:
        for shot in scene["shots"]:
            shot.pop("image_prompt")
    loaded = Breakdown.from_dict(data)
    assert loaded.shots[0].image_prompt == "" and loaded.enrichment == {}


@pytest.mark.parametrize(
    "reply",
    [
        "not json at all",
        "",
        json.dumps({"shots": "nope"}),
        json.dumps([1, 2, 3]),
        "MISSING_SHOT",
        "UNKNOWN_INDEX",
        "DUPLICATE",
        "EMPTY_PROMPT",
        "HUGE_DESCRIPTION",
    ],
)
def test_unusable_reply_keeps_the_rule_based_shots_and_warns(
    openai_config, openai_server, breakdown, caplog, reply
):
    # given a model whose reply is wrong in one way
    good = json.loads(model_reply(breakdown))["shots"]
    broken = {
        "MISSING_SHOT": good[:-1],
        "UNKNOWN_INDEX": [*good, {**good[0], "index": 99}],
        "DUPLICATE": [*good, good[0]],
        "EMPTY_PROMPT": [{**good[0], "image_prompt": "  "}, *good[1:]],
        "HUGE_DESCRIPTION": [{**good[0], "description": "x" * 5000}, *good[1:]],
    }
    openai_server.chat_content = json.dumps({"shots": broken[reply]}) if reply in broken else reply
    before = [(s.description, s.image_prompt) for s in breakdown.shots]
    # when enrichment runs
    with caplog.at_level(logging.WARNING, logger="film.enrichment"):
        result = enrich_breakdown(breakdown, openai_config)
    # then nothing changed, the film goes on, and a warning says why
    assert [(s.description, s.image_prompt) for s in result.shots] == before
    assert result.enrichment == {"source": "rules", "reason": "invalid_response"}
    assert "rejected" in caplog.text
    assert len(openai_server.requests) == 1


def test_truncated_reply_is_rejected(openai_config, openai_server, breakdown):
    openai_server.chat_content = model_reply(breakdown)
    openai_server.chat_finish_reason = "length"
    assert enrich_breakdown(breakdown, openai_config).enrichment["reason"] == "invalid_response"
    assert all(s.image_prompt == "" for s in breakdown.shots)


def test_server_errors_keep_the_rule_based_shots(openai_config, openai_server, breakdown, caplog):
    # given a server that keeps failing (more than the client's one retry)
    openai_server.fail_next(500, times=3)
    openai_server.chat_content = model_reply(breakdown)
    before = [s.description for s in breakdown.shots]
    with caplog.at_level(logging.WARNING, logger="film.enrichment"):
        result = enrich_breakdown(breakdown, openai_config)
    assert [s.description for s in result.shots] == before
    assert result.enrichment == {"source": "rules", "reason": "provider_error"}
    assert "HTTP 500" in caplog.text
    assert len(openai_server.requests) == 2  # the first try and the client's one retry


def test_one_failure_is_retried_by_the_client_and_enrichment_succeeds(
    openai_config, openai_server, breakdown
):
    openai_server.fail_next(429)
    openai_server.chat_content = model_reply(breakdown)
    assert enrich_breakdown(breakdown, openai_config).enrichment["source"] == "openai"
    assert len(openai_server.requests) == 2


def test_unreachable_endpoint_keeps_the_rule_based_shots(openai_config, breakdown):
    from tests.fakes.openai_server import running_fake_openai

    with running_fake_openai() as gone:
        config = openai_config.replace(openai={"base_url": gone.base_url, "max_retries": 0})
    result = enrich_breakdown(breakdown, config)
    assert result.enrichment == {"source": "rules", "reason": "provider_error"}


def test_without_a_key_no_client_is_built_and_nothing_is_sent(
    openai_server, breakdown, monkeypatch
):
    # given no key, but a live server configured (so a call would be observable)
    config = FilmConfig().replace(
        openai={"api_key": "", "base_url": openai_server.base_url}, script={"enrichment": "auto"}
    )

    def no_client(*args, **kwargs):
        raise AssertionError("an OpenAI client was constructed without a key")

    monkeypatch.setattr(openai, "OpenAI", no_client)
    before = breakdown.to_dict()
    # when enrichment runs
    result = enrich_breakdown(breakdown, config)
    # then the rule-based analysis is kept, and the server saw nothing
    assert result.enrichment == {"source": "rules", "reason": "no_key"}
    assert {**result.to_dict(), "enrichment": {}} == {**before, "enrichment": {}}
    assert openai_server.requests == []


def test_enrichment_off_sends_nothing_even_with_a_key(openai_config, openai_server, breakdown):
    config = openai_config.replace(script={"enrichment": "off"})
    openai_server.chat_content = model_reply(breakdown)
    assert enrich_breakdown(breakdown, config).enrichment == {"source": "rules", "reason": "off"}
    assert openai_server.requests == []


def test_unknown_enrichment_mode_counts_as_off(openai_config, openai_server, breakdown):
    config = openai_config.replace(script={"enrichment": "always"})
    assert enrich_breakdown(breakdown, config).enrichment["reason"] == "off"
    assert openai_server.requests == []


def test_parse_normalises_whitespace_and_rejects_boolean_indexes():
    reply = {"shots": [{"index": 0, "description": " A  wide\nshot ", "image_prompt": "p"}]}
    assert parse_enrichment(json.dumps(reply), [0]) == {0: ("A wide shot", "p")}
    reply["shots"][0]["index"] = False
    with pytest.raises(ValueError, match="unknown shot index"):
        parse_enrichment(json.dumps(reply), [0])


def test_analyse_enriches_and_the_openai_images_are_drawn_from_the_prompts(
    openai_config, openai_server, breakdown, tmp_path
):
    """Given an OpenAI-compatible server, when the pipeline analyses the script and draws
    its stills with the OpenAI images provider, then each image request carries its shot's
    enriched prompt."""
    from film.steps.analyse import analyse
    from film.steps.pictures import images
    from film.workspace import FilmRun, load_manifest

    openai_server.chat_content = model_reply(breakdown)
    work = tmp_path / "work"
    run = FilmRun(
        work_dir=work,
        cache_dir=tmp_path / "cache",
        config=openai_config.replace(providers={"image": "openai"}),
        script=SCRIPT,
        size=(320, 180),
    )

    analysed = analyse(run)
    paths = images(run)

    assert analysed.enrichment["source"] == "openai"
    manifest = load_manifest(work)
    assert manifest["breakdown"]["enrichment"]["source"] == "openai"
    prompts = [r.json["prompt"] for r in openai_server.requests if r.path.endswith("/generations")]
    assert len(prompts) == len(paths) == len(breakdown.shots)
    for shot, prompt in zip(breakdown.shots, prompts, strict=True):
        assert f"Cinematic still {shot.index}" in prompt
