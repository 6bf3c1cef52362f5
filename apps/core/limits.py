"""Bounds of numeric input: a number a client sends fits the column it is stored in or compared with.

PostgreSQL refuses a value outside its column (``integer``, ``bigint``, ``numeric(p, s)``, ``double precision``)
and psycopg refuses to send a Python integer over 64 bits: either was a 500. Every numeric input (body fields,
query and path parameters) is checked against these bounds first and answered with a 422 naming the bound, in
pydantic's words, so a bad number changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class IntRange:
    minimum: int
    maximum: int

    def error(self, value: int) -> str | None:
        """pydantic's message when ``value`` is outside the range, else ``None``."""
        if value > self.maximum:
            return f"Input should be less than or equal to {self.maximum}"
        if value < self.minimum:
            return f"Input should be greater than or equal to {self.minimum}"
        return None


INT32 = IntRange(-(2**31), 2**31 - 1)  # integer
INT64 = IntRange(-(2**63), 2**63 - 1)  # bigint (and LIMIT/OFFSET)

# The most rows one page of a list carries (issue #25). Kugelpos answers ``limit=0`` with every row and has no upper
# bound (stock excepted: 1-1000, a 422 beyond); a list of every item of a big catalogue is minutes of a thread and
# tens of megabytes. Here ``limit=0`` and any ``limit`` above this give a page of at most this many rows, the
# offset still Kugelpos' ``(page - 1) * limit`` (apps/core/paging.py).
PAGE_SIZE_MAX = 1000

INT_MESSAGE = "Input should be a valid integer, unable to parse string as an integer"


def decimal_limit(*, max_digits: int, decimal_places: int) -> Decimal:
    """The smallest magnitude a ``numeric(max_digits, decimal_places)`` column cannot hold: ``10**(p - s)``."""
    return Decimal(10) ** (max_digits - decimal_places)


def parse_int(raw: str, bounds: IntRange = INT64) -> int:
    """A query or path integer within ``bounds``; ``ValueError`` with pydantic's message otherwise."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValueError(INT_MESSAGE) from None
    message = bounds.error(value)
    if message is not None:
        raise ValueError(message)
    return value


def int_params(
    params: Mapping[str, str], names: Mapping[str, IntRange], *, location: str = "query"
) -> tuple[dict[str, int | None], list[tuple[tuple[str, ...], str]]]:
    """``({name: value or None}, errors)`` for the integer parameters ``names`` (absent or empty: ``None``)."""
    values: dict[str, int | None] = {}
    errors: list[tuple[tuple[str, ...], str]] = []
    for name, bounds in names.items():
        raw = params.get(name)
        if raw is None or raw == "":
            values[name] = None
            continue
        try:
            values[name] = parse_int(raw.strip(), bounds)
        except ValueError as exc:
            values[name] = None
            errors.append(((location, name), str(exc)))
    return values, errors
