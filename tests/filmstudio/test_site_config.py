"""The site configuration: one row below every app, edited by admins (API and admin site)."""

import pytest
from django.contrib.admin.sites import site as admin_site

from filmstudio.models import SiteConfig

pytestmark = pytest.mark.django_db


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
