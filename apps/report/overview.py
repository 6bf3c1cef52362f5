"""The store's day at a glance (the back office's home page): pure arithmetic over the sales report's figures.

Every number comes from the report service's aggregates (``plugins.sales.sales_parts``, ``selectors.line_groups``,
``selectors.tranlog_totals``); this module only picks, compares and ranks them. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from apps.core.rounding import RoundMethod, round_to

from .calculations import (
    NORMAL_SALES,
    VOID_RETURN,
    VOID_SALES,
    ZERO,
    CategoryItems,
    SalesFigures,
    SalesLine,
    TranlogTotals,
    TypeTotals,
    sales_sign,
)

TOP_N = 10
HOURS = tuple(range(24))


@dataclass(frozen=True)
class DaySummary:
    """The headline figures of one business date (all signed as the sales report signs them)."""

    net_sales: Decimal
    transactions: int
    average_basket: Decimal
    items_sold: int
    returns_count: int
    returns_amount: Decimal
    voids_count: int
    voids_amount: Decimal
    discounts: Decimal
    tax: Decimal


def average(amount: Decimal, count: int) -> Decimal:
    """``amount / count`` to 2 decimals (round half up); 0 without transactions."""
    if count <= 0:
        return ZERO
    return round_to(amount / count, RoundMethod.ROUND, 2)


def day_summary(figures: SalesFigures, type_totals: Iterable[TypeTotals]) -> DaySummary:
    """Net sales, transactions, items: the report's ``salesNet``; returns: its ``returns``; discounts: its line
    plus subtotal discounts; tax: its net tax. Voids (201 and 202, not in the report's headline) are the voided
    transactions' count and amount with tax, from the same per-type sums."""
    voids = [total for total in type_totals if total.transaction_type in (VOID_SALES, VOID_RETURN)]
    net = figures.sales_net
    return DaySummary(
        net_sales=net.amount,
        transactions=net.count,
        average_basket=average(net.amount, net.count),
        items_sold=net.quantity,
        returns_count=figures.returns.count,
        returns_amount=figures.returns.amount,
        voids_count=sum(total.count for total in voids),
        voids_amount=sum((total.amount_with_tax for total in voids), ZERO),
        discounts=figures.discount_for_lineitems.amount + figures.discount_for_subtotal.amount,
        tax=figures.net_tax,
    )


@dataclass(frozen=True)
class Change:
    """This day against the same weekday a week before."""

    before: Decimal
    difference: Decimal
    percent: Decimal | None  # None when the day before had nothing to compare with


def change(now: Decimal | int, before: Decimal | int) -> Change:
    now, before = Decimal(now), Decimal(before)
    percent = round_to((now - before) / abs(before) * 100, RoundMethod.ROUND, 1) if before else None
    return Change(before=before, difference=now - before, percent=percent)


def week_before(business_date: str) -> str:
    """``YYYYMMDD`` seven days earlier (the same weekday last week)."""
    day = date(int(business_date[:4]), int(business_date[4:6]), int(business_date[6:8]))
    return (day - timedelta(days=7)).strftime("%Y%m%d")


@dataclass(frozen=True)
class HourSales:
    hour: int
    amount: Decimal  # signed Σ of the total with tax: what the till took that hour
    transactions: int  # sales minus voided sales


def sales_by_hour(rows: Iterable[TranlogTotals]) -> list[HourSales]:
    """All 24 hours, signed as the sales report signs each type (101, 202 +; 102, 201 -), from the tranlog sums
    grouped by hour (``selectors.tranlog_totals(..., by_hour=True)``; rows without an hour are left out)."""
    amounts = dict.fromkeys(HOURS, ZERO)
    counts = dict.fromkeys(HOURS, 0)
    for row in rows:
        if row.hour not in amounts:
            continue
        sign = sales_sign(row.transaction_type)
        amounts[row.hour] += sign * row.amount_with_tax
        if row.transaction_type in (NORMAL_SALES, VOID_SALES):
            counts[row.hour] += sign * row.count
    return [HourSales(hour=hour, amount=amounts[hour], transactions=counts[hour]) for hour in HOURS]


def last_sale_times(rows: Iterable[TranlogTotals]) -> dict[int, str]:
    """``terminal_no -> generate_date_time`` of each terminal's latest included sale (type 101), from the tranlog
    sums grouped by terminal (``selectors.tranlog_totals(..., by_terminal=True)``)."""
    latest: dict[int, str] = {}
    for row in rows:
        if row.transaction_type != NORMAL_SALES or row.terminal_no is None or not row.last_at:
            continue
        if row.last_at > latest.get(row.terminal_no, ""):
            latest[row.terminal_no] = row.last_at
    return latest


def top_lines(lines: Iterable[SalesLine], limit: int = TOP_N) -> list[SalesLine]:
    """The ``limit`` best sellers by net amount (then quantity, then code)."""
    return sorted(lines, key=lambda line: (-line.net_amount, -line.quantity, line.code or ""))[:limit]


def flat_items(categories: Sequence[CategoryItems]) -> list[SalesLine]:
    return [item for category in categories for item in category.items]
