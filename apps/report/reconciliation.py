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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat
from typing import Any, NamedTuple

from apps.core.ledgers import SaleRecord
from apps.stock.calculations import item_weight, sale_item_totals

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


class Entry(NamedTuple):
    """One transaction (or cash log) as a copy ledger holds it; ``amount`` is its total with tax (payments: the
    sum of its payment rows; cash: the amount)."""

    terminal_no: int
    open_counter: int | None
    key: Any  # transaction_no, or the cash log's generate_date_time as ISO text
    amount: Decimal


class StockMove(NamedTuple):
    """One sale's stock changes, summed: Σ quantity and Σ quantity × item weight (``item_weight``), which together
    fingerprint which items moved by how much."""

    terminal_no: int
    open_counter: int | None
    transaction_no: int
    quantity: float
    checksum: float


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
# A copy ledger is a dict over the whole store-day, (terminal_no, key) -> value (a key held twice: its values summed),
# with its keys held more than once and their row counts apart (almost always none). Set operations on the keys find
# what is missing or unexpected in C, and the figures are taken per session with ``map`` over the session's keys, so
# 10,000 transactions cost a few C-speed passes per ledger.
Ledger = tuple[dict[tuple[int, Any], Any], dict[tuple[int, Any], int]]
_ABSENT = object()


def _fingerprint(totals: Mapping[str, float]) -> tuple[float, float]:
    return (sum(totals.values()), sum(quantity * _weight(code) for code, quantity in totals.items()))


_WEIGHTS: dict[str, int] = {}


def _weight(item_code: str) -> int:
    weight = _WEIGHTS.get(item_code)
    if weight is None:
        weight = _WEIGHTS[item_code] = item_weight(item_code)
    return weight


def expected_stock(sale: SaleRecord) -> dict[str, float]:
    """The item quantities stock must have moved for a sale, by stock's own rule (types, signs, cancelled logs
    and lines, non-positive quantities: ``apps.stock.calculations.sale_item_totals``)."""
    return sale_item_totals(sale.transaction_type, sale.is_cancelled, sale.lines)


def _same(expected: Any, actual: Any) -> bool:
    if expected == actual:
        return True
    if isinstance(expected, tuple):  # a stock fingerprint: doubles, whole units add up exactly
        return all(abs(e - a) <= QUANTITY_TOLERANCE * max(1.0, abs(e)) for e, a in zip(expected, actual, strict=True))
    return False


def _copy(entries: Iterable[Entry], sessions: dict) -> Ledger:
    """A copy ledger; a key held twice sums its amounts (and so differs); an entry its reference lacks keeps its
    own session."""
    values: dict[tuple[int, Any], Any] = {}
    held_twice: dict[tuple[int, Any], int] = {}
    for terminal_no, open_counter, key, amount in entries:
        full = (terminal_no, key)
        held = values.get(full, _ABSENT)
        if held is _ABSENT:
            values[full] = amount
            sessions.setdefault(full, open_counter)
        else:
            values[full] = held + amount
            held_twice[full] = held_twice.get(full, 1) + 1
    return values, held_twice


def _compare(name: str, expected: dict, actual: Ledger, pending: set) -> dict[str, Any]:
    """What differs between a copy ledger and its reference, key by key, over the store-day."""
    values, held_twice = actual
    missing = expected.keys() - values.keys()
    waiting = {key for key in missing if (name, key) in pending}
    common = expected.keys() & values.keys()
    if name == STOCK:
        different = {key for key in common if not _same(expected[key], values[key])}
    else:  # amounts: Decimal equality, in C
        different = {key for key in common if expected[key] != values[key]}
    different.update(held_twice.keys() & common)
    return {"missing": missing - waiting, "different": different, "unexpected": values.keys() - expected.keys(),
            "pending": waiting}


def _by_session(sessions: Mapping[tuple[int, Any], Any]) -> dict[tuple[int, Any], list]:
    """The keys of each session ((terminal_no, open_counter) -> [(terminal_no, key), ...])."""
    groups: dict[tuple[int, Any], list] = defaultdict(list)
    for full, open_counter in sessions.items():
        groups[(full[0], open_counter)].append(full)
    return groups


