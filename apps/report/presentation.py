"""A report's data (what ``report_generate`` returns, the API's ``data``) laid out for people: tables with totals,
a chart for a breakdown, a CSV export. Nothing here computes a figure: every number is the service's.

Cells hold the service's own values; ``number`` formats them for the page (thousands separators, no trailing
zeros; amounts as money, ``¥1,100``, in the columns a table names in ``money``), ``plain`` for a CSV (no
separators, no currency, no trailing zeros), so the export is the API's numbers exactly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from apps.core.admin import money as shown_money

CHART_ITEMS = 20  # an item chart shows the best sellers by net amount; the table has them all


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    footer: list[Any] | None = None
    money: frozenset[int] = frozenset()  # the columns (0-based) that hold amounts of money

    def display_rows(self) -> list[list[tuple[str, bool]]]:
        """Rows as ``(text, is_number)`` cells for the page (numbers right-aligned)."""
        return [_display(row, self.money) for row in self.rows]

    def display_footer(self) -> list[tuple[str, bool]] | None:
        return _display(self.footer, self.money) if self.footer is not None else None


@dataclass(frozen=True)
class Chart:
    """A breakdown as one chart: ``kind`` is Chart.js' type (``bar`` or ``doughnut``)."""

    kind: str
    title: str
    labels: list[str]
    values: list[float]

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "labels": self.labels, "values": self.values}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _display(row: Iterable[Any], money_columns: frozenset[int] = frozenset()) -> list[tuple[str, bool]]:
    return [(_shown(cell, index in money_columns), _is_number(cell)) for index, cell in enumerate(row)]


def _shown(cell: Any, is_money: bool) -> str:
    if not _is_number(cell):
        return "" if cell is None else str(cell)
    return shown_money(cell) if is_money else number(cell)


def number(value: Any) -> str:
    """As people read it: ``1,100``, ``150.5`` -> ``150.50``, never ``150.0000``."""
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{Decimal(str(value)):,.2f}"
    return text[:-3] if text.endswith(".00") else text


def plain(value: Any) -> str:
    """For a CSV: the exact value without separators or trailing zeros (``1100``, ``150.5``, ``-3``)."""
    if value is None:
        return ""
    if not _is_number(value):
        return str(value)
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return str(amount.quantize(Decimal(1)))
    return format(amount.normalize(), "f")


def _coded(code: Any, name: Any) -> str:
    """A code with its name, as the store knows it: ``001 Food``."""
    return " ".join(str(part) for part in (code, name) if part not in (None, ""))


# --- tables per report type -----------------------------------------------------------------------------------
def _sales_tables(data: dict) -> list[Table]:
    summary = Table(_("Sales"), ["", _("Amount"), _("Quantity"), _("Count")], money=frozenset({1}))
    for label, key in ((_("Gross sales"), "salesGross"), (_("Returns"), "returns"),
                       (_("Line discounts"), "discountForLineitems"),
                       (_("Subtotal discounts"), "discountForSubtotal"), (_("Net sales"), "salesNet")):
        figures = data[key]
        summary.rows.append([label, figures["amount"], figures["quantity"], figures["count"]])
    taxes = Table(_("Taxes"), [_("Tax"), _("Tax amount"), _("Target amount"), _("Target quantity")],
                  [[t["taxName"], t["taxAmount"], t["targetAmount"], t["targetQuantity"]] for t in data["taxes"]],
                  money=frozenset({1, 2}))
    payments = Table(_("Payments"), [_("Payment"), _("Amount"), _("Count")],
                     [[p["paymentName"], p["amount"], p["count"]] for p in data["payments"]], money=frozenset({1}))
    cash = data["cash"]
    drawer = Table(_("Cash drawer"), ["", _("Amount"), _("Count")], [
        [_("Cash in"), cash["cashIn"]["amount"], cash["cashIn"]["count"]],
        [_("Cash out"), cash["cashOut"]["amount"], cash["cashOut"]["count"]],
        [_("Expected (logical)"), cash["logicalAmount"], ""],
        [_("Counted (physical)"), cash["physicalAmount"], ""],
        [_("Difference"), cash["differenceAmount"], ""],
    ], money=frozenset({1}))
    return [summary, taxes, payments, drawer]


def _line_columns() -> list[str]:
    return [_("Gross"), _("Discount"), _("Net"), _("Quantity"), _("Discount quantity"), _("Lines")]


LINE_KEYS = ("GrossAmount", "DiscountAmount", "NetAmount", "Quantity", "DiscountQuantity", "TransactionCount")
LINE_MONEY = frozenset({1, 2, 3})  # gross, discount and net, after the row's label


def _line_figures(row: dict, prefix: str = "") -> list[Any]:
    if prefix:
        return [row[prefix + key] for key in LINE_KEYS]
    return [row[key[0].lower() + key[1:]] for key in LINE_KEYS]


