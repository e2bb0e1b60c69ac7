"""The request parsers of the API: JSON for every view (REST_FRAMEWORK's
DEFAULT_PARSER_CLASSES, the only body the schema documents), multipart for file uploads.
DRF's, with two guarantees added. A body the JSON decoder cannot take (nesting deeper than Python's
recursion limit, invalid UTF-8) is a 400 `parse_error`, not a 500; and every text value and
key of a parsed body passes `filmstudio.text.text_check` (400 `invalid_characters`)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from .text import text_check


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except (RecursionError, UnicodeError) as exc:
            # json raises RecursionError for deep nesting: a ValueError DRF would catch it.
            raise ParseError(f"JSON parse error - {exc.__class__.__name__}") from None
        return text_check(data)


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        data, files = result.data, result.files
        text_check({key: data.getlist(key) for key in data})
        text_check({key: [f.name for f in files.getlist(key)] for key in files})
        return result
