"""Per-terminal counters (spec/30 §9.1): one atomic upsert inside the caller's transaction, so gap-free."""

from __future__ import annotations

import functools

from django.db import connection

from apps.cart.models import TerminalCounter
from apps.core import sql

NO_END = 2**62

def counter_next(*, terminal_id: str, name: str, start: int, end: int | None = None) -> int:
    """Next value: ``start`` when missing, else ``value + 1``, back to ``start`` past ``end``."""
    return counters_next(terminal_id=terminal_id, counters=[(name, start, end)])[name]


@functools.cache
def _counters_sql(count: int) -> str:
    """The upsert of ``count`` counters: their ``(name, start, upper)`` rows in a ``VALUES`` CTE, each row
    inserted at ``start`` or, when it exists, moved on (back to ``start`` past ``upper``)."""
    value, name = sql.column(TerminalCounter, "value"), sql.column(TerminalCounter, "name")
    upsert = sql.insert(
        TerminalCounter,
        ("terminal_id", "name", "value"),
        alias="c",
        source="SELECT %s, p.name, p.start FROM p",
        conflict="cart_terminal_counter_unique",
        update=((
            "value",
            f"CASE WHEN c.{value} + 1 > (SELECT p.upper FROM p WHERE p.name = EXCLUDED.{name})"
            f" OR c.{value} + 1 < EXCLUDED.{value} THEN EXCLUDED.{value} ELSE c.{value} + 1 END",
        ),),
        returning=("name", "value"),
    )
    rows = ", ".join(["(%s::varchar, %s::bigint, %s::bigint)"] * count)
    return f"WITH p(name, start, upper) AS (VALUES {rows}) {upsert}"


def counters_next(*, terminal_id: str, counters: list[tuple[str, int, int | None]]) -> dict[str, int]:
    """``counter_next`` for several ``(name, start, end)`` at once, in one statement; rows are locked in list order."""
    params: list = []
    for name, start, end in counters:
        params.extend([name, start, NO_END if end is None else end])
    with connection.cursor() as cursor:
        cursor.execute(_counters_sql(len(counters)), [*params, terminal_id])
        return {name: int(value) for name, value in cursor.fetchall()}
