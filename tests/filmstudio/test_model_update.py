"""filmstudio.services.model_update: the one way services update a row."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from filmstudio.services import model_update
from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_only_the_listed_fields_that_changed_are_saved_and_updated_at_moves():
    project = ProjectFactory(style="noir")
    before = project.updated_at

    with CaptureQueriesContext(connection) as queries:
        project, changed = model_update(
            instance=project,
            fields=["title", "style"],
            data={"title": "New title", "style": "noir", "status": "completed"},
        )

    assert changed is True
    stored = Project.objects.get(pk=project.pk)
    assert (stored.title, stored.style, stored.status) == ("New title", "noir", "draft")
    assert stored.updated_at > before
    update = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert len(update) == 1
    assert '"style"' not in update[0] and '"title"' in update[0]


def test_nothing_changed_writes_nothing():
    project = ProjectFactory()
    with CaptureQueriesContext(connection) as queries:
        _, changed = model_update(instance=project, fields=["title"], data={"title": project.title})
    assert changed is False
    assert len(queries) == 0


def test_a_changed_field_is_validated_and_nothing_is_saved_when_invalid():
    project = ProjectFactory(target_duration=60)
    with pytest.raises(ValidationError) as refused:
        model_update(instance=project, fields=["target_duration"], data={"target_duration": 1})
    assert "target_duration" in refused.value.message_dict
    assert Project.objects.get(pk=project.pk).target_duration == 60
