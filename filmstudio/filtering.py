"""The filter backend of views with a FilterSet (`?status=` and the like)."""

from django_filters import FilterSet
from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds and validates the view's FilterSet (a form) on
    every request. When the query string names none of its filters, and none is required,
    there is nothing to narrow or refuse: the queryset is returned as it is, without the
    form (a list read with no filter, the most common one, skips that work)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        if not _may_filter(filterset_class, request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _may_filter(filterset_class: type[FilterSet], params) -> bool:
    if filterset_class.filter_queryset is not FilterSet.filter_queryset or (
        filterset_class.qs is not FilterSet.qs
    ):
        return True  # a FilterSet of its own making may filter without parameters
    for name, filter_ in filterset_class.base_filters.items():
        if filter_.extra.get("required"):
            return True
        # A filter's widget may read suffixed names too (`<name>_min`, `<name>_after`).
        if any(key == name or key.startswith(f"{name}_") for key in params):
            return True
    return False
