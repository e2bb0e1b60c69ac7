"""The one moderation path: the analyse step reads the script before anything is made from
it, and a remote engine that cannot answer hands the verdict to the local classifier."""

from __future__ import annotations

import logging

import pytest

from film.config import FilmConfig
from film.errors import ScriptError
from film.fountain import validate_script
from film.moderation import moderate_breakdown
from film.steps.analyse import analyse
from film.workspace import MANIFEST, FilmRun, load_manifest

pytestmark = pytest.mark.usefixtures("fresh_providers")

CLEAN = """INT. KITCHEN - NIGHT

MARA
Who left the light on?
"""
PROFANE = """INT. BAR - NIGHT

VICTOR
Fuck you, you fucking piece of shit, you stupid fucking asshole.
"""


def test_a_flagged_script_is_refused_before_anything_is_made(tmp_path):
    run = FilmRun(work_dir=tmp_path / "work", cache_dir=tmp_path / "cache", script=PROFANE)
    with pytest.raises(ScriptError) as refused:
        analyse(run)
    assert refused.value.code == "flagged"
    assert "profanity" in str(refused.value)
    assert not (tmp_path / "work" / MANIFEST).exists()


def test_the_verdict_is_recorded_and_a_caller_that_moderated_already_can_skip_it(tmp_path):
    analyse(FilmRun(work_dir=tmp_path / "a", cache_dir=tmp_path / "c", script=CLEAN))
    assert load_manifest(tmp_path / "a")["moderation"]["flagged"] is False
    unread = FilmRun(work_dir=tmp_path / "b", cache_dir=tmp_path / "c", script=PROFANE)
    analyse(FilmRun(**{**unread.__dict__, "moderate": False}))
    assert "moderation" not in load_manifest(tmp_path / "b")


def test_a_remote_engine_that_cannot_answer_leaves_the_verdict_to_the_local_one(
    openai_config, openai_server, caplog
):
    # given the OpenAI moderation engine, and a server that keeps failing
    config = openai_config.replace(providers={"moderation": "openai"}, openai={"max_retries": 0})
    openai_server.fail_next(500, times=5)
    # when a profane script is moderated
    with caplog.at_level(logging.WARNING, logger="film.moderation"):
        verdict = moderate_breakdown(validate_script(PROFANE), config)
    # then the server was asked, and the local classifier decided
    assert len(openai_server.requests) == 1
    assert (verdict.provider, verdict.flagged) == ("local", True)
    assert "using the local classifier" in caplog.text


def test_the_local_engine_failing_is_an_error_not_a_pass(monkeypatch):
    def broken(self, texts):
        raise RuntimeError("classifier missing")

    monkeypatch.setattr("film.providers.moderation.local.LocalModeration.moderate", broken)
    with pytest.raises(RuntimeError, match="classifier missing"):
        moderate_breakdown(validate_script(CLEAN), FilmConfig())
