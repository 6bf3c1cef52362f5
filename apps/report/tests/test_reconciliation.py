"""The comparison of reconciliation (issue #24) over plain data: no database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.core.ledgers import SaleRecord
from apps.report.reconciliation import (
    BALANCED,
    MISMATCH,
    PENDING,
    Entry,
    StockMove,
    StoreDay,
    Undelivered,
    expected_stock,
    reconcile,
)
from apps.stock.calculations import item_totals, item_weight, sale_item_totals, tranlog_line_changes


def sale(number: int, amount: str = "110", *, terminal: int = 1, session: int = 1, kind: int = 101,
         cancelled: bool = False, lines: tuple = (("A", 1),)) -> SaleRecord:
    return SaleRecord(terminal, session, number, kind, cancelled, Decimal(amount), Decimal(amount),
                      [[code, quantity, False] for code, quantity in lines])


def moved(sale: SaleRecord, *, leaving_out: tuple[str, ...] = ()) -> StockMove:
    """A sale's stock history rows as stock's selector sums them (Σ quantity, Σ quantity × item weight)."""
    totals = {code: quantity for code, quantity in expected_stock(sale).items() if code not in leaving_out}
    return StockMove(sale.terminal_no, sale.open_counter, sale.transaction_no, sum(totals.values()),
                     sum(quantity * item_weight(code) for code, quantity in totals.items()))


def copies_of(sales: list[SaleRecord]) -> dict:
    """Every ledger exactly as a faithful fan-out leaves it."""
    moves = [moved(s) for s in sales if expected_stock(s)]
    return {
        "journal": [Entry(s.terminal_no, s.open_counter, s.transaction_no, s.amount) for s in sales],
        "report_copies": [Entry(s.terminal_no, s.open_counter, s.transaction_no, s.amount) for s in sales],
        "report_payments": [Entry(s.terminal_no, s.open_counter, s.transaction_no, s.payments_amount) for s in sales],
        "stock": moves,
    }


def day_of(sales: list[SaleRecord], cash: list[Entry] = (), **changes) -> StoreDay:
    ledgers = {**copies_of(sales), "cash_logs": list(cash), "cash_report_copies": list(cash),
               "cash_journal": list(cash), **changes}
    return StoreDay(sales=sales, **ledgers)


def by_ledger(result) -> dict:
    [session] = result.sessions
    return {ledger.ledger: ledger for ledger in session.ledgers}


SALES = [sale(1, "220", lines=(("A", 2),)), sale(2, "1650", lines=(("B", 1), ("C", 3))), sale(3, "110")]
CASH = [Entry(1, 1, "2025-01-15T09:00:00.000000+09:00", Decimal("10000")),
        Entry(1, 1, "2025-01-15T12:00:00.000000+09:00", Decimal("-500"))]


def test_a_faithful_day_is_balanced_with_its_figures():
    result = reconcile(day_of(SALES, CASH))
    assert result.status == BALANCED
    ledgers = by_ledger(result)
    assert all(ledger.status == BALANCED for ledger in ledgers.values())
    assert (ledgers["transactions"].count, ledgers["transactions"].amount) == (3, Decimal("1980"))
    assert (ledgers["stock"].quantity, ledgers["stock"].expected_quantity) == (-7.0, -7.0)
    assert (ledgers["cashJournal"].count, ledgers["cashJournal"].amount) == (2, Decimal("9500"))


@pytest.mark.parametrize("ledger, change, field, expected", [
    ("journal", lambda c: c["journal"][1:], "missing", (1,)),
    ("reportCopies", lambda c: c["report_copies"][:2], "missing", (3,)),
    ("payments", lambda c: [*c["report_payments"][:1], Entry(1, 1, 2, Decimal("1649")), c["report_payments"][2]],
     "different", (2,)),
    ("stock", lambda c: [m if m.transaction_no != 2 else moved(SALES[1], leaving_out=("C",)) for m in c["stock"]],
     "different", (2,)),
    ("stock", lambda c: [m if m.transaction_no != 2 else moved(sale(2, lines=(("B", 1), ("D", 3))))
                         for m in c["stock"]], "different", (2,)),  # the same quantity of another item
    ("stock", lambda c: [m for m in c["stock"] if m.transaction_no != 1], "missing", (1,)),
    ("journal", lambda c: [*c["journal"], c["journal"][0]], "different", (1,)),  # held twice
    ("reportCopies", lambda c: [*c["report_copies"], Entry(1, 1, 9, Decimal("5"))], "unexpected", (9,)),
])
def test_each_damage_is_a_mismatch_naming_the_transaction(ledger, change, field, expected):
    copies = copies_of(SALES)
    name = {"journal": "journal", "reportCopies": "report_copies", "payments": "report_payments",
            "stock": "stock"}[ledger]
    result = reconcile(day_of(SALES, **{name: change(copies)}))
    assert result.status == MISMATCH
    found = by_ledger(result)
    assert getattr(found[ledger], field) == expected
    assert [n for n, ledger_result in found.items() if ledger_result.status != BALANCED] in (
        [ledger], ["transactions", ledger])


def test_a_copy_without_its_transaction_is_missing_from_the_transactions():
    result = reconcile(day_of(SALES[:2], journal=copies_of(SALES)["journal"]))
    found = by_ledger(result)
    assert (found["transactions"].status, found["transactions"].missing) == (MISMATCH, (3,))
    assert found["journal"].unexpected == (3,)


def test_a_missing_copy_whose_delivery_is_owed_is_pending_not_a_mismatch():
    copies = copies_of(SALES)
    day = day_of(SALES, journal=copies["journal"][:2], stock=[m for m in copies["stock"] if m.transaction_no != 3],
                 undelivered=[Undelivered("journal", "tranlog", 1, 3), Undelivered("stock", "tranlog", 1, 3)])
    result = reconcile(day)
    assert result.status == PENDING
    found = by_ledger(result)
    assert (found["journal"].status, found["journal"].pending, found["journal"].missing) == (PENDING, (3,), ())
    assert found["stock"].pending == (3,)
    # owed to another consumer, or for another terminal: no excuse
    elsewhere = [Undelivered("report", "tranlog", 1, 3), Undelivered("journal", "tranlog", 2, 3)]
    other = reconcile(day_of(SALES, journal=copies["journal"][:2], undelivered=elsewhere))
    assert by_ledger(other)["journal"].missing == (3,)


def test_cash_copies_are_compared_log_by_log_and_pending_by_their_time():
    day = day_of(SALES, CASH, cash_journal=CASH[:1], cash_report_copies=CASH[:1],
                 undelivered=[Undelivered("report", "cashlog", 1, CASH[1].key)])
    found = by_ledger(reconcile(day))
    assert (found["cashReportCopies"].status, found["cashReportCopies"].pending) == (PENDING, (CASH[1].key,))
    assert (found["cashJournal"].status, found["cashJournal"].missing) == (MISMATCH, (CASH[1].key,))


def test_sessions_are_separate_and_a_copy_files_under_its_transactions_session():
    sales = [sale(1), sale(2, session=2), sale(1, terminal=2)]
    copies = copies_of(sales)
    copies["journal"] = [Entry(1, 99, 2, Decimal("110")), *copies["journal"][:1], *copies["journal"][2:]]
    result = reconcile(day_of(sales, **copies))
    assert [(s.terminal_no, s.open_counter, s.status) for s in result.sessions] == [
        (1, 1, BALANCED), (1, 2, BALANCED), (2, 1, BALANCED)]


@pytest.mark.parametrize("kind, cancelled, expected", [(101, False, {"A": -2.0}), (101, True, {}),
                                                       (102, False, {"A": 2.0}), (201, False, {"A": 2.0}),
                                                       (202, False, {"A": -2.0}), (301, False, {})])
def test_expected_stock_follows_stocks_own_rule(kind, cancelled, expected):
    assert expected_stock(sale(1, kind=kind, cancelled=cancelled, lines=(("A", 2),))) == expected


def test_an_empty_day_is_balanced():
    assert reconcile(day_of([])) == reconcile(StoreDay([], [], [], [], [], [], [], []))
    assert reconcile(day_of([])).status == BALANCED and reconcile(day_of([])).sessions == ()


sales_strategy = st.lists(
    st.builds(lambda terminal, session, amount, quantity, kind: (terminal, session, amount, quantity, kind),
              st.integers(1, 3), st.integers(1, 2), st.integers(0, 10_000), st.integers(1, 5),
              st.sampled_from([101, 102, 201, 202])),
    max_size=25,
)


def _sales(raw) -> list[SaleRecord]:
    return [sale(number, str(amount), terminal=terminal, session=session, kind=kind, lines=(("A", quantity),))
            for number, (terminal, session, amount, quantity, kind) in enumerate(raw, start=1)]


@settings(max_examples=60, deadline=None)
@given(sales_strategy)
def test_any_faithful_day_balances(raw):
    assert reconcile(day_of(_sales(raw))).status == BALANCED


@settings(max_examples=60, deadline=None)
@given(sales_strategy.filter(bool), st.data())
def test_dropping_any_one_journal_entry_names_exactly_that_transaction(raw, data):
    sales = _sales(raw)
    victim = data.draw(st.sampled_from(sales))
    journal = [e for e in copies_of(sales)["journal"] if e.key != victim.transaction_no]
    result = reconcile(day_of(sales, journal=journal))
    assert result.status == MISMATCH
    named = [(s.terminal_no, s.open_counter, n) for s in result.sessions for ledger in s.ledgers
             for n in ledger.missing if ledger.ledger == "journal"]
    assert named == [(victim.terminal_no, victim.open_counter, victim.transaction_no)]
    delivered_later = reconcile(day_of(sales, journal=journal, undelivered=[
        Undelivered("journal", "tranlog", victim.terminal_no, victim.transaction_no)]))
    assert delivered_later.status == PENDING


line_strategy = st.tuples(
    st.one_of(st.sampled_from(["A", "B", "C"]), st.just(""), st.none(), st.integers(0, 3)),
    st.one_of(st.integers(-2, 5), st.floats(-1, 5, allow_nan=False), st.none(), st.text(max_size=2), st.booleans()),
    st.one_of(st.booleans(), st.none(), st.just("true")),
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.sampled_from([101, 102, 201, 202, 301, 401]), st.text(max_size=3), st.none()),
       st.one_of(st.booleans(), st.none()), st.lists(line_strategy, max_size=6))
def test_stocks_fast_rule_is_its_tranlog_rule(kind, cancelled, lines):
    """``sale_item_totals`` (what reconciliation expects) is what stock applies for the same log."""
    payload = {"transaction_type": kind, "sales": {"is_cancelled": cancelled},
               "line_items": [{"item_code": code, "quantity": quantity, "is_cancelled": line_cancelled}
                              for code, quantity, line_cancelled in lines]}
    assert sale_item_totals(kind, cancelled, lines) == item_totals(tranlog_line_changes(payload))
