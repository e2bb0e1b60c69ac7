"""The Django admin of the media library: every changelist loads and searches for a superuser."""

import pytest
from django.test import Client
from django.utils import timezone

from media_library.models import Category, UploadQuota, UploadSession, Video
from tests.factories import UserFactory

MODELS = ["category", "video", "uploadquota", "uploadsession"]


@pytest.fixture
def superuser_client(db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def library(db):
    uploader = UserFactory(email="maker@example.com")
    category = Category.objects.create(name="Drama", slug="drama")
    Video.objects.create(title="Lighthouse", uploaded_by=uploader, category=category)
    Video.objects.create(title="Harbour", uploaded_by=UserFactory())
    UploadQuota.objects.create(user=uploader, week_start=timezone.now().date(), bytes_used=5)
    UploadSession.objects.create(user=uploader, length=10, quota_week=timezone.now().date())
    return uploader


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_and_change_form_loads(superuser_client, library, model):
    listing = superuser_client.get(f"/admin/media_library/{model}/")
    assert listing.status_code == 200
    searched = superuser_client.get(f"/admin/media_library/{model}/?q=maker")
    assert searched.status_code == 200
    row = listing.context["cl"].result_list[0]
    assert superuser_client.get(f"/admin/media_library/{model}/{row.pk}/change/").status_code == 200


def test_video_search_finds_by_title_and_uploader_email(superuser_client, library):
    def titles(query):
        response = superuser_client.get(f"/admin/media_library/video/?q={query}")
        return [v.title for v in response.context["cl"].result_list]

    assert titles("lighthouse") == ["Lighthouse"]
    assert titles("maker@example") == ["Lighthouse"]


def test_upload_sessions_are_found_by_uploader_email(superuser_client, library):
    UploadSession.objects.create(user=UserFactory(), length=10, quota_week=timezone.now().date())
    response = superuser_client.get("/admin/media_library/uploadsession/?q=maker@example")
    assert [s.user_id for s in response.context["cl"].result_list] == [library.id]


def test_videos_are_not_added_from_an_empty_admin_form(superuser_client, db):
    assert superuser_client.get("/admin/media_library/video/add/").status_code == 403
