"""Per-terminal counters (spec/30 §9.1): one atomic upsert inside the caller's transaction, so gap-free."""

from __future__ import annotations

from django.db import connection

from apps.cart.models import TerminalCounter

NO_END = 2**62

def counter_next(*, terminal_id: str, name: str, start: int, end: int | None = None) -> int:
    """Next value: ``start`` when missing, else ``value + 1``, back to ``start`` past ``end``."""
    return counters_next(terminal_id=terminal_id, counters=[(name, start, end)])[name]


_TABLE = TerminalCounter._meta.db_table
_SQL_MANY = """
WITH p(name, start, upper) AS (VALUES {rows})
INSERT INTO {table} AS c (terminal_id, name, value) SELECT %s, p.name, p.start FROM p
ON CONFLICT (terminal_id, name) DO UPDATE
SET value = CASE WHEN c.value + 1 > (SELECT p.upper FROM p WHERE p.name = EXCLUDED.name) OR c.value + 1 < EXCLUDED.value
                 THEN EXCLUDED.value ELSE c.value + 1 END
RETURNING name, value
"""


def counters_next(*, terminal_id: str, counters: list[tuple[str, int, int | None]]) -> dict[str, int]:
    """``counter_next`` for several ``(name, start, end)`` at once, in one statement; rows are locked in list order."""
    rows = ", ".join(["(%s::varchar, %s::bigint, %s::bigint)"] * len(counters))
    params: list = []
    for name, start, end in counters:
        params.extend([name, start, NO_END if end is None else end])
    with connection.cursor() as cursor:
        cursor.execute(_SQL_MANY.format(rows=rows, table=_TABLE), [*params, terminal_id])
        return {name: int(value) for name, value in cursor.fetchall()}
