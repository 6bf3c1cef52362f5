"""Query and path parameters of the report endpoints (spec/40 §3.2 step 1): type checks only, 422 on failure."""

from __future__ import annotations

from collections.abc import Mapping

from apps.core.errors import RequestValidationError
from apps.core.limits import INT32, INT64, int_params, parse_int
from apps.core.paging import parse_sort

from ..services import ReportQuery

REQUIRED = ("report_scope", "report_type")
# Each within the column it is compared with (counters and terminal numbers: integer), or SQL's bigint.
INTEGERS = {"open_counter": INT32, "business_counter": INT32, "limit": INT64, "page": INT64}


def parse_terminal_no(raw: str | None, errors: list) -> int | None:
    if raw is None:
        return None
    try:
        return parse_int(raw, INT32)
    except ValueError as exc:
        errors.append((("path", "terminal_no"), str(exc)))
        return None


def parse_terminal_no_query(raw: str | None, errors: list) -> int | None:
    """An optional ``terminal_no`` query parameter (an int32), 422 otherwise."""
    if raw is None or raw == "":
        return None
    try:
        return parse_int(raw, INT32)
    except ValueError as exc:
        errors.append((("query", "terminal_no"), str(exc)))
        return None


def parse_report_query(params: Mapping[str, str], *, terminal_no: str | None = None) -> tuple[ReportQuery, int | None]:
    """``(ReportQuery, path terminal_no)``; every problem found is reported at once as a 422."""
    errors: list[tuple[tuple[str, ...], str]] = []
    path_terminal = parse_terminal_no(terminal_no, errors)
    for name in REQUIRED:
        if params.get(name) is None:
            errors.append((("query", name), "Field required"))
    numbers, number_errors = int_params(params, INTEGERS)
    errors.extend(number_errors)
    if numbers.get("limit") is not None and numbers["limit"] < 0:
        errors.append((("query", "limit"), "Input should be greater than or equal to 0"))
    if numbers.get("page") is not None and numbers["page"] < 1:
        errors.append((("query", "page"), "Input should be greater than or equal to 1"))
    sort = params.get("sort") or None
    if sort is not None:
        try:
            parse_sort(sort)
        except RequestValidationError as exc:
            errors.extend(exc.errors)
    if errors:
        raise RequestValidationError(errors)
    query = ReportQuery(
        report_scope=params["report_scope"],
        report_type=params["report_type"],
        business_date=params.get("business_date"),
        business_date_from=params.get("business_date_from"),
        business_date_to=params.get("business_date_to"),
        open_counter=numbers["open_counter"],
        business_counter=numbers["business_counter"],
        limit=numbers["limit"] if numbers["limit"] is not None else 100,
        page=numbers["page"] if numbers["page"] is not None else 1,
        sort=sort,
        terminal_id=params.get("terminal_id") or None,
    )
    return query, path_terminal
