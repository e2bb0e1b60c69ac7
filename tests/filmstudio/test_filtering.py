"""The filter backend skips the FilterSet when the query string names none of its filters."""

import django_filters
import pytest
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from filmstudio.filtering import FilterBackend
from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

built = []


class StatusFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Project.Status.choices)
    created = django_filters.DateFromToRangeFilter(field_name="created_at")

    class Meta:
        model = Project
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        built.append(self)
        super().__init__(*args, **kwargs)


class RequiredStatusFilter(StatusFilter):
    status = django_filters.ChoiceFilter(choices=Project.Status.choices, required=True)


class View:
    filterset_class = StatusFilter


def _filter(query: str, view=View):
    built.clear()
    request = Request(APIRequestFactory().get(f"/projects{query}"))
    qs = FilterBackend().filter_queryset(request, Project.objects.order_by("id"), view())
    return sorted(p.status for p in qs)


def test_a_query_without_filters_skips_the_filterset_and_a_filter_still_filters(user):
    ProjectFactory(owner=user, status="draft")
    ProjectFactory(owner=user, status="completed")

    assert _filter("?page_size=20&ordering=title") == ["completed", "draft"]
    assert built == []
    assert _filter("?status=draft") == ["draft"]
    assert len(built) == 1
    # a widget's suffixed parameter is a filter too
    assert _filter("?created_after=2999-01-01") == []
    assert len(built) == 1
    with pytest.raises(ValidationError):
        _filter("?status=bogus")


def test_a_required_filter_is_still_refused_when_missing(user):
    class RequiredView:
        filterset_class = RequiredStatusFilter

    with pytest.raises(ValidationError):
        _filter("", view=RequiredView)
