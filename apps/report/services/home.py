"""The back office's home page: one store's business date at a glance.

Sales figures come from the report service's own aggregates (``plugins.sales.sales_parts``, ``selectors``), so
the page shows what ``GET .../reports?report_type=sales`` answers; terminals, stock and the fan-out are read
through their apps' selectors. Read only: nothing here writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from apps.account.access import visible_store_codes
from apps.core.errors import RequestValidationError
from apps.core.formats import business_date_today
from apps.core.health import OutboxBacklog, outbox_backlog
from apps.core.replica import replica_reads
from apps.stock.selectors import stock_low_count
from apps.terminal.errors import StoreNotFoundError
from apps.terminal.selectors import StoreInfo, TerminalInfo, store_list, terminal_infos

from .. import calculations, overview, selectors
from ..calculations import PaymentLine, SalesLine
from ..plugins import names
from ..plugins.sales import drawer_cash, sales_parts

BUSINESS_DATE = re.compile(r"^\d{8}$")


@dataclass(frozen=True)
class TerminalState:
    terminal: TerminalInfo
    expected_cash: Decimal  # the sales report's logical cash of the terminal's current session
    last_sale_at: str | None


@dataclass(frozen=True)
class StoreHome:
    store: StoreInfo
    stores: list[StoreInfo]
    business_date: str
    summary: overview.DaySummary
    compared_date: str
    net_sales_change: overview.Change
    transactions_change: overview.Change
    hours: list[overview.HourSales]
    top_items: list[SalesLine]
    top_categories: list[SalesLine]
    payments: list[PaymentLine]
    terminals: list[TerminalState]
    low_stock_count: int
    outbox: OutboxBacklog


def stores_for(*, user: object) -> list[StoreInfo]:
    """The stores a user works in (``apps.account.access``; a superuser: every store), by store code."""
    stores = store_list()
    allowed = set(visible_store_codes(user, [store.store_code for store in stores]))
    return [store for store in stores if store.store_code in allowed]


def store_business_date(*, store: StoreInfo, terminals: list[TerminalInfo]) -> str:
    """The store's current business date: the latest one its terminals were opened for, else the store's own,
    else today (app time zone)."""
    dates = [t.business_date for t in terminals if t.business_date and BUSINESS_DATE.match(t.business_date)]
    if dates:
        return max(dates)
    if store.business_date and BUSINESS_DATE.match(store.business_date):
        return store.business_date
    return business_date_today()


def _check_business_date(value: str) -> None:
    if not BUSINESS_DATE.match(value):
        raise RequestValidationError([(("query", "business_date"), "Business date must be YYYYMMDD")])
    try:
        overview.week_before(value)
    except ValueError as exc:
        raise RequestValidationError([(("query", "business_date"), f"Not a date: {value}")]) from exc


def terminal_states(store_code: str, terminals: list[TerminalInfo], last_sales: dict[int, str]) -> list[TerminalState]:
    """Each terminal's expected cash in drawer: the sales report's logical cash over its current session, read for
    every terminal at once (three queries whatever the number of terminals)."""
    sessions = {
        terminal.terminal_no: (terminal.terminal_no, terminal.business_date, terminal.open_counter)
        for terminal in terminals
        if terminal.business_date
    }
    payments = selectors.session_payment_groups(store_code=store_code, sessions=sessions.values())
    drawers = selectors.session_cash_totals(store_code=store_code, sessions=sessions.values())
    states = []
    for terminal in terminals:
        expected = calculations.ZERO
        session = sessions.get(terminal.terminal_no)
        if session is not None:
            expected = drawer_cash(calculations.sales_payments(payments[session]), drawers[session]).logical_amount
        states.append(TerminalState(terminal, expected, last_sales.get(terminal.terminal_no)))
    return states


@replica_reads()  # refreshed every 30 seconds, may lag a little (issue #26)
def store_home(*, user: object, store_code: str | None = None, business_date: str | None = None) -> StoreHome | None:
    """The home page of ``store_code`` (default: the user's first store) for ``business_date`` (default: the
    store's current one). None when the tenant has no store; ``RequestValidationError`` (422) on a bad date,
    ``StoreNotFoundError`` (404) for a store code that is not one of the user's stores."""
    if business_date is not None:
        _check_business_date(business_date)
    stores = stores_for(user=user)
    if not stores:
        return None
    store = stores[0] if store_code is None else next((s for s in stores if s.store_code == store_code), None)
    if store is None:
        raise StoreNotFoundError(f"Store not found: store_code->{store_code}")
    terminals = terminal_infos(store_code=store.store_code)
    day = business_date or store_business_date(store=store, terminals=terminals)
    scope = selectors.ReportScope(store_code=store.store_code, business_date=day)
    # One pass over the day's tranlogs (by type, hour and terminal) and one over its lines (by type, category
    # and item, with the sales report's line sums): the sales figures are these very sums, folded by type.
    headers = selectors.tranlog_totals(scope, by_hour=True, by_terminal=True)
    item_groups = selectors.line_groups(scope, by_item=True, sales_symbols=True)
    parts = sales_parts(scope, headers=headers, lines=item_groups)
    summary = overview.day_summary(parts.figures, parts.type_totals)
    compared = overview.week_before(day)
    last_week_scope = selectors.ReportScope(store_code=store.store_code, business_date=compared)
    last_week = calculations.sales_figures(
        selectors.sales_type_totals(last_week_scope, selectors.tax_groups(last_week_scope))
    ).sales_net

    # A category's sums are those of its items (the category report's rows).
    category_names = names.category_names(group.category_code for group in item_groups)
    top_items = overview.top_lines(overview.flat_items(calculations.item_lines(item_groups, category_names, {})))
    # Names only for the ten shown, as the item report finds them: the tranlog's description, else the master's.
    top_codes = {line.code for line in top_items if line.code}
    item_names = selectors.line_descriptions(item_groups, item_codes=top_codes)
    item_names.update(names.item_names(top_codes - set(item_names)))
    top_items = [replace(line, name=item_names.get(line.code) or line.code) for line in top_items]

    return StoreHome(
        store=store,
        stores=stores,
        business_date=day,
        summary=summary,
        compared_date=compared,
        net_sales_change=overview.change(summary.net_sales, last_week.amount),
        transactions_change=overview.change(summary.transactions, last_week.count),
        hours=overview.sales_by_hour(headers),
        top_items=top_items,
        top_categories=overview.top_lines(calculations.category_lines(item_groups, category_names)),
        payments=parts.payments,
        terminals=terminal_states(store.store_code, terminals, overview.last_sale_times(headers)),
        low_stock_count=stock_low_count(store_code=store.store_code),
        outbox=outbox_backlog(),
    )
