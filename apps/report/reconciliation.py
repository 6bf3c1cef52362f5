"""Reconciliation of a store-day (issue #24, ours): do the sale's five places agree? Pure calculation over plain
data, no database: the selectors load each ledger once per store-day, this module compares them.

The cart's transactions are the reference for sales, the terminal's cash logs for cash. Every other ledger is
compared with its reference, transaction by transaction (cash: cash log by cash log):

- ``missing``: in the reference, not in the ledger (``pending`` instead while the event that carries it still
  has an undelivered delivery to that ledger's consumer: not yet a mismatch);
- ``different``: in both, with another amount (stock: other items or quantities; a copy held twice counts too);
- ``unexpected``: in the ledger, not in the reference (the reference's own ``missing``).

A comparison is ``mismatch`` with anything missing (not pending), different or unexpected, else ``pending`` with
anything pending, else ``balanced``; a session, and the store-day, take the worst of theirs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from apps.core.ledgers import SaleRecord
from apps.stock.calculations import tranlog_line_changes

BALANCED, PENDING, MISMATCH = "balanced", "pending", "mismatch"
SEVERITY = {BALANCED: 0, PENDING: 1, MISMATCH: 2}
ZERO = Decimal(0)
QUANTITY_TOLERANCE = 1e-9  # stock quantities are doubles; whole units add up exactly, this only absorbs noise

# Ledger names, in the order shown, and the consumer whose delivery brings each copy.
TRANSACTIONS, JOURNAL, REPORT_COPIES, PAYMENTS, STOCK = "transactions", "journal", "reportCopies", "payments", "stock"
CASH_LOGS, CASH_REPORT_COPIES, CASH_JOURNAL = "cashLogs", "cashReportCopies", "cashJournal"
LEDGERS = (TRANSACTIONS, JOURNAL, REPORT_COPIES, PAYMENTS, STOCK, CASH_LOGS, CASH_REPORT_COPIES, CASH_JOURNAL)
CONSUMERS = {JOURNAL: "journal", REPORT_COPIES: "report", PAYMENTS: "report", STOCK: "stock",
             CASH_REPORT_COPIES: "report", CASH_JOURNAL: "journal"}

Key = tuple[int, Any]  # (terminal_no, transaction_no) or, for cash, (terminal_no, generate_date_time text)


@dataclass(frozen=True)
class Entry:
    """One transaction (or cash log) as a copy ledger holds it; ``amount`` is its total with tax (payments: the
    sum of its payment rows; cash: the amount)."""

    terminal_no: int
    open_counter: int | None
    key: Any  # transaction_no, or the cash log's generate_date_time as ISO text
    amount: Decimal


@dataclass(frozen=True)
class StockMove:
    """The sum of one sale's stock changes of one item."""

    terminal_no: int
    open_counter: int | None
    transaction_no: int
    item_code: str
    quantity: float


@dataclass(frozen=True)
class Undelivered:
    """One consumer's undelivered delivery of one event (the outbox)."""

    consumer: str
    event_type: str  # tranlog | cashlog
    terminal_no: int | None
    key: Any  # transaction_no (tranlog), generate_date_time text (cashlog)


@dataclass(frozen=True)
class StoreDay:
    """Every ledger of one store-day, as loaded."""

    sales: list[SaleRecord]
    journal: list[Entry]
    report_copies: list[Entry]
    report_payments: list[Entry]
    stock: list[StockMove]
    cash_logs: list[Entry]
    cash_report_copies: list[Entry]
    cash_journal: list[Entry]
    undelivered: list[Undelivered] = field(default_factory=list)


@dataclass(frozen=True)
class LedgerResult:
    ledger: str
    status: str
    count: int
    expected_count: int
    amount: Decimal | None = None  # money ledgers
    expected_amount: Decimal | None = None
    quantity: float | None = None  # stock
    expected_quantity: float | None = None
    missing: tuple = ()
    different: tuple = ()
    unexpected: tuple = ()
    pending: tuple = ()


@dataclass(frozen=True)
class SessionResult:
    terminal_no: int
    open_counter: int | None
    status: str
    ledgers: tuple[LedgerResult, ...]


