"""Pure rules of the settings master (spec/20 §6.3): JSON normalisation on write and scoped value resolution."""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ScopedValue:
    store_code: str | None
    terminal_no: int | None
    value: str


def normalise_setting_value(text: str) -> str:
    """Re-serialise JSON-looking text the way Python's ``json.dumps(obj, ensure_ascii=False)`` does.

    Only text whose trimmed form starts with ``[``/``{`` and ends with ``]``/``}`` is touched; it is parsed as JSON,
    else as a Python literal (single quotes, ``True``/``None``). Anything that does not parse comes back unchanged.
    """
    stripped = text.strip()
    if not stripped or stripped[0] not in "[{" or stripped[-1] not in "]}":
        return text
    try:
        parsed = json.loads(stripped)
    except ValueError:
        try:
            parsed = ast.literal_eval(stripped)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return text
    try:
        return json.dumps(parsed, ensure_ascii=False)
    except (TypeError, ValueError):  # e.g. a Python set literal: not JSON, keep the text as it was
        return text


def resolve_setting_value(
    *, default_value: str, values: Sequence[ScopedValue], store_code: str | None, terminal_no: int | None
) -> str:
    """First match in stored order: (store, terminal) -> (store, any terminal) -> (no store, no terminal) -> default.

    An entry with no store but a terminal number never matches (as in Kugelpos).
    """
    if store_code is not None and terminal_no is not None:
        for entry in values:
            if entry.store_code == store_code and entry.terminal_no == terminal_no:
                return entry.value
    if store_code is not None:
        for entry in values:
            if entry.store_code == store_code and entry.terminal_no is None:
                return entry.value
    for entry in values:
        if entry.store_code is None and entry.terminal_no is None:
            return entry.value
    return default_value
