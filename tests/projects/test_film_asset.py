"""Which asset is the film: decided once (projects.selectors), for publishing and downloads."""

import pytest
from django.core.files.base import ContentFile

from projects.models import Asset
from projects.selectors import film_asset, result_asset
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _asset(project, kind: str, *, stored: bool = True) -> Asset:
    asset = Asset(project=project, kind=kind, size=4)
    if stored:
        asset.file.save(f"{kind}.bin", ContentFile(b"data"), save=True)
    else:
        asset.save()
    return asset


def test_the_film_is_the_projects_newest_stored_film():
    project = ProjectFactory()
    _asset(project, "film")
    newest = _asset(project, "film")
    _asset(project, "film", stored=False)  # a row whose file was never stored
    _asset(project, "thumbnail")
    _asset(ProjectFactory(), "film")  # another project's

    assert film_asset(project_id=project.pk) == newest


def test_a_project_without_a_film_has_none():
    project = ProjectFactory()
    _asset(project, "thumbnail")
    assert film_asset(project_id=project.pk) is None


def test_a_jobs_result_is_its_film_else_its_last_output():
    project = ProjectFactory()
    older_film = _asset(project, "film")
    srt, film, thumbnail = (
        _asset(project, "subtitles"),
        _asset(project, "film"),
        _asset(project, "thumbnail"),
    )
    _asset(project, "film")  # a later job's film, not among these outputs

    assert result_asset(project_id=project.pk, asset_ids=[srt.pk, film.pk, thumbnail.pk]) == film
    assert result_asset(project_id=project.pk, asset_ids=[srt.pk, thumbnail.pk]) == thumbnail
    assert result_asset(project_id=project.pk, asset_ids=[older_film.pk]) == older_film
    assert result_asset(project_id=project.pk, asset_ids=[]) is None
    # another project's asset id is no result of this project
    assert result_asset(project_id=ProjectFactory().pk, asset_ids=[film.pk]) is None
