"""The sales ledger as reconciliation reads it (issue #24): a registry between the cart app, which keeps the
transactions, and the report app, which reconciles them with their copies. The two are sibling layers that never
import each other, so the cart registers its reader here (``CartConfig.ready``), as the terminal's close
statistics are provided. Plain data only: no models cross this boundary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple


class SaleRecord(NamedTuple):
    """One transaction of the cart's ledger, reduced to what its copies must agree with (a tuple: a store-day
    reads 10,000 of them)."""

    terminal_no: int
    open_counter: int | None
    transaction_no: int
    transaction_type: int
    is_cancelled: bool
    amount: Decimal  # sales.total_amount_with_tax
    payments_amount: Decimal  # Σ payments[].amount
    lines: Sequence[Sequence[Any]]  # (item_code, quantity, is_cancelled) of each line, as stored


SalesReader = Callable[..., list[SaleRecord]]
_reader: SalesReader | None = None


def register_sales_ledger(reader: SalesReader | None) -> None:
    """``reader(store_code=, business_date=, terminal_no=None)`` -> the store-day's transactions; None
    unregisters."""
    global _reader
    _reader = reader


def sales_ledger(*, store_code: str, business_date: str, terminal_no: int | None = None) -> list[SaleRecord]:
    """The store-day's transactions from the registered reader (none without one: a project without the cart)."""
    if _reader is None:
        return []
    return _reader(store_code=store_code, business_date=business_date, terminal_no=terminal_no)
