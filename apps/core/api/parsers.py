"""The JSON request parser: DRF's, with a bound on nesting.

Python's JSON decoder recurses once per level: a body nested ~1,000 deep raised ``RecursionError`` (a 500), and
one a little less deep could still exhaust the stack later, in code that walks the document (the report's key
conversion, the renderer, a ``JSONField``). No request of the API nests more than a few levels (an item book:
book -> categories -> tabs -> buttons), so a body nested deeper than ``MAX_JSON_DEPTH`` is refused as a JSON
decode error (422) before anything else walks it.
"""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_JSON_DEPTH = 64
_OPENERS = (b"[", b"{")


def nesting_depth(value: object) -> int:
    """Levels of lists and objects in a parsed JSON value (a scalar: 0), level by level, without recursion."""
    depth, level = 0, [value]
    while True:
        containers = [item for item in level if isinstance(item, (list, dict))]
        if not containers:
            return depth
        depth += 1
        level = [child for item in containers for child in (item.values() if isinstance(item, dict) else item)]


class JSONParser(parsers.JSONParser):
    """``application/json`` as DRF reads it (strict: no NaN/Infinity), at most ``MAX_JSON_DEPTH`` levels deep."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
            data = json.loads(text) if self.strict else json.loads(text, parse_constant=None)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:  # the decoder's own guard, ~1,000 levels down: nothing was built
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels") from None
        # Each level opens with "[" or "{": a body with no more of them than the bound is within it and is not
        # walked (every request of the terminal's sale path).
        if sum(raw.count(opener) for opener in _OPENERS) > MAX_JSON_DEPTH and nesting_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels")
        return data
