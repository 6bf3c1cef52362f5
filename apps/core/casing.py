"""camelCase conversion of declared field names (spec/00 §3.1) and dual-case input (§3.2)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=4096)
def camelize(name: str) -> str:
    """``total_amount_with_tax`` -> ``totalAmountWithTax``; ``is_POS`` -> ``isPos``; ``_private`` unchanged.

    Leading underscores are kept; the rest is split on ``_``; the first part is unchanged and each following part
    is ``str.capitalize``d (rest lower-cased); empty parts vanish.
    """
    stripped = name.lstrip("_")
    prefix = name[: len(name) - len(stripped)]
    parts = stripped.split("_")
    head, tail = parts[0], parts[1:]
    return prefix + head + "".join(part.capitalize() for part in tail if part)


def accept_both_cases(data: Mapping[str, Any], field_names: Iterable[str]) -> dict[str, Any]:
    """Copy of ``data`` where each declared snake_case field may also be given by its camelCase alias.

    The snake_case key wins when both are present. Unknown keys are kept (and ignored by the serializer).
    """
    result = dict(data)
    for name in field_names:
        if name not in result:
            alias = camelize(name)
            if alias != name and alias in result:
                result[name] = result[alias]
    return result
