"""The one way lists are paginated: `?page=` and `?page_size=`."""

from rest_framework.pagination import PageNumberPagination as DRFPageNumberPagination
from rest_framework.response import Response


class PageNumberPagination(DRFPageNumberPagination):
    """`?page=` and `?page_size=` (at most 100, so one request cannot read a whole table)."""

    page_size_query_param = "page_size"
    max_page_size = 100


def paginated_response(
    *,
    queryset,
    serializer_class,
    request,
    view,
    pagination_class: type[DRFPageNumberPagination] = PageNumberPagination,
) -> Response:
    """One page of `queryset`, serialized, in the paginator's envelope
    (`count`, `next`, `previous`, `results`)."""
    paginator = pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