def _category_tables(data: dict) -> list[Table]:
    table = Table(_("Categories"), [_("Category"), *_line_columns()],
                  [[_coded(c["categoryCode"], c["categoryName"]), *_line_figures(c)] for c in data["categories"]],
                  money=LINE_MONEY)
    table.footer = [_("Total"), *_line_figures(data, "total")]
    return [table]


def _item_tables(data: dict) -> list[Table]:
    tables = []
    for category in data["categories"]:
        table = Table(_coded(category["categoryCode"], category["categoryName"]), [_("Item"), *_line_columns()],
                      [[_coded(i["itemCode"], i["itemName"]), *_line_figures(i)] for i in category["items"]],
                      money=LINE_MONEY)
        table.footer = [_("Category total"), *_line_figures(category, "categoryTotal")]
        tables.append(table)
    tables.append(Table(_("Total"), ["", *_line_columns()], [[_("Total"), *_line_figures(data, "total")]],
                        money=LINE_MONEY))
    return tables


def _payment_tables(data: dict) -> list[Table]:
    table = Table(_("Payments"), [_("Payment"), _("Count"), _("Amount"), _("Share %")],
                  [[_coded(p["payment_code"], p["payment_name"]), p["count"], p["amount"], p["ratio"]]
                   for p in data["payment_summary"]], money=frozenset({2}))
    table.footer = [_("Total"), data["total"]["count"], data["total"]["amount"], ""]
    return [table]


def _promotion_tables(data: dict) -> list[Table]:
    table = Table(_("Promotions"), [_("Promotion"), _("Type"), _("Gross"), _("Discount"), _("Net"), _("Quantity"),
                                    _("Transactions")],
                  [[p["promotionCode"], p["promotionType"], p["grossAmount"], p["discountAmount"], p["netAmount"],
                    p["quantity"], p["transactionCount"]] for p in data["promotions"]], money=frozenset({2, 3, 4}))
    table.footer = [_("Total"), "", data["totalGrossAmount"], data["totalDiscountAmount"], data["totalNetAmount"],
                    data["totalQuantity"], data["totalTransactionCount"]]
    return [table]


PRESENTERS = {
    "sales": _sales_tables,
    "category": _category_tables,
    "item": _item_tables,
    "payment": _payment_tables,
    "promotion": _promotion_tables,
}


def report_tables(report_type: str, data: dict) -> list[Table]:
    presenter = PRESENTERS.get(report_type)
    return presenter(data) if presenter else []


# --- charts: the breakdowns that read better as one (no report type gives sales by hour) ---------------------
def report_chart(report_type: str, data: dict) -> Chart | None:
    if report_type == "category" and data["categories"]:
        rows = data["categories"]
        return Chart("bar", _("Net sales by category"), [_coded(c["categoryCode"], c["categoryName"]) for c in rows],
                     [float(c["netAmount"]) for c in rows])
    if report_type == "item":
        items = sorted((i for c in data["categories"] for i in c["items"]), key=lambda i: -Decimal(str(i["netAmount"])))
        if items:
            title = _("Net sales by item")
            if len(items) > CHART_ITEMS:
                items = items[:CHART_ITEMS]
                title = _("Net sales by item (best %(count)s)") % {"count": CHART_ITEMS}
            return Chart("bar", title, [_coded(i["itemCode"], i["itemName"]) for i in items],
                         [float(i["netAmount"]) for i in items])
    if report_type == "payment" and data["payment_summary"]:
        rows = data["payment_summary"]
        return Chart("doughnut", _("Amount by payment"), [_coded(p["payment_code"], p["payment_name"]) for p in rows],
                     [float(p["amount"]) for p in rows])
    return None


# --- CSV -------------------------------------------------------------------------------------------------------
def report_csv(tables: Iterable[Table], heading: Iterable[tuple[str, str]]) -> str:
    """The tables one after another (title, header, rows, total), after ``heading`` rows; UTF-8 with a BOM
    when encoded by the caller, so a spreadsheet opens Japanese names right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for label, value in heading:
        writer.writerow([label, value])
    for table in tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows([plain(cell) for cell in row] for row in table.rows)
        if table.footer is not None:
            writer.writerow([plain(cell) for cell in table.footer])
    return out.getvalue()


def picked_date(value: str | None) -> str | None:
    """The page's date picker sends ``YYYY-MM-DD``; the service takes the API's ``YYYYMMDD`` (anything else is
    passed on as typed, for the service to refuse with its message)."""
    value = (value or "").strip()
    if len(value) == 10 and value[4] == value[7] == "-" and (value[:4] + value[5:7] + value[8:]).isdigit():
        return value.replace("-", "")
    return value or None
