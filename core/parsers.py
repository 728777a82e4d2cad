"""Request body parsers used by every endpoint (``DEFAULT_PARSER_CLASSES``).

* JSON bodies nested deeper than ``API_JSON_MAX_DEPTH`` are a 400: Python's ``json`` module
  recurses per level, so a body of a thousand ``[`` would otherwise end in a ``RecursionError``
  (a 500) in the parser or later in a serializer. No endpoint of ours takes more than a few levels
  (an entry's team list of objects is three).
* Every string of a JSON or form body loses its bidirectional embedding/override/isolate
  controls (U+202A..U+202E, U+2066..U+2069: an RTL override makes ``exe.fdp`` look like
  ``pdf.exe`` on a reviewer's screen) and its Unicode non-characters (U+FDD0..U+FDEF and the last
  two code points of every plane, e.g. U+FFFF), which no text of ours may hold.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

_NONCHARACTERS = "".join(
    ["\ufdd0-\ufdef"]
    + [f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)]
)
UNSAFE_TEXT = re.compile(f"[\u202a-\u202e\u2066-\u2069{_NONCHARACTERS}]")


def clean_text(value: str) -> str:
    """``value`` without bidi controls and non-characters."""
    return UNSAFE_TEXT.sub("", value)


def clean_json(value: Any, *, max_depth: int) -> Any:
    """Clean every string of parsed JSON in place; ``ParseError`` when containers nest deeper
    than ``max_depth``. Iterative, so it never recurses itself."""
    if isinstance(value, str):
        return clean_text(value)
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, dict | list):
            continue
        if depth > max_depth:
            raise ParseError(f"JSON parse error - nested deeper than {max_depth} levels.")
        keys = list(item) if isinstance(item, dict) else range(len(item))
        for key in keys:
            child = item[key]
            if isinstance(child, str):
                item[key] = clean_text(child)
            elif isinstance(child, dict | list):
                stack.append((child, depth + 1))
        if isinstance(item, dict) and any(UNSAFE_TEXT.search(k) for k in item):
            cleaned = {clean_text(k): v for k, v in item.items()}
            item.clear()
            item.update(cleaned)
    return value


def json_depth_exceeds(value: Any, limit: int) -> bool:
    try:
        clean_json(value, max_depth=limit)
    except ParseError:
        return True
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a nesting limit and text cleaning."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = getattr(settings, "API_JSON_MAX_DEPTH", 20)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(f"JSON parse error - nested deeper than {limit} levels.") from exc
        return clean_json(data, max_depth=limit)


def _clean_querydict(data):
    if not any(UNSAFE_TEXT.search(v) for values in data.lists() for v in values[1]):
        return data
    cleaned = data.copy()
    for key, values in data.lists():
        cleaned.setlist(key, [clean_text(v) for v in values])
    cleaned._mutable = False
    return cleaned


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _clean_querydict(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        return parsers.DataAndFiles(_clean_querydict(result.data), result.files)
