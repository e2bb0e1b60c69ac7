"""The library API: lists, detail, edits, deletes, views, categories, stats."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from media_library.models import Category, UploadQuota, Video
from media_library.services import category_create
from media_library.services.quota import quota_reserve, quota_week_start, quotas_reset_weekly
from tests.factories import UserFactory
from tests.media_library.conftest import stored_files


def make_video(user, *, status=Video.Status.COMPLETED, category=None, views=0, files=False):
    video = Video(title="v", uploaded_by=user, status=status, category=category, view_count=views)
    if files:
        for field in ("original", "rendition_720p", "rendition_480p", "thumbnail"):
            getattr(video, field).name = default_storage.save(
                f"videos/{video.key}/{field}.bin", ContentFile(b"x" * 10)
            )
    video.save()
    return video


def test_list_is_public_paginated_by_ten_and_constant_in_queries(api_client, db):
    category = Category.objects.create(name="Drama", slug="drama")
    for _ in range(3):
        make_video(UserFactory(), category=category)
    with CaptureQueriesContext(connection) as three:
        response = api_client.get("/api/v1/videos")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    for _ in range(12):
        make_video(UserFactory(), category=category)
    with CaptureQueriesContext(connection) as fifteen:
        response = api_client.get("/api/v1/videos")
    assert len(response.json()["results"]) == 10  # default page size
    # One page: its rows tell the count (one query). More: the page, then the count.
    assert (len(three.captured_queries), len(fifteen.captured_queries)) == (1, 2)
    assert len(api_client.get("/api/v1/videos?page_size=500").json()["results"]) == 15


def test_list_filters_and_sorts(api_client, user, other_user):
    drama = Category.objects.create(name="Drama", slug="drama")
    a = make_video(user, category=drama, views=5)
    b = make_video(user, views=50)
    c = make_video(other_user, category=drama, views=1)
    make_video(user, status=Video.Status.PENDING)  # not public

    def ids(query):
        return [v["id"] for v in api_client.get(f"/api/v1/videos?{query}").json()["results"]]

    assert ids(f"category_id={drama.id}") == [c.id, a.id]
    assert ids(f"uploaded_by={user.id}") == [b.id, a.id]
    assert ids("sort_by=view_count&order=desc") == [b.id, a.id, c.id]
    assert ids("sort_by=view_count&order=asc") == [c.id, a.id, b.id]
    assert ids("sort_by=created_at&order=asc") == [a.id, b.id, c.id]
    assert ids(f"uploaded_by={user.id}") == [
        v["id"] for v in api_client.get(f"/api/v1/users/{user.id}/videos").json()["results"]
    ]
    bad = api_client.get("/api/v1/videos?sort_by=title")
    assert bad.status_code == 400 and "sort_by" in bad.json()["errors"]


def test_search_matches_every_word_in_title_or_description_and_combines_with_filters(
    api_client, user, other_user
):
    drama = Category.objects.create(name="Drama", slug="drama")
    ferry = make_video(user, category=drama)
    pier = make_video(other_user)
    hidden = make_video(user, status=Video.Status.PENDING)
    Video.objects.filter(pk=ferry.pk).update(title="The Night Ferry", description="Fog, a pier.")
    Video.objects.filter(pk=pier.pk).update(title="Old pier", description="Gulls at NIGHT")
    Video.objects.filter(pk=hidden.pk).update(title="Night pier, unfinished")

    def ids(query):
        response = api_client.get("/api/v1/videos", query)
        assert response.status_code == 200, response.json()
        return [v["id"] for v in response.json()["results"]]

    assert ids({"search": "night"}) == [pier.id, ferry.id]  # title or description, any case
    assert ids({"search": "night pier"}) == [pier.id, ferry.id]
    assert ids({"search": "ferry gulls"}) == []  # every word must match
    assert ids({"search": "pier", "category_id": drama.id}) == [ferry.id]
    assert ids({"search": ""}) == [pier.id, ferry.id]
    too_long = api_client.get("/api/v1/videos", {"search": "x" * 101})
    assert too_long.status_code == 400 and "search" in too_long.json()["errors"]


def test_uploader_sees_own_unfinished_videos_others_do_not(auth_client, api_client, user):
    pending = make_video(user, status=Video.Status.PENDING)
    assert api_client.get(f"/api/v1/videos/{pending.id}").status_code == 404
    assert auth_client.get(f"/api/v1/videos/{pending.id}").json()["status"] == "pending"
    assert pending.id in [v["id"] for v in auth_client.get("/api/v1/videos").json()["results"]]


def test_only_uploader_or_admin_may_edit_or_delete(auth_client, make_client, admin_client, user):
    video = make_video(user)
    stranger = make_client(UserFactory())
    edit = stranger.patch(f"/api/v1/videos/{video.id}", {"title": "mine now"}, format="json")
    # Another user's video, even a public one, is a 404 to write to (the README's promise).
    assert edit.status_code == 404
    assert stranger.delete(f"/api/v1/videos/{video.id}").status_code == 404
    category = Category.objects.create(name="Docs", slug="docs")
    response = auth_client.patch(
        f"/api/v1/videos/{video.id}", {"title": "New", "category": category.id}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["category"]["id"]) == ("New", category.id)
    read_only = auth_client.patch(f"/api/v1/videos/{video.id}", {"view_count": 9}, format="json")
    assert read_only.status_code == 200 and read_only.json()["view_count"] == 0
    assert (
        admin_client.patch(
            f"/api/v1/videos/{video.id}", {"title": "Mod"}, format="json"
        ).status_code
        == 200
    )


def test_delete_removes_every_file_from_storage(
    auth_client, user, django_capture_on_commit_callbacks
):
    video = make_video(user, files=True)
    keep = make_video(user, files=True)
    assert len(stored_files()) == 8
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client.delete(f"/api/v1/videos/{video.id}")
    assert response.status_code == 204
    assert not Video.objects.filter(id=video.id).exists()
    assert stored_files() == sorted(keep.stored_names())


def test_view_counter_increments_atomically_once_per_client(api_client, auth_client, user):
    video = make_video(user, views=7)
    assert api_client.post(f"/api/v1/videos/{video.id}/view").json() == {"view_count": 8}
    assert auth_client.post(f"/api/v1/videos/{video.id}/view").json() == {"view_count": 9}
    # The same client again within the minute is not counted: a loop cannot inflate it.
    again = api_client.post(f"/api/v1/videos/{video.id}/view")
    assert (again.status_code, again.json()["code"]) == (429, "throttled")
    video.refresh_from_db()
    assert video.view_count == 9
    pending = make_video(user, status=Video.Status.PENDING)
    assert api_client.post(f"/api/v1/videos/{pending.id}/view").status_code == 404


def test_categories_public_read_admin_write_unique_slugs(api_client, auth_client, admin_client):
    assert (
        auth_client.post("/api/v1/categories", {"name": "Drama"}, format="json").status_code == 403
    )
    first = admin_client.post("/api/v1/categories", {"name": "Sci Fi!"}, format="json")
    assert (first.status_code, first.json()["slug"]) == (201, "sci-fi")
    second = admin_client.post("/api/v1/categories", {"name": "Sci-Fi"}, format="json")
    assert second.json()["slug"] == "sci-fi-2"
    dup = admin_client.post("/api/v1/categories", {"name": "Sci-Fi"}, format="json")
    assert (dup.status_code, dup.json()["code"]) == (409, "duplicate")
    listed = api_client.get("/api/v1/categories").json()
    assert [c["slug"] for c in listed] == ["sci-fi", "sci-fi-2"]
    pk = first.json()["id"]
    renamed = admin_client.patch(f"/api/v1/categories/{pk}", {"name": "Horror"}, format="json")
    assert renamed.json()["slug"] == "horror"
    video = make_video(UserFactory(), category=Category.objects.get(id=pk))
    assert admin_client.delete(f"/api/v1/categories/{pk}").status_code == 204
    video.refresh_from_db()
    assert video.category is None  # the video stays, uncategorised


def test_admin_stats(admin_client, auth_client, user):
    done = make_video(user)
    pending = make_video(user, status=Video.Status.PENDING)
    make_video(user, status=Video.Status.PROCESSING)
    Video.objects.filter(id=done.id).update(storage_bytes=100)
    Video.objects.filter(id=pending.id).update(storage_bytes=150)
    assert auth_client.get("/api/v1/admin/stats").status_code == 403
    stats = admin_client.get("/api/v1/admin/stats").json()
    assert stats["videos"] == 3
    assert stats["storage_used_bytes"] == 250
    assert (stats["videos_pending"], stats["videos_processing"]) == (1, 1)
    assert stats["users"] == 2


def test_quota_weeks_start_sunday_utc_and_reset_drops_past_weeks(user):
    sunday = dt.datetime(2026, 11, 22, 0, 0, tzinfo=dt.UTC)  # a Sunday
    assert quota_week_start(sunday) == sunday.date()
    assert quota_week_start(sunday - dt.timedelta(seconds=1)) == dt.date(2026, 11, 15)
    assert quota_week_start(sunday + dt.timedelta(days=6, hours=23)) == sunday.date()
    old = quota_reserve(user=user, nbytes=10, week=quota_week_start() - dt.timedelta(days=7))
    quota_reserve(user=user, nbytes=20)
    assert quotas_reset_weekly(now=timezone.now()) == 1
    assert not UploadQuota.objects.filter(week_start=old).exists()
    assert UploadQuota.objects.get().bytes_used == 20


def test_beat_resets_quotas_on_sunday_midnight_utc_with_expiry():
    from celery_app.schedule import BEAT_SCHEDULE
    from media_library.tasks import video_process_task

    entry = BEAT_SCHEDULE["media-quotas-reset-weekly"]
    assert entry["task"] == "media_library.quotas_reset_weekly"
    schedule = entry["schedule"]
    assert (schedule.minute, schedule.hour, schedule.day_of_week) == ({0}, {0}, {0})
    assert entry["options"]["expires"] > 0
    assert video_process_task.queue_name == "media"


@pytest.mark.parametrize("name", ["Drama", "Sci Fi"])
def test_category_service_slugs(db, name):
    assert category_create(name=name).slug == name.lower().replace(" ", "-")


def test_delete_also_removes_outputs_the_row_no_longer_names(
    auth_client, user, django_capture_on_commit_callbacks
):
    # given a video whose earlier, killed processing run left a rendition the row never
    # recorded (the retry stored its own under a suffixed key)
    video = make_video(user, files=True)
    default_storage.save(f"videos/{video.key}/720p_x1y2z3.mp4", ContentFile(b"orphan"))

    # when it is deleted
    with django_capture_on_commit_callbacks(execute=True):
        assert auth_client.delete(f"/api/v1/videos/{video.id}").status_code == 204

    # then nothing of it is left in storage
    assert stored_files() == []
