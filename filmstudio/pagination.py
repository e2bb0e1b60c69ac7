from rest_framework.pagination import PageNumberPagination as DRFPageNumberPagination


class PageNumberPagination(DRFPageNumberPagination):
    """`?page=` and `?page_size=` (at most 100, so one request cannot read a whole table)."""

    page_size_query_param = "page_size"
    max_page_size = 100
