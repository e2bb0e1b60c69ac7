"""Text every input is held to, decided once: no NUL, no other control characters (tab, line
feed and carriage return excepted: screenplays have them) and no lone UTF-16 surrogates.

PostgreSQL refuses NUL in text and JSON, a lone surrogate cannot be encoded as UTF-8, and a
control character in a name or title is never meant: each would otherwise surface deep in a
service as a 500. The request parsers (filmstudio/parsers.py), the middleware that reads the
path and query string (filmstudio/middleware.py), and the readers of text-bearing headers
(tus `Upload-Metadata`, `Idempotency-Key`) all call `text_check`, so a bad character anywhere
is the same 400 `invalid_characters`.
"""

import re
from typing import Any

from .errors import DomainError

# C0 controls but \t \n \r, DEL, C1 controls, and UTF-16 surrogates (only a lone one can be
# in a str decoded from JSON's \\uXXXX escapes; real UTF-8 never decodes to one).
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class InvalidCharacters(DomainError):
    code = "invalid_characters"
    default_detail = "The request contains characters that are not allowed."


def bad_fields(data: Any, path: str = "") -> list[str]:
    """Where in `data` (str, or lists and dicts of them, keys included) a forbidden character
    is: dotted paths like `parameters.title`; empty when the data is clean."""
    if isinstance(data, str):
        return [path or "non_field_errors"] if FORBIDDEN.search(data) else []
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and FORBIDDEN.search(key):
                found.append(path or "non_field_errors")
            found += bad_fields(value, name)
    elif isinstance(data, list | tuple):
        for index, item in enumerate(data):
            found += bad_fields(item, f"{path}.{index}" if path else str(index))
    return found


def text_check(data: Any, *, where: str = "") -> Any:
    """Return `data` unchanged, or raise InvalidCharacters (400) naming the fields that hold
    a forbidden character. `where` prefixes the names (e.g. a header's)."""
    found = bad_fields(data, where)
    if found:
        message = "Control characters (such as NUL) and lone surrogates are not allowed."
        raise InvalidCharacters(errors={name: [message] for name in dict.fromkeys(found)})
    return data
