"""Query strings read as data, not as a form."""

from rest_framework.request import Request


def query_data(request: Request) -> dict[str, str]:
    """The query string as plain values (the last of a repeated key) for a query serializer.

    DRF reads a QueryDict the way it reads an HTML form: an empty value (`?since=`) of an
    optional field counts as not given, so a filter the schema types as a date accepted an
    empty string and answered the unfiltered list. Read as plain data, an empty value is
    checked like any other: a 400 where it is not a date (or is a blank the field refuses)."""
    return request.query_params.dict()