@dataclass(frozen=True)
class Result:
    status: str
    sessions: tuple[SessionResult, ...]

    @property
    def mismatches(self) -> int:
        return sum(1 for s in self.sessions for ledger in s.ledgers if ledger.status == MISMATCH)

    @property
    def pendings(self) -> int:
        return sum(1 for s in self.sessions for ledger in s.ledgers if ledger.status == PENDING)


def worst(statuses: Iterable[str]) -> str:
    return max(statuses, key=SEVERITY.__getitem__, default=BALANCED)


# --- per ledger -----------------------------------------------------------------------------------------------
@dataclass
class _Side:
    """A ledger of one session: key -> (amount or item quantities, rows)."""

    values: dict = field(default_factory=dict)
    rows: dict = field(default_factory=lambda: defaultdict(int))


def _compare(name: str, expected: _Side, actual: _Side, pending: set, *, stock: bool = False) -> LedgerResult:
    """A copy ledger of one session against what its reference says it should hold."""
    missing, waiting, different = [], [], []
    for key in expected.values:
        if key not in actual.values:
            (waiting if (name, key) in pending else missing).append(key)
        elif not _same(expected.values[key], actual.values[key], stock) or actual.rows[key] > expected.rows[key]:
            different.append(key)
    unexpected = [key for key in actual.values if key not in expected.values]
    status = MISMATCH if missing or different or unexpected else PENDING if waiting else BALANCED
    common = {
        "ledger": name, "status": status, "count": sum(actual.rows.values()),
        "expected_count": sum(expected.rows.values()),
        "missing": _sorted(missing), "different": _sorted(different), "unexpected": _sorted(unexpected),
        "pending": _sorted(waiting),
    }
    if stock:
        return LedgerResult(**common, quantity=_quantity(actual), expected_quantity=_quantity(expected))
    return LedgerResult(**common, amount=sum(actual.values.values(), ZERO),
                        expected_amount=sum(expected.values.values(), ZERO))


def _same(expected: Any, actual: Any, stock: bool) -> bool:
    if not stock:
        return expected == actual
    items = set(expected) | set(actual)
    return all(abs(expected.get(item, 0.0) - actual.get(item, 0.0)) <= QUANTITY_TOLERANCE for item in items)


def _quantity(side: _Side) -> float:
    return float(sum(sum(items.values()) for items in side.values.values()))


def _sorted(keys: list) -> tuple:
    """The keys of one session without their terminal (it is the session's), in order."""
    return tuple(sorted(key for _, key in keys))


def expected_stock(sale: SaleRecord) -> dict[str, float]:
    """The item quantities stock must have moved for a sale, by stock's own rule (types, signs, cancelled logs
    and lines, non-positive quantities: ``apps.stock.calculations.tranlog_line_changes``)."""
    payload = {
        "transaction_type": sale.transaction_type,
        "sales": {"is_cancelled": sale.is_cancelled},
        "line_items": [{"item_code": line.item_code, "quantity": line.quantity, "is_cancelled": line.is_cancelled}
                       for line in sale.lines],
    }
    totals: dict[str, float] = {}
    for change in tranlog_line_changes(payload):
        totals[change.item_code] = totals.get(change.item_code, 0.0) + change.quantity_change
    return totals


