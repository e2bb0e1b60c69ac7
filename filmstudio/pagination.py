"""The one way lists are paginated: `?page=` and `?page_size=`."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination as DRFPageNumberPagination
from rest_framework.response import Response


class PageNumberPagination(DRFPageNumberPagination):
    """`?page=` and `?page_size=` (capped at 100, so one request cannot read a whole table).
    A page size that is not a whole number of at least 1 is a 400, as the schema says (DRF
    would quietly use the default)."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            message = f"A whole number of at least 1 (larger than {self.max_page_size}: capped)."
            raise ValidationError({self.page_size_query_param: [message]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters


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
