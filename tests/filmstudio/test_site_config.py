"""The site configuration: one row below every app, edited by admins (API and admin site)."""

import pytest
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from filmstudio.models import SiteConfig
from filmstudio.selectors import site_config_get
from tests.factories import UserFactory
from tests.migrator import migrated_to

pytestmark = pytest.mark.django_db

MEDIA_LIBRARY_BEFORE = ("media_library", "0003_video_processing_attempts")


def test_site_config_is_admin_only_and_validated(auth_client, admin_client, admin_user):
    assert auth_client.get("/api/v1/admin/config").status_code == 403
    response = admin_client.patch(
        "/api/v1/admin/config",
        {
            "max_file_size_bytes": 1024,
            "keep_originals": True,
            "registration_mode": "invitation_only",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    config = SiteConfig.objects.get()
    assert (config.max_file_size_bytes, config.keep_originals) == (1024, True)
    assert config.registration_mode == "invitation_only" and config.updated_by == admin_user
    bad = admin_client.patch("/api/v1/admin/config", {"registration_mode": "closed"}, format="json")
    assert bad.status_code == 400


def test_site_config_admin_is_a_singleton(rf, admin_user):
    model_admin = admin_site._registry[SiteConfig]
    request = rf.get("/admin/")
    request.user = admin_user
    assert model_admin.has_add_permission(request) is True
    SiteConfig.objects.get_or_create(id=1)
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_delete_permission(request, SiteConfig.objects.get()) is False


def test_before_anyone_saves_it_the_defaults_apply_and_reading_writes_nothing(admin_client):
    response = admin_client.get("/api/v1/admin/config")

    assert response.status_code == 200
    assert response.json()["registration_mode"] == "open"
    assert response.json()["max_file_size_bytes"] == SiteConfig().max_file_size_bytes
    assert site_config_get().pk == 1
    assert not SiteConfig.objects.exists()


def test_the_admin_site_lists_and_edits_the_one_row(admin_client, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    admin_client.patch("/api/v1/admin/config", {"keep_originals": True}, format="json")

    assert client.get("/admin/filmstudio/siteconfig/").status_code == 200
    assert client.get("/admin/filmstudio/siteconfig/1/change/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_row_written_before_the_move_from_the_media_library_is_read_after_it():
    # given the configuration saved, and a staff member allowed to change it, while the model
    # still belonged to the media library
    with migrated_to([MEDIA_LIBRARY_BEFORE, ("filmstudio", None)]) as old:
        old.get_model("media_library", "SiteConfig").objects.create(
            id=1, max_file_size_bytes=1234, registration_mode="invitation_only"
        )
        staff = UserFactory(is_staff=True)
        content_type = ContentType.objects.get(app_label="media_library", model="siteconfig")
        staff.user_permissions.add(
            Permission.objects.get(content_type=content_type, codename="change_siteconfig")
        )
    # when the migrations move it to the floor (leaving the block migrates to the latest)

    # then the same row is read, and the permission followed the model
    config = site_config_get()
    assert (config.pk, config.max_file_size_bytes) == (1, 1234)
    assert config.registration_mode == SiteConfig.RegistrationMode.INVITATION_ONLY
    assert SiteConfig._meta.db_table == "media_library_siteconfig"
    staff = type(staff).objects.get(pk=staff.pk)  # a fresh permission cache
    assert staff.has_perm("filmstudio.change_siteconfig")
