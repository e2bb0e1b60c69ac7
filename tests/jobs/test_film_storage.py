"""A film's stages on hosts that share nothing but storage (in-process: the settings are
switched between stages as another host's would be)."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from film.workspace import load_manifest
from jobs.film_stages import PIPELINE_STAGES, work_dir_for
from jobs.models import Job
from tests.factories import ProjectFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SCRIPT = """INT. KITCHEN - NIGHT

MARA
Who left the light on?

JONAH
I did.
"""


def _host(settings, root: Path) -> Path:
    settings.FILM_WORK_DIR = str(root / "work")
    settings.FILM_CACHE_DIR = str(root / "cache")
    return root


def _run(job: Job, stage: str) -> dict:
    return PIPELINE_STAGES[stage](job, progress=lambda percent, message="": None)


def _voices(root: Path) -> list[Path]:
    return sorted((root / "cache" / "voice").rglob("*.wav"))


def test_a_stage_goes_on_from_storage_on_another_host_and_rebuilds_what_storage_lost(
    user, settings, tmp_path
):
    settings.FILM_VOICE_PROVIDER = "espeak"
    project = ProjectFactory(owner=user, script=SCRIPT)
    job = Job.objects.create(
        owner=user, project=project, type="full_generation", cost=0, current_stage="x"
    )
    first = _host(settings, tmp_path / "a")
    _run(job, "script_analysis")
    _run(job, "voice_synthesis")
    assert len(_voices(first)) == 2

    # Given another host with nothing on disk, its stage pulls the work dir and the voices
    second = _host(settings, tmp_path / "b")
    _run(job, "subtitle_generation")
    manifest = load_manifest(work_dir_for(job))
    assert [p.name for p in _voices(second)] == [p.name for p in _voices(first)]
    assert manifest["cache"]["voices"]["misses"] == 2  # host a's figures: nothing made here
    assert Path(manifest["subtitles"]["srt"]).is_relative_to(second)

    # When storage lost one line's audio, a third host starts the film again from the
    # screenplay, and only that line is voiced anew
    lost = _voices(first)[0].relative_to(first / "cache").as_posix()
    default_storage.delete(f"film/cache/{lost}")
    _host(settings, tmp_path / "c")
    _run(job, "subtitle_generation")
    assert load_manifest(work_dir_for(job))["cache"]["voices"]["misses"] == 1