# --- the store-day --------------------------------------------------------------------------------------------
def reconcile(day: StoreDay) -> Result:
    """Compare every ledger of ``day`` with its reference, per terminal session."""
    sessions: dict[tuple[int, Any], int | None] = {}  # (terminal_no, key) -> open counter, the reference's first
    amounts, payments, moved = {}, {}, {}
    for sale in day.sales:
        full = (sale.terminal_no, sale.transaction_no)
        sessions[full] = sale.open_counter
        amounts[full] = sale.amount
        payments[full] = sale.payments_amount
        totals = sale_item_totals(sale.transaction_type, sale.is_cancelled, sale.lines)
        if totals:
            moved[full] = _fingerprint(totals)
    cash_sessions: dict[tuple[int, Any], int | None] = {}
    cash = {}
    for terminal_no, open_counter, key, amount in day.cash_logs:
        cash[(terminal_no, key)] = amount
        cash_sessions[(terminal_no, key)] = open_counter

    stock_values: dict[tuple[int, Any], tuple[float, float]] = {}
    for terminal_no, open_counter, number, quantity, checksum in day.stock:  # one row per sale (stock's selector)
        full = (terminal_no, number)
        stock_values[full] = (quantity, checksum)
        sessions.setdefault(full, open_counter)
    copies: dict[str, tuple[dict, Ledger]] = {
        JOURNAL: (amounts, _copy(day.journal, sessions)),
        REPORT_COPIES: (amounts, _copy(day.report_copies, sessions)),
        PAYMENTS: (payments, _copy(day.report_payments, sessions)),
        STOCK: (moved, (stock_values, {})),
        CASH_REPORT_COPIES: (cash, _copy(day.cash_report_copies, cash_sessions)),
        CASH_JOURNAL: (cash, _copy(day.cash_journal, cash_sessions)),
    }
    pending = {
        (name, (item.terminal_no, item.key))
        for item in day.undelivered
        for name, consumer in CONSUMERS.items()
        if consumer == item.consumer and (item.event_type == "cashlog") == name.startswith("cash")
    }
    found = {name: _compare(name, expected, actual, pending) for name, (expected, actual) in copies.items()}
    lacking = {TRANSACTIONS: set().union(*(found[name]["unexpected"] for name in (JOURNAL, REPORT_COPIES, PAYMENTS,
                                                                                 STOCK))),
               CASH_LOGS: found[CASH_REPORT_COPIES]["unexpected"] | found[CASH_JOURNAL]["unexpected"]}
    groups, cash_groups = _by_session(sessions), _by_session(cash_sessions)

    # per session: figures and findings
    results: dict[tuple[int, int | None], dict[str, LedgerResult]] = {}
    nothing: Ledger = ({}, {})
    for name, (expected, actual) in ((TRANSACTIONS, (amounts, nothing)), (CASH_LOGS, (cash, nothing)),
                                     *copies.items()):
        where = cash_sessions if name.startswith("cash") else sessions
        is_reference = name in (TRANSACTIONS, CASH_LOGS)
        findings: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        if is_reference:
            for full in lacking[name]:
                findings[(full[0], where[full])]["missing"].append(full[1])
        else:
            for kind, keys in found[name].items():
                for full in keys:
                    findings[(full[0], where[full])][kind].append(full[1])
        values, held_twice = actual
        for session, keys in (cash_groups if name.startswith("cash") else groups).items():
            wanted = [value for value in map(expected.get, keys, repeat(_ABSENT)) if value is not _ABSENT]
            found_here = findings.get(session, {})
            if is_reference:
                held = wanted
                count = len(wanted)
                expected_count = count + len(found_here.get("missing", ()))
            else:
                held = [value for value in map(values.get, keys, repeat(_ABSENT)) if value is not _ABSENT]
                count = len(held) + sum(rows - 1 for full, rows in held_twice.items() if where[full] == session[1]
                                        and full[0] == session[0])
                expected_count = len(wanted)
            if not wanted and not held and not found_here:
                continue  # nothing of this ledger in this session: shown empty
            status = (MISMATCH if any(found_here.get(kind) for kind in ("missing", "different", "unexpected"))
                      else PENDING if found_here.get("pending") else BALANCED)
            lists = {kind: tuple(sorted(found_here.get(kind, ()))) for kind in ("missing", "different", "unexpected",
                                                                               "pending")}
            if name == STOCK:
                figure = {"quantity": float(sum(value[0] for value in held)),
                          "expected_quantity": float(sum(value[0] for value in wanted))}
            else:
                figure = {"amount": Decimal(sum(held, ZERO)), "expected_amount": Decimal(sum(wanted, ZERO))}
            results.setdefault(session, {})[name] = LedgerResult(
                ledger=name, status=status, count=count, expected_count=expected_count, **figure, **lists)
    sessions_out = []
    for session in sorted(results, key=lambda s: (s[0], -1 if s[1] is None else s[1])):
        ledgers = tuple(results[session].get(name) or _empty(name) for name in LEDGERS)
        sessions_out.append(SessionResult(session[0], session[1], worst(ledger.status for ledger in ledgers),
                                          ledgers))
    return Result(worst(s.status for s in sessions_out), tuple(sessions_out))


def _empty(name: str) -> LedgerResult:
    if name == STOCK:
        return LedgerResult(ledger=name, status=BALANCED, count=0, expected_count=0, quantity=0.0,
                            expected_quantity=0.0)
    return LedgerResult(ledger=name, status=BALANCED, count=0, expected_count=0, amount=ZERO, expected_amount=ZERO)