# --- the store-day --------------------------------------------------------------------------------------------
def reconcile(day: StoreDay) -> Result:
    """Compare every ledger of ``day`` with its reference, per terminal session."""
    # (terminal_no, key) -> open counter: a copy is filed under its reference's session, else under its own
    sessions: dict[tuple[int, Any], int | None] = {}
    sides: dict[str, dict[tuple[int, int | None], _Side]] = defaultdict(lambda: defaultdict(_Side))
    for sale in day.sales:  # the references first: their sessions win
        _put(sides, sessions, TRANSACTIONS, sale.terminal_no, sale.open_counter, sale.transaction_no, sale.amount)
        for name, value in ((JOURNAL, sale.amount), (REPORT_COPIES, sale.amount), (PAYMENTS, sale.payments_amount)):
            _put(sides, sessions, _EXPECTED + name, sale.terminal_no, None, sale.transaction_no, value)
        moved = expected_stock(sale)
        if moved:
            _put(sides, sessions, _EXPECTED + STOCK, sale.terminal_no, None, sale.transaction_no, moved)
    for entry in day.cash_logs:
        _put(sides, sessions, CASH_LOGS, entry.terminal_no, entry.open_counter, entry.key, entry.amount, cash=True)
        for name in (CASH_REPORT_COPIES, CASH_JOURNAL):
            _put(sides, sessions, _EXPECTED + name, entry.terminal_no, None, entry.key, entry.amount, cash=True)
    for name, entries in ((JOURNAL, day.journal), (REPORT_COPIES, day.report_copies),
                          (PAYMENTS, day.report_payments), (CASH_REPORT_COPIES, day.cash_report_copies),
                          (CASH_JOURNAL, day.cash_journal)):
        for entry in entries:
            _put(sides, sessions, name, entry.terminal_no, entry.open_counter, entry.key, entry.amount,
                 cash=name.startswith("cash"), adds=True)
    for move in day.stock:
        _put(sides, sessions, STOCK, move.terminal_no, move.open_counter, move.transaction_no,
             {move.item_code: move.quantity}, adds=True)

    pending = {
        (name, (item.terminal_no, item.key))
        for item in day.undelivered
        for name, consumer in CONSUMERS.items()
        if consumer == item.consumer and (item.event_type == "cashlog") == name.startswith("cash")
    }
    session_keys = sorted({session for by_session in sides.values() for session in by_session},
                          key=lambda s: (s[0], -1 if s[1] is None else s[1]))
    results = []
    for session in session_keys:
        ledgers = (
            _reference(TRANSACTIONS, sides, session, (JOURNAL, REPORT_COPIES, PAYMENTS, STOCK)),
            *(_compare(name, sides[_EXPECTED + name][session], sides[name][session], pending, stock=name == STOCK)
              for name in (JOURNAL, REPORT_COPIES, PAYMENTS, STOCK)),
            _reference(CASH_LOGS, sides, session, (CASH_REPORT_COPIES, CASH_JOURNAL)),
            *(_compare(name, sides[_EXPECTED + name][session], sides[name][session], pending)
              for name in (CASH_REPORT_COPIES, CASH_JOURNAL)),
        )
        results.append(SessionResult(session[0], session[1], worst(ledger.status for ledger in ledgers), ledgers))
    return Result(worst(s.status for s in results), tuple(results))


_EXPECTED = "expected:"


def _put(sides: dict, sessions: dict, name: str, terminal_no: int, open_counter: int | None, key: Any, value: Any,
         *, cash: bool = False, adds: bool = False) -> None:
    """File ``value`` under ``(terminal_no, key)`` in ledger ``name``, in the session its reference gave the key
    (else ``open_counter``). ``adds``: a copy held twice sums its amounts (and so differs), stock sums per item."""
    session = (terminal_no, sessions.setdefault((terminal_no, ("cash", key) if cash else key), open_counter))
    side = sides[name][session]
    full_key = (terminal_no, key)
    if adds and full_key in side.values:
        held = side.values[full_key]
        if isinstance(value, dict):
            for item, quantity in value.items():
                held[item] = held.get(item, 0.0) + quantity
            return  # stock: several rows of one sale are one movement of it
        value = held + value
    elif isinstance(value, dict):
        value = dict(value)
    side.values[full_key] = value
    side.rows[full_key] += 1


def _reference(name: str, sides: dict, session: tuple, copies: tuple[str, ...]) -> LedgerResult:
    """The reference ledger of a session: its figures, and what its copies hold that it lacks."""
    own = sides[name][session]
    held = {key for copy in copies for key in sides[copy][session].values}
    lacking = [key for key in held if key not in own.values]
    return LedgerResult(
        ledger=name, status=MISMATCH if lacking else BALANCED, count=sum(own.rows.values()),
        expected_count=sum(own.rows.values()) + len(lacking), amount=sum(own.values.values(), ZERO),
        expected_amount=sum(own.values.values(), ZERO), missing=_sorted(lacking),
    )
