"""Per-terminal counters (spec/30 §9.1): one atomic upsert inside the caller's transaction, so gap-free."""

from __future__ import annotations

from django.db import connection

from apps.cart.models import TerminalCounter

NO_END = 2**62

_SQL = f"""
INSERT INTO {TerminalCounter._meta.db_table} (terminal_id, name, value) VALUES (%s, %s, %s)
ON CONFLICT (terminal_id, name) DO UPDATE
SET value = CASE WHEN {TerminalCounter._meta.db_table}.value + 1 > %s OR {TerminalCounter._meta.db_table}.value + 1 < %s
                 THEN %s ELSE {TerminalCounter._meta.db_table}.value + 1 END
RETURNING value
"""


def counter_next(*, terminal_id: str, name: str, start: int, end: int | None = None) -> int:
    """Next value: ``start`` when missing, else ``value + 1``, back to ``start`` past ``end``."""
    upper = NO_END if end is None else end
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [terminal_id, name, start, upper, start, start])
        return int(cursor.fetchone()[0])
