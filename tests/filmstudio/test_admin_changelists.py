import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Invitation
from projects.models import Asset
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

APPS = {"accounts", "projects"}
REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in APPS
)


@pytest.fixture
def superuser_client(client):
    client.force_login(
        get_user_model().objects.create_superuser(email="root@example.com", password="x")
    )
    project = ProjectFactory(title="Searchable lighthouse")
    asset = Asset(project=project, kind="film", size=4, content_type="video/mp4")
    asset.file.save("film.mp4", ContentFile(b"data"), save=True)
    Invitation.objects.create(email="guest@example.com", expires_at=timezone.now())
    return client


def test_every_model_of_accounts_and_projects_is_in_the_admin():
    assert REGISTERED == [
        ("accounts", "invitation"),
        ("accounts", "user"),
        ("projects", "asset"),
        ("projects", "project"),
    ]


@pytest.mark.parametrize("app_label,model_name", REGISTERED)
def test_changelist_loads_and_searches_with_filters(superuser_client, app_label, model_name):
    model_admin = next(
        ma for m, ma in admin.site._registry.items() if m._meta.model_name == model_name
    )
    assert model_admin.search_fields and model_admin.list_filter
    url = f"/admin/{app_label}/{model_name}/"

    assert superuser_client.get(url).status_code == 200
    hit = superuser_client.get(url, {"q": "lighthouse" if app_label == "projects" else "example"})
    miss = superuser_client.get(url, {"q": "no-such-thing-zzz"})

    assert hit.status_code == 200 and miss.status_code == 200
    assert hit.context["cl"].result_count >= 1
    assert miss.context["cl"].result_count == 0


@pytest.mark.parametrize("app_label,model_name", REGISTERED)
def test_change_page_loads(superuser_client, app_label, model_name):
    model = next(m for m in admin.site._registry if m._meta.model_name == model_name)
    obj = model.objects.first()

    assert (
        superuser_client.get(f"/admin/{app_label}/{model_name}/{obj.pk}/change/").status_code == 200
    )
