"""The one way lists are paginated: `?page=` and `?page_size=`."""

from django.core.paginator import EmptyPage
from django.core.paginator import Paginator as DjangoPaginator
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination as DRFPageNumberPagination
from rest_framework.response import Response


class LookaheadPaginator(DjangoPaginator):
    """Django's paginator, reading one row past the page: when that row is not there the page
    is the last one and `count` is known without a `COUNT(*)` (a list of one page, most lists,
    costs one query instead of two). When it is there, `count` is asked of the database as
    before. Pages, counts and errors are Django's (its `validate_number` decides, on the
    count now known)."""

    def page(self, number):
        if "count" in self.__dict__ or self.orphans:
            return super().page(number)  # count already read (`?page=last`), or orphans
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().page(number)  # Django's error for it
        if number < 1:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if len(rows) > self.per_page:
            rows.pop()  # more pages follow: the count is read when asked for
        elif rows or number == 1:
            self.__dict__["count"] = bottom + len(rows)  # the cached_property's value
        else:
            # Nothing at or after this page's first row: it is past the last page.
            raise EmptyPage(self.error_messages["no_results"])
        self.validate_number(number)
        return self._get_page(rows, number, self)


class PageNumberPagination(DRFPageNumberPagination):
    """`?page=` and `?page_size=` (capped at 100, so one request cannot read a whole table).
    A page size that is not a whole number of at least 1 is a 400, as the schema says (DRF
    would quietly use the default)."""

    django_paginator_class = LookaheadPaginator
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
