"""RowsMixin serializes a model row exactly as DRF's ModelSerializer does."""

import pytest
from django.db.models import F
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from billing.services import credits_grant
from jobs import services as job_services
from jobs.models import Job
from jobs.serializers import JobDetailSerializer, JobSerializer
from projects.selectors import projects_for_user, projects_list
from projects.serializers import ProjectListSerializer
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _drf(serializer_class):
    """The same serializer with DRF's own to_representation."""
    return type(
        f"Drf{serializer_class.__name__}",
        (serializer_class,),
        {"to_representation": serializers.ModelSerializer.to_representation},
    )


def _both(serializer_class, rows, **kwargs):
    ours = serializer_class(rows, many=True, **kwargs).data
    theirs = _drf(serializer_class)(rows, many=True, **kwargs).data
    return ours, theirs


def test_project_and_job_rows_are_drfs_key_for_key_in_any_time_zone(user):
    credits_grant(user=user, amount=1000, reason="test funds")
    ProjectFactory(owner=user, cast={"MARA": "woman_young"}, status="completed")
    project = ProjectFactory(owner=user, description="")
    job_services.job_create(user=user, project=project, job_type="script_analysis")
    request = Request(APIRequestFactory().get("/"))
    order = ("-created_at", "-id")
    rows = list(projects_list(user=user).order_by(*order))  # dicts, as the list reads them
    projects = list(
        projects_for_user(user=user).annotate(thumbnail_name=F("thumbnail__file")).order_by(*order)
    )
    jobs = list(Job.objects.filter(owner=user))

    for zone in ("UTC", "Europe/Paris", "Asia/Kolkata"):
        with timezone.override(zone):
            context = {"request": request}
            ours, theirs = _both(ProjectListSerializer, projects, context=context)
            assert ours == theirs and len(ours) == 2
            assert ours[0].keys() == theirs[0].keys()
            assert ProjectListSerializer(rows, many=True, context=context).data == theirs
            for serializer_class in (JobSerializer, JobDetailSerializer):
                ours, theirs = _both(serializer_class, jobs)
                assert ours == theirs and ours[0]["project"] == project.pk
    assert ours[0]["created_at"].endswith("+05:30")  # the zone of the request, per request


def test_a_row_that_is_not_of_the_model_takes_drfs_path(user):
    project = ProjectFactory(owner=user)
    row = {"id": project.pk, "title": "From a dict", "owner": user.pk}

    class TitleSerializer(ProjectListSerializer):
        class Meta(ProjectListSerializer.Meta):
            fields = ["id", "title"]

    assert TitleSerializer(row).data == {"id": project.pk, "title": "From a dict"}
