"""Paging and sorting query parameters and list metadata (spec/00 §2.3).

``limit`` is Kugelpos': the page size, ``0`` for all rows, the offset ``(page - 1) * limit``. A page never holds
more than ``PAGE_SIZE_MAX`` (1000) rows (issue #25): ``limit=0`` or a larger ``limit`` gives the first 1000 rows
Kugelpos would give, and where rows were left out ``metadata.limit`` says 1000 instead of echoing the request, so
a client sees the page size in effect and pages on with ``limit=1000&page=2``. An answer that was not cut is
Kugelpos' own, echo included.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import RequestValidationError
from .limits import PAGE_SIZE_MAX

MAX_SQL_INT = 2**63 - 1  # LIMIT and OFFSET are bigint in PostgreSQL


@dataclass(frozen=True)
class Paging:
    limit: int
    page: int
    sort: tuple[tuple[str, int], ...]

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @property
    def size(self) -> int:
        """The most rows this page holds (``limit``, bounded; ``limit 0`` = all, bounded)."""
        return page_size(self.limit)

    def rows(self, rows):
        """This page of ``rows`` (a queryset or a list) in their order."""
        return rows[self.offset : self.offset + self.size]

    def limit_echo(self, total: int) -> int:
        """``metadata.limit``: the requested ``limit``, or ``PAGE_SIZE_MAX`` when the page left rows out."""
        return PAGE_SIZE_MAX if is_cut(self.limit, self.offset, total) else self.limit

    def sort_text(self) -> str | None:
        """Echo form ``"field:dir, field:dir"``."""
        if not self.sort:
            return None
        return ", ".join(f"{name}:{direction}" for name, direction in self.sort)

    def order_by(self) -> list[str]:
        return [("-" if direction == -1 else "") + name for name, direction in self.sort]


def page_size(limit: int) -> int:
    """The most rows a page of ``limit`` holds: ``limit`` up to ``PAGE_SIZE_MAX``; ``0`` (all) is ``PAGE_SIZE_MAX``."""
    return PAGE_SIZE_MAX if limit == 0 else min(limit, PAGE_SIZE_MAX)


def is_cut(limit: int, offset: int, total: int) -> bool:
    """Whether Kugelpos' page of ``total`` rows at ``offset`` would hold more than ``PAGE_SIZE_MAX`` rows."""
    available = max(0, total - offset)
    return (available if limit == 0 else min(limit, available)) > PAGE_SIZE_MAX


def _int_param(params: Mapping[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:  # an empty value is no integer (FastAPI's answer too): 422
        return int(raw)
    except (TypeError, ValueError):
        raise RequestValidationError(
            [(("query", name), "Input should be a valid integer, unable to parse string as an integer")]
        ) from None


def parse_sort(raw: str | None, *, default: str = "", fields: Collection[str] | None = None) -> tuple:
    """``"item_code:1,created_at:-1"`` -> ``(("item_code", 1), ("created_at", -1))``; malformed -> 422."""
    text = raw if raw not in (None, "") else default
    if not text:
        return ()
    result = []
    for part in text.split(","):
        name, sep, direction = part.strip().partition(":")
        name = name.strip()
        if not sep or not name or direction.strip() not in ("1", "-1"):
            raise RequestValidationError([(("query", "sort"), f"Invalid sort specification: {part.strip()!r}")])
        if fields is not None and name not in fields:
            raise RequestValidationError([(("query", "sort"), f"Unknown sort field: {name}")])
        result.append((name, int(direction.strip())))
    return tuple(result)


def parse_paging(
    params: Mapping[str, str],
    *,
    default_limit: int = 100,
    default_sort: str = "",
    sort_fields: Collection[str] | None = None,
    min_limit: int = 0,
    max_limit: int | None = None,
) -> Paging:
    limit = _int_param(params, "limit", default_limit)
    page = _int_param(params, "page", 1)
    errors = []
    if limit < min_limit or (max_limit is not None and limit > max_limit):
        bound = f" and at most {max_limit}" if max_limit is not None else ""
        errors.append((("query", "limit"), f"Input should be at least {min_limit}{bound}"))
    elif limit > MAX_SQL_INT:
        errors.append((("query", "limit"), f"Input should be less than or equal to {MAX_SQL_INT}"))
    if page < 1:
        errors.append((("query", "page"), "Input should be greater than or equal to 1"))
    elif not errors and (page - 1) * limit > MAX_SQL_INT:
        errors.append((("query", "page"), f"Input should be less than or equal to {MAX_SQL_INT // max(limit, 1) + 1}"))
    if errors:
        raise RequestValidationError(errors)
    return Paging(limit=limit, page=page, sort=parse_sort(params.get("sort"), default=default_sort, fields=sort_fields))


def paginate(queryset, paging: Paging) -> tuple[list, int]:
    """Rows of the requested page (``limit 0`` = all; at most ``PAGE_SIZE_MAX``) and the total before paging."""
    total = queryset.count()
    if paging.sort:
        queryset = queryset.order_by(*paging.order_by())
    return list(paging.rows(queryset)), total


def page_metadata(
    total: int, paging: Paging, *, echo_sort: bool = True, filter: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Exactly the five keys of spec/00 §2.3."""
    return {
        "total": total,
        "page": paging.page,
        "limit": paging.limit_echo(total),
        "sort": paging.sort_text() if echo_sort else None,
        "filter": filter,
    }
