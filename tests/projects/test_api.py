import importlib

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Asset, Project
from projects.services import asset_create_from_file
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

PROJECT = {
    "title": "The Lighthouse",
    "description": "A keeper and a storm.",
    "script": "INT. LIGHTHOUSE - NIGHT\n\nRain hammers the glass.\n",
    "style": "noir",
    "target_duration": 90,
    "aspect_ratio": "9:16",
    "frame_rate": 30,
}


def test_owner_creates_a_draft_project(auth_client):
    response = auth_client.post("/api/v1/projects", PROJECT, format="json")

    assert response.status_code == 201, response.data
    body = response.json()
    assert body["title"] == "The Lighthouse"
    assert body["aspect_ratio"] == "9:16"
    assert body["frame_rate"] == 30
    assert body["status"] == "draft"
    assert body["moderation_status"] == "not_reviewed"
    assert body["owner"] == auth_client.user.id
    assert Project.objects.get(pk=body["id"]).owner == auth_client.user


def test_owner_status_and_moderation_are_read_only(auth_client, other_user):
    payload = {
        **PROJECT,
        "status": "completed",
        "moderation_status": "approved",
        "owner": other_user.id,
    }
    created = auth_client.post("/api/v1/projects", payload, format="json").json()

    project = Project.objects.get(pk=created["id"])
    assert project.status == "draft"
    assert project.moderation_status == "not_reviewed"
    assert project.owner == auth_client.user

    auth_client.patch(f"/api/v1/projects/{project.id}", {"status": "completed"}, format="json")
    project.refresh_from_db()
    assert project.status == "draft"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("aspect_ratio", "4:3", '"4:3" is not a valid choice.'),
        ("target_duration", 0, "Ensure this value is greater than or equal to 5."),
        ("target_duration", 10_000, "Ensure this value is less than or equal to 600."),
        ("title", "", "This field may not be blank."),
        ("frame_rate", 29, '"29" is not a valid choice.'),
    ],
)
def test_invalid_project_is_refused_with_the_standard_error_shape(
    auth_client, field, value, message
):
    response = auth_client.post("/api/v1/projects", {**PROJECT, field: value}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "Invalid input."
    # Only the bad field is named, with the reason a client can show.
    assert body["errors"] == {field: [message]}
    assert not Project.objects.exists()


def test_list_is_paginated_filtered_and_ordered(auth_client):
    owner = auth_client.user
    for index in range(5):
        ProjectFactory(owner=owner, title=f"Film {index}", status="draft")
    ProjectFactory(owner=owner, title="Done", status="completed")
    ProjectFactory(title="Someone else's")

    page = auth_client.get("/api/v1/projects", {"page_size": 2}).json()
    assert page["count"] == 6
    assert len(page["results"]) == 2
    assert page["next"]

    done = auth_client.get("/api/v1/projects", {"status": "completed"}).json()
    assert [p["title"] for p in done["results"]] == ["Done"]

    by_title = auth_client.get("/api/v1/projects", {"ordering": "title"}).json()
    titles = [p["title"] for p in by_title["results"]]
    assert titles == sorted(titles)


def test_page_size_is_capped_at_100(auth_client):
    ProjectFactory.create_batch(3, owner=auth_client.user)

    response = auth_client.get("/api/v1/projects", {"page_size": 1000})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_list_runs_a_constant_number_of_queries(auth_client):
    ProjectFactory.create_batch(2, owner=auth_client.user)
    with CaptureQueriesContext(connection) as few:
        auth_client.get("/api/v1/projects", {"page_size": 100})
    ProjectFactory.create_batch(30, owner=auth_client.user)
    with CaptureQueriesContext(connection) as many:
        response = auth_client.get("/api/v1/projects", {"page_size": 100})

    assert len(response.json()["results"]) == 32
    assert len(many) == len(few)


def test_owner_reads_updates_and_soft_deletes(auth_client):
    project = ProjectFactory(owner=auth_client.user)
    url = f"/api/v1/projects/{project.id}"

    assert auth_client.get(url).json()["script"] == project.script

    put = auth_client.put(url, {**PROJECT, "title": "Renamed"}, format="json")
    assert put.status_code == 200
    assert put.json()["title"] == "Renamed"

    patch = auth_client.patch(url, {"style": "watercolour"}, format="json")
    assert patch.json()["style"] == "watercolour"

    assert auth_client.delete(url).status_code == 204
    assert auth_client.get(url).status_code == 404
    assert auth_client.get("/api/v1/projects").json()["count"] == 0
    project.refresh_from_db()
    assert project.deleted_at is not None  # the row stays: soft delete


@pytest.mark.parametrize(
    "method,suffix,body",
    [
        ("get", "", None),
        ("put", "", PROJECT),
        ("patch", "", {"title": "Mine now"}),
        ("delete", "", None),
        ("get", "/assets", None),
    ],
)
def test_another_users_project_is_not_found(make_client, other_user, user, method, suffix, body):
    project = ProjectFactory(owner=user)
    intruder = make_client(other_user)

    response = getattr(intruder, method)(
        f"/api/v1/projects/{project.id}{suffix}", body, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    project.refresh_from_db()
    assert project.title != "Mine now"
    assert project.deleted_at is None


def test_anonymous_requests_are_refused_with_a_code(api_client):
    response = api_client.get("/api/v1/projects")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_assets_are_listed_with_a_working_signed_download_link(auth_client, api_client):
    project = ProjectFactory(owner=auth_client.user)
    asset = Asset(project=project, kind="subtitles", size=6, content_type="text/vtt")
    asset.file.save("subs.vtt", ContentFile(b"WEBVTT"), save=True)

    listing = auth_client.get(f"/api/v1/projects/{project.id}/assets").json()

    assert listing["count"] == 1
    item = listing["results"][0]
    assert item["kind"] == "subtitles"
    download = api_client.get(item["download_url"])  # no credentials: the link is the key
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"WEBVTT"


def test_a_script_with_nul_bytes_is_refused_not_a_server_error(auth_client):
    response = auth_client.post(
        "/api/v1/projects", {**PROJECT, "script": "INT. HOUSE\x00 - DAY"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"
    assert "script" in response.json()["errors"]


def test_list_orders_by_created_and_updated_both_ways(auth_client):
    first, second, third = (ProjectFactory(owner=auth_client.user) for _ in range(3))
    # Touch the oldest so "updated" and "created" disagree.
    auth_client.patch(f"/api/v1/projects/{first.id}", {"style": "sepia"}, format="json")

    def ids(ordering: str) -> list[int]:
        response = auth_client.get("/api/v1/projects", {"ordering": ordering})
        return [p["id"] for p in response.json()["results"]]

    assert ids("created_at") == [first.id, second.id, third.id]
    assert ids("-created_at") == [third.id, second.id, first.id]
    assert ids("-updated_at")[0] == first.id
    assert ids("updated_at")[-1] == first.id


def test_status_filter_accepts_several_and_refuses_unknown(auth_client):
    owner = auth_client.user
    draft = ProjectFactory(owner=owner, status="draft")
    failed = ProjectFactory(owner=owner, status="failed")
    ProjectFactory(owner=owner, status="completed")

    response = auth_client.get("/api/v1/projects?status=draft&status=failed")
    assert {p["id"] for p in response.json()["results"]} == {draft.id, failed.id}

    bad = auth_client.get("/api/v1/projects", {"status": "bogus"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and "status" in bad.json()["errors"]


def test_asset_list_runs_a_constant_number_of_queries(auth_client):
    project = ProjectFactory(owner=auth_client.user)

    def add_assets(count: int) -> None:
        for _ in range(count):
            asset = Asset(project=project, kind="image", size=1)
            asset.file.save("shot.png", ContentFile(b"x"), save=True)

    add_assets(1)
    with CaptureQueriesContext(connection) as few:
        auth_client.get(f"/api/v1/projects/{project.id}/assets", {"page_size": 100})
    add_assets(10)
    with CaptureQueriesContext(connection) as many:
        response = auth_client.get(f"/api/v1/projects/{project.id}/assets", {"page_size": 100})

    assert response.json()["count"] == 11
    assert len(many) == len(few)


def test_a_deleted_projects_assets_are_gone_too(auth_client):
    project = ProjectFactory(owner=auth_client.user)
    auth_client.delete(f"/api/v1/projects/{project.id}")

    response = auth_client.get(f"/api/v1/projects/{project.id}/assets")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_editing_an_approved_screenplay_sends_it_back_to_moderation(auth_client):
    project = ProjectFactory(owner=auth_client.user, moderation_status="approved")
    url = f"/api/v1/projects/{project.id}"

    auth_client.patch(url, {"title": "Same words, new title"}, format="json")
    project.refresh_from_db()
    assert project.moderation_status == "approved"

    auth_client.patch(url, {"script": project.script + "\nNew words.\n"}, format="json")
    project.refresh_from_db()
    assert project.moderation_status == "not_reviewed"


def _store_thumbnail(project, tmp_path, content: bytes) -> Asset:
    """A thumbnail stored the way the pipeline stores one."""
    path = tmp_path / f"thumbnail-{len(list(tmp_path.iterdir()))}.jpg"
    path.write_bytes(content)
    return asset_create_from_file(
        project=project, kind=Asset.Kind.THUMBNAIL, path=path, content_type="image/jpeg"
    )


def _thumbnail_links(client) -> dict:
    response = client.get("/api/v1/projects")
    return {p["id"]: p["thumbnail_url"] for p in response.json()["results"]}


def test_the_list_links_each_projects_newest_thumbnail_in_the_same_queries(auth_client, tmp_path):
    with_thumbnails, without = ProjectFactory.create_batch(2, owner=auth_client.user)
    for content in (b"old frame", b"new frame"):
        _store_thumbnail(with_thumbnails, tmp_path, content)
    with CaptureQueriesContext(connection) as one_thumbnail:
        response = auth_client.get("/api/v1/projects")

    links = {p["id"]: p["thumbnail_url"] for p in response.json()["results"]}
    assert links[without.pk] is None
    assert auth_client.get(links[with_thumbnails.pk]).getvalue() == b"new frame"
    ProjectFactory.create_batch(5, owner=auth_client.user)
    with CaptureQueriesContext(connection) as more:
        auth_client.get("/api/v1/projects")
    assert len(more) == len(one_thumbnail)


def test_a_regenerated_thumbnail_replaces_the_old_one_in_the_list(auth_client, tmp_path):
    # given a project whose thumbnail the list links
    project = ProjectFactory(owner=auth_client.user)
    _store_thumbnail(project, tmp_path, b"first frame")
    assert auth_client.get(_thumbnail_links(auth_client)[project.pk]).getvalue() == b"first frame"
    # when a thumbnail is made again (another frame), and another asset kind is stored after
    _store_thumbnail(project, tmp_path, b"second frame")
    other = tmp_path / "film.mp4"
    other.write_bytes(b"film")
    asset_create_from_file(
        project=project, kind=Asset.Kind.FILM, path=other, content_type="video/mp4"
    )
    # then the list links the new thumbnail
    link = _thumbnail_links(auth_client)[project.pk]
    assert auth_client.get(link).getvalue() == b"second frame"


def test_deleting_the_linked_thumbnail_clears_it_from_the_list(auth_client, tmp_path):
    project = ProjectFactory(owner=auth_client.user)
    thumbnail = _store_thumbnail(project, tmp_path, b"frame")
    assert _thumbnail_links(auth_client)[project.pk] is not None

    thumbnail.delete()

    assert _thumbnail_links(auth_client)[project.pk] is None
    assert Project.objects.get(pk=project.pk).thumbnail_id is None


def test_the_migration_links_each_projects_newest_stored_thumbnail(user):
    # given thumbnails stored before projects kept a link to theirs (no link set)
    backfill = importlib.import_module("projects.migrations.0007_backfill_project_thumbnail")
    with_two, with_an_empty_one, with_none = ProjectFactory.create_batch(3, owner=user)
    old, new = (
        Asset.objects.create(
            project=with_two, kind=Asset.Kind.THUMBNAIL, file=ContentFile(b"x", name="t.jpg")
        )
        for _ in range(2)
    )
    Asset.objects.create(project=with_an_empty_one, kind=Asset.Kind.THUMBNAIL, file="")
    Asset.objects.create(
        project=with_none, kind=Asset.Kind.FILM, file=ContentFile(b"x", name="f.mp4")
    )
    # when the data migration runs
    backfill.link_newest_thumbnails(django_apps, None)
    # then each project links its newest thumbnail with a file, and only that
    links = dict(Project.objects.values_list("pk", "thumbnail_id"))
    assert links == {with_two.pk: new.pk, with_an_empty_one.pk: None, with_none.pk: None}


def test_owner_casts_voices_and_an_unknown_voice_is_a_400(auth_client):
    # given a project
    project = ProjectFactory(owner=auth_client.user)
    url = f"/api/v1/projects/{project.id}"
    # when its cast is set through the API, names in any case
    cast = {"Mara": "woman_young", "NARRATOR": "man_old"}
    response = auth_client.patch(url, {"cast": cast}, format="json")
    # then it is stored under the script's (capital) names
    assert response.status_code == 200, response.data
    assert response.json()["cast"] == {"MARA": "woman_young", "NARRATOR": "man_old"}
    project.refresh_from_db()
    assert project.cast == {"MARA": "woman_young", "NARRATOR": "man_old"}
    # and a voice nobody offers is refused in the one error shape, the cast unchanged
    bad = auth_client.patch(url, {"cast": {"MARA": "elvis"}}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert bad.json()["errors"] == {"cast.MARA": ['"elvis" is not a valid choice.']}
    project.refresh_from_db()
    assert project.cast["MARA"] == "woman_young"


def test_owner_chooses_picture_and_voice_sources_and_captions_and_a_bad_one_is_a_400(
    auth_client,
):
    # given a new project: the offline engines and every line captioned
    created = auth_client.post("/api/v1/projects", PROJECT, format="json").json()
    assert (created["picture_source"], created["voice_source"], created["captions"]) == (
        "default",
        "default",
        "all",
    )
    url = f"/api/v1/projects/{created['id']}"
    # when the owner asks for stock pictures, ElevenLabs voices and dialogue-only captions
    choice = {"picture_source": "stock", "voice_source": "elevenlabs", "captions": "dialogue"}
    response = auth_client.patch(url, choice, format="json")
    # then the project keeps them
    assert response.status_code == 200, response.data
    project = Project.objects.get(pk=created["id"])
    assert (project.picture_source, project.voice_source, project.captions) == (
        "stock",
        "elevenlabs",
        "dialogue",
    )
    # and a source nobody offers is refused in the one error shape, the choice unchanged
    bad = auth_client.patch(url, {"picture_source": "midjourney"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert list(bad.json()["errors"]) == ["picture_source"]
    project.refresh_from_db()
    assert project.picture_source == "stock"


def test_the_projects_sources_are_the_engines_sources():
    from film.providers.registry import SOURCES

    assert set(Project.PictureSource.values) == set(SOURCES["image"])
    assert set(Project.VoiceSource.values) == set(SOURCES["voice"])
