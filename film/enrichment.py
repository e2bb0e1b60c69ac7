"""Script enrichment: a chat model writes each shot's description and image prompt.

Optional and never load-bearing. The rule-based breakdown (the parser's action text as each
shot's description) is always complete on its own; enrichment only improves it when an
OpenAI-compatible chat endpoint is configured:

- `ScriptConfig.enrichment` "off", or no OpenAI key: nothing is imported, no client is built,
  no request is sent. The breakdown is returned as parsed.
- "auto" with a key: ONE chat request for the whole breakdown to the configured base URL with
  `OpenAIConfig.chat_model`, asking for a JSON object
  `{"shots": [{"index", "description", "image_prompt"}, ...]}` covering every shot. The reply
  is validated as a whole; if anything is wrong with it (not JSON, a shot missing or unknown,
  an empty or oversized field) or the call fails (HTTP error, timeout, unreachable), the
  rule-based analysis is kept and a warning is logged. A film never fails here.

The outcome is recorded on `Breakdown.enrichment` ({"source": "openai", "model": ...} or
{"source": "rules", "reason": ...}) so the manifest says which descriptions a film used.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from film.breakdown import Breakdown
from film.config import FilmConfig
from film.errors import ProviderError
from film.providers.openai_client import openai_client, provider_call

logger = logging.getLogger(__name__)

ENRICHMENT_MODES = ("auto", "off")
# Limits on what we accept back: a description is shown as a 3-line caption on the storyboard
# and a prompt goes to the image model (gpt-image-1 takes far more, but a longer "prompt" is a
# sign the model ignored the instructions).
MAX_DESCRIPTION_CHARS = 400
MAX_PROMPT_CHARS = 1000
# Each shot's lines are cut to this many characters in the request: the model needs the gist,
# not every word, and it keeps one request for a 600-line script within the context window.
MAX_SHOT_TEXT_CHARS = 600

SYSTEM_PROMPT = (
    "You are a storyboard artist's assistant. For every shot of the screenplay you are given, "
    "write a one- or two-sentence visual description of what the picture shows, and a "
    "detailed prompt for a text-to-image model (subject, setting, lighting, camera framing, "
    "mood; no text or captions in the image). Answer with a JSON object only: "
    '{"shots": [{"index": <shot index>, "description": "...", "image_prompt": "..."}]} with '
    "exactly one entry for every shot index you were given."
)


class EnrichmentRejected(ValueError):
    """The model's reply cannot be used; the message says why."""


def enrichment_mode(config: FilmConfig) -> str:
    """The configured enrichment mode; an unknown value counts as "off" (logged)."""
    mode = str(config.script.enrichment or "off").strip().lower()
    if mode not in ENRICHMENT_MODES:
        logger.warning("Enrichment mode %r is not one of %s: off", mode, ENRICHMENT_MODES)
        return "off"
    return mode


def enrich_breakdown(breakdown: Breakdown, config: FilmConfig) -> Breakdown:
    """Enrich `breakdown` in place when configured and return it.

    Promises: never raises because of the remote side (bad reply, HTTP error, network);
    without an OpenAI key or with enrichment "off", builds no client and sends nothing.
    Either every shot is enriched or none is.
    """
    if enrichment_mode(config) == "off":
        return _keep_rules(breakdown, "off")
    if not breakdown.shots:
        return _keep_rules(breakdown, "no_shots")
    client = openai_client(config.openai)
    if client is None:
        return _keep_rules(breakdown, "no_key")
    model = config.openai.chat_model

    import openai

    try:
        with provider_call(stage="analyse", provider="openai"):
            completion = client.chat.completions.create(
                model=model,
                messages=[
                    {"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": json.dumps(enrichment_request(breakdown))},
                ],
                response_format={"type": "json_object"},
                temperature=0.4,
            )
    except (ProviderError, openai.OpenAIError) as exc:
        logger.warning("Script enrichment failed, keeping the rule-based shots: %s", exc)
        return _keep_rules(breakdown, "provider_error")
    try:
        choice = completion.choices[0]
        if choice.finish_reason == "length":
            raise EnrichmentRejected("the reply was cut off (finish_reason=length)")
        shots = parse_enrichment(choice.message.content, [s.index for s in breakdown.shots])
    except (EnrichmentRejected, IndexError, AttributeError) as exc:
        logger.warning("Script enrichment reply rejected, keeping the rule-based shots: %s", exc)
        return _keep_rules(breakdown, "invalid_response")
    for shot in breakdown.shots:
        shot.description, shot.image_prompt = shots[shot.index]
    breakdown.enrichment = {"source": "openai", "model": str(model)}
    return breakdown


def enrichment_request(breakdown: Breakdown) -> dict[str, Any]:
    """What the model is told about the film: per shot its scene, kind, speakers and text."""
    shots = []
    for shot in breakdown.shots:
        scene = breakdown.scene_of(shot)
        text = " ".join(
            line.text if line.is_narration else f"{line.speaker}: {line.text}"
            for line in shot.lines
        )
        shots.append(
            {
                "index": shot.index,
                "scene": scene.heading,
                "kind": shot.kind,
                "characters": shot.characters,
                "text": text[:MAX_SHOT_TEXT_CHARS],
            }
        )
    return {"title": breakdown.title, "shots": shots}


def parse_enrichment(content: str | None, indexes: list[int]) -> dict[int, tuple[str, str]]:
    """Validate the model's JSON reply: shot index -> (description, image_prompt).

    Raises `EnrichmentRejected` unless every index in `indexes` appears exactly once, no other
    index appears, and both texts are non-empty strings within the length limits.
    """
    if not content:
        raise EnrichmentRejected("empty reply")
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise EnrichmentRejected(f"not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("shots"), list):
        raise EnrichmentRejected('expected an object with a "shots" list')
    wanted = set(indexes)
    result: dict[int, tuple[str, str]] = {}
    for item in data["shots"]:
        if not isinstance(item, dict):
            raise EnrichmentRejected("a shot entry is not an object")
        index = item.get("index")
        # bool is an int subclass; "index": true is not a shot number.
        if not isinstance(index, int) or isinstance(index, bool) or index not in wanted:
            raise EnrichmentRejected(f"unknown shot index {index!r}")
        if index in result:
            raise EnrichmentRejected(f"shot {index} appears twice")
        description = _text(item, "description", index, MAX_DESCRIPTION_CHARS)
        prompt = _text(item, "image_prompt", index, MAX_PROMPT_CHARS)
        result[index] = (description, prompt)
    missing = sorted(wanted - set(result))
    if missing:
        raise EnrichmentRejected(f"shots missing from the reply: {missing[:10]}")
    return result


def _text(item: dict[str, Any], key: str, index: int, limit: int) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise EnrichmentRejected(f"shot {index}: {key} missing or empty")
    value = " ".join(value.split())
    if len(value) > limit:
        raise EnrichmentRejected(f"shot {index}: {key} longer than {limit} characters")
    return value


def _keep_rules(breakdown: Breakdown, reason: str) -> Breakdown:
    breakdown.enrichment = {"source": "rules", "reason": reason}
    return breakdown
