"""The paginator reads one row past the page and skips the COUNT when the page is the last."""

import pytest
from django.core.paginator import InvalidPage, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.services import credits_grant
from filmstudio.pagination import LookaheadPaginator
from jobs import services as job_services
from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _page(paginator_class, queryset, per_page, number):
    """What a page says, or the error it raises, and the queries it took."""
    paginator = paginator_class(queryset, per_page)
    with CaptureQueriesContext(connection) as queries:
        try:
            page = paginator.page(number)
            seen = (
                [p.pk for p in page],
                paginator.count,
                paginator.num_pages,
                page.has_next(),
                page.has_previous(),
                page.start_index(),
                page.end_index(),
            )
        except InvalidPage as exc:
            seen = (type(exc), str(exc))
    return seen, len(queries)


@pytest.mark.parametrize("rows", [0, 1, 4, 5, 6, 11])
def test_every_page_and_error_is_djangos_with_fewer_queries(user, rows):
    ProjectFactory.create_batch(rows, owner=user)
    queryset = Project.objects.filter(owner=user).order_by("-id")
    for number in [1, 2, 3, 4, "last", "0", "-1", "x", "", None, "1.5"]:
        for per_page in (5, 1):
            theirs, their_queries = _page(Paginator, queryset, per_page, number)
            ours, our_queries = _page(LookaheadPaginator, queryset, per_page, number)
            assert ours == theirs, (rows, per_page, number)
            assert our_queries <= their_queries, (rows, per_page, number)


def test_a_page_that_is_the_last_is_counted_without_a_count_query(user):
    ProjectFactory.create_batch(7, owner=user)
    queryset = Project.objects.filter(owner=user).order_by("-id")

    _, one_page = _page(LookaheadPaginator, queryset, 10, 1)
    _, last_of_two = _page(LookaheadPaginator, queryset, 5, 2)
    _, first_of_two = _page(LookaheadPaginator, queryset, 5, 1)

    assert (one_page, last_of_two) == (1, 1)
    assert first_of_two == 2  # the rows, then the count the envelope needs


def test_lists_take_the_same_queries_for_one_row_and_a_full_page(auth_client, user):
    """User, then the page's rows (the count follows from them): 2 queries for 1 row and for
    20, on the projects and the jobs list; a 21st row adds the count."""
    credits_grant(user=user, amount=10_000, reason="test funds")

    def queries(path):
        with CaptureQueriesContext(connection) as ctx:
            response = auth_client.get(path, {"page_size": 20})
        assert response.status_code == 200
        return len(ctx), response.json()["count"], len(response.json()["results"])

    def add(n):
        for project in ProjectFactory.create_batch(n, owner=user):
            job_services.job_create(user=user, project=project, job_type="script_analysis")

    add(1)
    assert queries("/api/v1/projects") == (2, 1, 1)
    assert queries("/api/v1/jobs") == (2, 1, 1)
    add(19)
    assert queries("/api/v1/projects") == (2, 20, 20)
    assert queries("/api/v1/jobs") == (2, 20, 20)
    add(1)
    assert queries("/api/v1/projects") == (3, 21, 20)
    assert queries("/api/v1/jobs") == (3, 21, 20)
