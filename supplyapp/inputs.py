"""The one input layer: what every request's text passes before any form, upload, query or
API handler sees it (issue 18). Refused here, with the field named:

- a NUL character (no database text may hold one) or a lone surrogate (not UTF-8: PostgreSQL
  refuses it) in the path, a query parameter, a form field or any JSON string;
- a record's number (a field named `id`, `lot`, `line`, `*_id` or `*_ids`) outside 1..2^31-1,
  which PostgreSQL refuses in a query rather than finding nothing;
- JSON nested deeper than MAX_JSON_DEPTH (the 100,000-deep body that overflows the parser).

The app factory runs `request_problem` before every request (400) and the API's `json_body`
runs `json_problems` (422 naming each field). Domain limits (quantities, prices, lengths) stay
with the services and `validation.py`.
"""

import json
import re
from collections.abc import Iterable

from supplyapp.i18n import _
from supplyapp.services.errors import known_id

MAX_JSON_DEPTH = 32
ID_FIELD = re.compile(r"^(id|lot|line|[a-z_]*_ids?)$")


class TooDeep(ValueError):
    """The JSON is nested more deeply than MAX_JSON_DEPTH."""


def text_problem(value: str) -> str | None:
    """Why this text cannot be stored (None if it can)."""
    if "\x00" in value:
        return _("A NUL character is not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("The text is not valid Unicode (a lone surrogate).")
    return None


def request_problem(path: str, fields: Iterable[tuple[str, str]]) -> str | None:
    """The first problem of a request's path and (name, value) fields, worded with the field."""
    problem = text_problem(path)
    if problem:
        return _("The address: %(problem)s", problem=problem)
    for name, value in fields:
        problem = text_problem(value) or text_problem(name)
        if problem is None and ID_FIELD.match(name) and value.strip().lstrip("-").isdigit():
            if not known_id(int(value)):
                problem = _("No record has the number %(value)s.", value=value.strip()[:20])
        if problem:
            return _("Field %(name)s: %(problem)s", name=name[:60], problem=problem)
    return None


def parse_json(raw: bytes) -> object:
    """The body's JSON; TooDeep or ValueError (not JSON) otherwise."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise TooDeep() from None
    if _depth(data) > MAX_JSON_DEPTH:
        raise TooDeep()
    return data


def _depth(data: object) -> int:
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            inner = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in inner)
    return deepest


def json_problems(data: object) -> dict[str, str]:
    """field (dotted path) -> problem for every string or key that cannot be stored."""
    found: dict[str, str] = {}
    stack: list[tuple[object, str]] = [(data, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                found[where or "body"] = problem
            continue
        if isinstance(value, dict):
            for key, inner in value.items():
                problem = text_problem(str(key))
                if problem:
                    found[where or "body"] = problem
                stack.append((inner, f"{where}.{key}" if where else str(key)))
        elif isinstance(value, list):
            stack.extend(
                (inner, f"{where}.{index}" if where else str(index))
                for index, inner in enumerate(value)
            )
    return found
