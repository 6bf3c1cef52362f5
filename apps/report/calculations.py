"""Report arithmetic (spec/40 §3.4-§3.10): pure functions over frozen dataclasses and ``Decimal``.

Selectors aggregate the stored logs in SQL, grouped by transaction type (and code); these functions apply the
signs of §1.1 and the formulas of §3.4-§3.8. No rounding happens here except the payment report ratio.
Nothing in this module touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from apps.core.paging import page_size

from .errors import UnknownTransactionTypeError

ZERO = Decimal(0)

NORMAL_SALES = 101
RETURN_SALES = 102
VOID_SALES = 201
VOID_RETURN = 202
REPORTABLE_TYPES = (NORMAL_SALES, RETURN_SALES, VOID_SALES, VOID_RETURN)
CASH_PAYMENT_CODE = "01"  # hard-wired in Kugelpos' logical cash amount
DEFAULT_PAYMENT_NAMES = {"01": "Cash", "11": "Cashless", "12": "Others"}


# --- signs (spec/40 §1.1) -----------------------------------------------------------------------------------
def sales_sign(transaction_type: int) -> int:
    """+1 for 101 and 202, -1 for 102 and 201; any other type fails the sales and payment reports."""
    if transaction_type in (NORMAL_SALES, VOID_RETURN):
        return 1
    if transaction_type in (RETURN_SALES, VOID_SALES):
        return -1
    raise UnknownTransactionTypeError(transaction_type)


def line_sign(transaction_type: int) -> int:
    """Category, item and promotion reports: +1 for 101 and 202, -1 for every other type."""
    return 1 if transaction_type in (NORMAL_SALES, VOID_RETURN) else -1


# --- sales report (§3.4) ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TypeTotals:
    """Sums over the included tranlogs of one transaction type (the symbols of §3.4)."""

    transaction_type: int
    count: int = 0  # N
    amount_with_tax: Decimal = ZERO  # WT
    discount_amount: Decimal = ZERO  # D
    quantity: int = 0  # Q
    tax_amount: Decimal = ZERO  # T: Σ taxes[].tax_amount
    line_discount_amount: Decimal = ZERO  # LDA
    line_discount_count: int = 0  # LDC
    line_discount_quantity: int = 0  # LDQ
    subtotal_discount_amount: Decimal = ZERO  # SDA
    subtotal_discount_count: int = 0  # SDC
    subtotal_discount_quantity: int = 0  # SDQ


def merge_type_totals(parts: Iterable[Mapping[str, Any]]) -> list[TypeTotals]:
    """Combine partial per-type aggregates (``{"transaction_type": t, <field>: value, ...}``) into ``TypeTotals``."""
    merged: dict[int, dict[str, Any]] = {}
    names = {f.name for f in fields(TypeTotals)}
    for part in parts:
        values = merged.setdefault(part["transaction_type"], {"transaction_type": part["transaction_type"]})
        for key, value in part.items():
            if key in names and key != "transaction_type" and value is not None:
                values[key] = value
    return [TypeTotals(**values) for _, values in sorted(merged.items())]


@dataclass(frozen=True)
class TranlogTotals:
    """Σ over the included tranlogs of one transaction type, and of one hour of the day and one terminal when the
    selector was asked to group by them too (unsigned, as stored). The sales report groups by type alone; the
    home page groups by type, hour and terminal in the same single pass and folds the rows back to types."""

    transaction_type: int
    hour: int | None = None  # of the tranlog's own timestamp (``YYYY-MM-DDTHH``); None when ungrouped or unknown
    terminal_no: int | None = None
    count: int = 0  # N
    amount_with_tax: Decimal = ZERO  # WT
    discount_amount: Decimal = ZERO  # D
    quantity: int = 0  # Q
    last_at: str | None = None  # the latest ``generate_date_time`` (ISO text, compared as text)


def header_type_parts(rows: Iterable[TranlogTotals]) -> list[dict[str, Any]]:
    """N, WT, D and Q per transaction type (``merge_type_totals`` parts), however finely ``rows`` are grouped.

    Sums of ``Decimal`` are exact, so folding finer groups gives the very numbers a per-type ``SUM`` gives."""
    acc: dict[int, dict[str, Any]] = {}
    for row in rows:
        part = acc.setdefault(row.transaction_type, {"transaction_type": row.transaction_type, "count": 0,
                                                     "amount_with_tax": ZERO, "discount_amount": ZERO,
                                                     "quantity": 0})
        part["count"] += row.count
        part["amount_with_tax"] += row.amount_with_tax
        part["discount_amount"] += row.discount_amount
        part["quantity"] += row.quantity
    return [acc[key] for key in sorted(acc)]


def line_type_parts(groups: Iterable[LineGroup]) -> list[dict[str, Any]]:
    """LDA, LDC, LDQ and SDQ per transaction type (``merge_type_totals`` parts) from line groups that carry them
    (``selectors.line_groups(..., sales_symbols=True)``), however finely they are grouped."""
    acc: dict[int, dict[str, Any]] = {}
    for group in groups:
        part = acc.setdefault(group.transaction_type, {"transaction_type": group.transaction_type,
                                                       "line_discount_amount": ZERO, "line_discount_count": 0,
                                                       "line_discount_quantity": 0, "subtotal_discount_quantity": 0})
        part["line_discount_amount"] += group.line_discount_amount
        part["line_discount_count"] += group.line_discount_count
        part["line_discount_quantity"] += group.line_discount_quantity
        part["subtotal_discount_quantity"] += group.subtotal_discount_quantity
    return [acc[key] for key in sorted(acc)]


@dataclass(frozen=True)
class SalesAmount:
    amount: Decimal = ZERO
    quantity: int = 0
    count: int = 0


@dataclass(frozen=True)
class SalesFigures:
    sales_gross: SalesAmount
    sales_net: SalesAmount
    discount_for_lineitems: SalesAmount
    discount_for_subtotal: SalesAmount
    returns: SalesAmount
    net_tax: Decimal


def sales_figures(totals: Iterable[TypeTotals]) -> SalesFigures:
    """The formulas of §3.4 (returns before discounts: ours, issue 14); raises ``UnknownTransactionTypeError``
    for a type outside 101/102/201/202."""
    by_type = {}
    for total in totals:
        sales_sign(total.transaction_type)
        by_type[total.transaction_type] = total
    empty = TypeTotals(0)

    def of(transaction_type: int) -> TypeTotals:
        return by_type.get(transaction_type, empty)

    sale, ret, void_sale, void_ret = of(NORMAL_SALES), of(RETURN_SALES), of(VOID_SALES), of(VOID_RETURN)
    gross = SalesAmount(
        amount=(sale.amount_with_tax + sale.discount_amount) - (void_sale.amount_with_tax + void_sale.discount_amount),
        quantity=sale.quantity - void_sale.quantity,
        count=sale.count - void_sale.count,
    )
    # Ours (issue 14): returns are before discounts, as the gross is. Kugelpos takes WT alone while the discount
    # lines still net the return's discounts away, so a fully returned discounted sale kept its discount in net.
    returns = SalesAmount(
        amount=(ret.amount_with_tax + ret.discount_amount) - (void_ret.amount_with_tax + void_ret.discount_amount),
        quantity=ret.quantity - void_ret.quantity,
        count=ret.count - void_ret.count,
    )
    line_discount = SalesAmount(
        amount=sum((sales_sign(t) * v.line_discount_amount for t, v in by_type.items()), ZERO),
        quantity=sum(sales_sign(t) * v.line_discount_quantity for t, v in by_type.items()),
        count=sum(sales_sign(t) * v.line_discount_count for t, v in by_type.items()),
    )
    subtotal_discount = SalesAmount(
        amount=sum((sales_sign(t) * v.subtotal_discount_amount for t, v in by_type.items()), ZERO),
        quantity=sum(sales_sign(t) * v.subtotal_discount_quantity for t, v in by_type.items()),
        count=sum(sales_sign(t) * v.subtotal_discount_count for t, v in by_type.items()),
    )
    net_tax = (sale.tax_amount - void_sale.tax_amount) - (ret.tax_amount - void_ret.tax_amount)
    net = SalesAmount(
        amount=gross.amount - returns.amount - line_discount.amount - subtotal_discount.amount - net_tax,
        quantity=gross.quantity - returns.quantity,
        count=gross.count - returns.count,
    )
    return SalesFigures(
        sales_gross=gross,
        sales_net=net,
        discount_for_lineitems=line_discount,
        discount_for_subtotal=subtotal_discount,
        returns=returns,
        net_tax=net_tax,
    )


@dataclass(frozen=True)
class TaxGroup:
    """Σ over the tax entries of one (transaction type, tax code); ``first_seen`` orders "first name seen"."""

    transaction_type: int
    tax_code: str | None
    tax_name: str | None
    first_seen: int
    tax_amount: Decimal = ZERO
    target_amount: Decimal = ZERO
    target_quantity: int = 0


@dataclass(frozen=True)
class TaxLine:
    tax_code: str
    tax_name: str | None
    tax_amount: Decimal
    target_amount: Decimal
    target_quantity: int


def tax_amount_by_type(groups: Iterable[TaxGroup]) -> dict[int, Decimal]:
    """T_t of §3.4: every tax entry counts, whatever its type or code."""
    result: dict[int, Decimal] = {}
    for group in groups:
        result[group.transaction_type] = result.get(group.transaction_type, ZERO) + group.tax_amount
    return result


def tax_summary(groups: Iterable[TaxGroup]) -> list[TaxLine]:
    """One entry per tax code (null codes skipped), signed sums, first name seen, ordered by code."""
    acc: dict[str, dict[str, Any]] = {}
    for group in sorted(groups, key=lambda g: g.first_seen):
        if group.tax_code is None:
            continue
        sign = sales_sign(group.transaction_type)
        entry = acc.setdefault(
            group.tax_code, {"tax_name": group.tax_name, "tax_amount": ZERO, "target_amount": ZERO, "qty": 0}
        )
        entry["tax_amount"] += sign * group.tax_amount
        entry["target_amount"] += sign * group.target_amount
        entry["qty"] += sign * group.target_quantity
    return [
        TaxLine(code, e["tax_name"], e["tax_amount"], e["target_amount"], e["qty"]) for code, e in sorted(acc.items())
    ]


@dataclass(frozen=True)
class PaymentGroup:
    """Σ over the payment lines of one (transaction type, payment code)."""

    transaction_type: int
    payment_code: str | None
    description: str | None
    first_seen: int
    amount: Decimal = ZERO
    line_count: int = 0  # payment lines (split lines each count): the sales report count
    transaction_count: int = 0  # distinct transactions with >= 1 line of the code: the payment report count


@dataclass(frozen=True)
class PaymentLine:
    payment_code: str
    payment_name: str | None
    amount: Decimal
    count: int


def sales_payments(groups: Iterable[PaymentGroup]) -> list[PaymentLine]:
    """Sales report ``payments``: per code, Σ f·amount and Σ f·(payment lines); name = first description seen."""
    acc: dict[str, dict[str, Any]] = {}
    for group in sorted(groups, key=lambda g: g.first_seen):
        if group.payment_code is None:
            continue
        sign = sales_sign(group.transaction_type)
        entry = acc.setdefault(group.payment_code, {"name": group.description, "amount": ZERO, "count": 0})
        entry["amount"] += sign * group.amount
        entry["count"] += sign * group.line_count
    return [PaymentLine(code, e["name"], e["amount"], e["count"]) for code, e in sorted(acc.items())]


@dataclass(frozen=True)
class CashFigures:
    logical_amount: Decimal
    physical_amount: Decimal
    difference_amount: Decimal
    cash_in_amount: Decimal
    cash_in_count: int
    cash_out_amount: Decimal
    cash_out_count: int


def cash_figures(
    *,
    payments: Sequence[PaymentLine],
    cash_in_amount: Decimal,
    cash_in_count: int,
    cash_out_amount: Decimal,
    cash_out_count: int,
    physical_amount: Decimal | None,
) -> CashFigures:
    """Logical cash = cash payments (code "01") + cash in + cash out (negative); the float is already a cash in."""
    cash_payments = next((p.amount for p in payments if p.payment_code == CASH_PAYMENT_CODE), ZERO)
    logical = cash_payments + cash_in_amount + cash_out_amount
    physical = physical_amount if physical_amount is not None else ZERO
    return CashFigures(
        logical_amount=logical,
        physical_amount=physical,
        difference_amount=physical - logical,
        cash_in_amount=cash_in_amount,
        cash_in_count=cash_in_count,
        cash_out_amount=cash_out_amount,
        cash_out_count=cash_out_count,
    )


# --- payment report (§3.7) ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PaymentSummaryLine:
    payment_code: str
    payment_name: str
    count: int
    amount: Decimal
    ratio: Decimal


def payment_name(code: str, master: Mapping[str, str] | None) -> str:
    """Payment master description; without any master rows the Kugelpos defaults; else ``Payment {code}``."""
    if not master:
        return DEFAULT_PAYMENT_NAMES.get(code, f"Payment {code}")
    return master.get(code) or f"Payment {code}"


def payment_ratio(amount: Decimal, total: Decimal) -> Decimal:
    if total <= 0:
        return ZERO
    return (amount / total * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def payment_summary(
    groups: Iterable[PaymentGroup], master: Mapping[str, str] | None
) -> tuple[list[PaymentSummaryLine], int, Decimal]:
    """``(payment_summary, total count, total amount)``: counts of distinct transactions, sorted by amount desc."""
    acc: dict[str, dict[str, Any]] = {}
    for group in groups:
        sign = sales_sign(group.transaction_type)
        if group.payment_code is None:
            continue
        entry = acc.setdefault(group.payment_code, {"amount": ZERO, "count": 0})
        entry["amount"] += sign * group.amount
        entry["count"] += sign * group.transaction_count
    total_amount = sum((e["amount"] for e in acc.values()), ZERO)
    total_count = sum(e["count"] for e in acc.values())
    lines = [
        PaymentSummaryLine(
            payment_code=code,
            payment_name=payment_name(code, master),
            count=e["count"],
            amount=e["amount"],
            ratio=payment_ratio(e["amount"], total_amount),
        )
        for code, e in acc.items()
    ]
    lines.sort(key=lambda line: (-line.amount, line.payment_code))
    return lines, total_count, total_amount


# --- category and item reports (§3.5, §3.6) -----------------------------------------------------------------
@dataclass(frozen=True)
class LineGroup:
    """Σ over live line items of one (transaction type, category[, item]) - unsigned, as stored."""

    transaction_type: int
    category_code: str | None
    item_code: str | None = None
    gross_amount: Decimal = ZERO  # Σ (line.amount + line discounts) = Σ unit price × quantity (ours, issue 14)
    discount_amount: Decimal = ZERO  # Σ (line discounts + allocated discounts)
    quantity: int = 0
    discount_quantity: int = 0  # Σ quantity of lines with a line or allocated discount > 0
    line_count: int = 0
    # The sales report's line symbols (§3.4), when asked for (``sales_symbols``): LDA, LDC, LDQ, SDQ.
    line_discount_amount: Decimal = ZERO  # Σ line discounts
    line_discount_count: int = 0  # Σ number of line discounts
    line_discount_quantity: int = 0  # Σ quantity of lines with a line discount
    subtotal_discount_quantity: int = 0  # Σ quantity of lines with an allocated subtotal discount
    first_described_id: int | None = None  # the group's first line (by id) with a description, when by item


@dataclass(frozen=True)
class SalesLine:
    """A category or item row of a report (signed)."""

    code: str | None
    name: str | None
    gross_amount: Decimal = ZERO
    discount_amount: Decimal = ZERO
    quantity: int = 0
    discount_quantity: int = 0
    transaction_count: int = 0
    category_code: str | None = None

    @property
    def net_amount(self) -> Decimal:
        return self.gross_amount - self.discount_amount

    def add(self, group: LineGroup) -> SalesLine:
        sign = line_sign(group.transaction_type)
        return replace(
            self,
            gross_amount=self.gross_amount + sign * group.gross_amount,
            discount_amount=self.discount_amount + sign * group.discount_amount,
            quantity=self.quantity + sign * group.quantity,
            discount_quantity=self.discount_quantity + sign * group.discount_quantity,
            transaction_count=self.transaction_count + group.line_count,  # line rows, unsigned
        )

    def plus(self, other: SalesLine) -> SalesLine:
        return replace(
            self,
            gross_amount=self.gross_amount + other.gross_amount,
            discount_amount=self.discount_amount + other.discount_amount,
            quantity=self.quantity + other.quantity,
            discount_quantity=self.discount_quantity + other.discount_quantity,
            transaction_count=self.transaction_count + other.transaction_count,
        )


def _code_key(code: str | None) -> tuple[bool, str]:
    return (code is not None, code or "")


def _name(names: Mapping[str, str], code: str | None) -> str | None:
    """The master name of a code, else the code itself."""
    return (names.get(code) or code) if code else code


def category_lines(groups: Iterable[LineGroup], names: Mapping[str, str]) -> list[SalesLine]:
    """One signed row per category code, ordered by code; name = master description, else the code."""
    acc: dict[str | None, SalesLine] = {}
    for group in groups:
        code = group.category_code
        line = acc.get(code) or SalesLine(code=code, name=_name(names, code))
        acc[code] = line.add(group)
    return [acc[code] for code in sorted(acc, key=_code_key)]


@dataclass(frozen=True)
class CategoryItems:
    category: SalesLine  # the category totals = Σ of its items
    items: list[SalesLine] = field(default_factory=list)


def item_lines(
    groups: Iterable[LineGroup], category_names: Mapping[str, str], item_names: Mapping[str, str]
) -> list[CategoryItems]:
    """Rows per (item, category) nested under their category; categories and items ordered by code."""
    items: dict[tuple[str | None, str | None], SalesLine] = {}
    for group in groups:
        key = (group.category_code, group.item_code)
        code = group.item_code
        line = items.get(key) or SalesLine(code=code, name=_name(item_names, code), category_code=group.category_code)
        items[key] = line.add(group)
    by_category: dict[str | None, list[SalesLine]] = {}
    for (category_code, _), line in items.items():
        by_category.setdefault(category_code, []).append(line)
    result = []
    for category_code in sorted(by_category, key=_code_key):
        lines = sorted(by_category[category_code], key=lambda line: _code_key(line.code))
        total = SalesLine(code=category_code, name=_name(category_names, category_code))
        for line in lines:
            total = total.plus(line)
        result.append(CategoryItems(category=total, items=lines))
    return result


def sum_lines(lines: Iterable[SalesLine]) -> SalesLine:
    total = SalesLine(code=None, name=None)
    for line in lines:
        total = total.plus(line)
    return total


# --- promotion report (§3.8) --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PromotionGroup:
    """Σ over line discount entries with a promotion code, of one (transaction type, code, promotion type)."""

    transaction_type: int
    promotion_code: str
    promotion_type: str | None
    gross_amount: Decimal = ZERO  # line amount before its line discounts, once per discount entry (issue 14)
    discount_amount: Decimal = ZERO
    quantity: int = 0
    transaction_count: int = 0  # distinct transactions (a transaction has one type, so these add up)


@dataclass(frozen=True)
class PromotionLine:
    promotion_code: str
    promotion_type: str | None
    gross_amount: Decimal
    discount_amount: Decimal
    quantity: int
    transaction_count: int

    @property
    def net_amount(self) -> Decimal:
        return self.gross_amount - self.discount_amount


def promotion_lines(groups: Iterable[PromotionGroup]) -> list[PromotionLine]:
    """Signed rows per (promotion code, type); default order discount amount desc, then code."""
    acc: dict[tuple[str, str | None], dict[str, Any]] = {}
    for group in groups:
        sign = line_sign(group.transaction_type)
        entry = acc.setdefault(
            (group.promotion_code, group.promotion_type),
            {"gross": ZERO, "discount": ZERO, "quantity": 0, "transactions": 0},
        )
        entry["gross"] += sign * group.gross_amount
        entry["discount"] += sign * group.discount_amount
        entry["quantity"] += sign * group.quantity
        entry["transactions"] += group.transaction_count
    lines = [
        PromotionLine(code, ptype, e["gross"], e["discount"], e["quantity"], e["transactions"])
        for (code, ptype), e in acc.items()
    ]
    lines.sort(key=lambda line: (-line.discount_amount, line.promotion_code, line.promotion_type or ""))
    return lines


# --- sorting and paging of category / promotion rows -------------------------------------------------------
def sort_and_page(
    rows: Sequence[Any], *, sort: Sequence[tuple[str, int]], page: int, limit: int, attributes: Mapping[str, str]
) -> list[Any]:
    """Apply a ``field:dir`` sort (snake_case names mapped to row attributes; stable, later keys first) and
    ``page``/``limit`` (``limit 0`` = all; a page holds at most ``PAGE_SIZE_MAX`` rows, as every list's)."""
    result = list(rows)
    for name, direction in reversed(list(sort)):
        attribute = attributes[name]
        present = [row for row in result if getattr(row, attribute) is not None]
        missing = [row for row in result if getattr(row, attribute) is None]
        present.sort(key=lambda row: getattr(row, attribute), reverse=direction == -1)
        result = missing + present if direction == 1 else present + missing
    offset = (page - 1) * limit
    return result[offset : offset + page_size(limit)]


# --- daily verification (§3.10) -----------------------------------------------------------------------------
@dataclass(frozen=True)
class CloseSnapshot:
    cart_transaction_count: int | None
    cart_transaction_last_no: int | None
    cash_in_out_count: int | None
    cash_in_out_last_datetime: str | None


@dataclass(frozen=True)
class SessionLogs:
    """What arrived for one terminal session (store, terminal, business date, open counter)."""

    terminal_no: int
    open_counter: int | None
    close: CloseSnapshot | None
    cash_count: int = 0
    cash_last_datetime: str | None = None
    tran_count: int = 0  # cancelled included
    tran_last_no: int | None = None  # transaction_no of the latest tranlog by generate_date_time


ALL_RECEIVED = "All logs are received successfully"


def verify_session(logs: SessionLogs, *, business_date: str) -> tuple[bool, str]:
    """Steps 3-6 of §3.10: ``(verified, message)``."""
    close = logs.close
    if close is None:
        return False, (
            "No close logs found for the given business date and open counter. "
            f"business_date->{business_date}, open_counter->{logs.open_counter}"
        )
    expected_cash = close.cash_in_out_count or 0
    if logs.cash_count != expected_cash:
        return False, f"Missing cash in/out logs. Expected count->{expected_cash}, Actual count->{logs.cash_count}"
    if logs.cash_count > 0 and logs.cash_last_datetime != close.cash_in_out_last_datetime:
        return False, (
            f"Missing cash in/out logs. Expected datetime->{close.cash_in_out_last_datetime}, "
            f"Actual datetime->{logs.cash_last_datetime}"
        )
    expected_trans = close.cart_transaction_count or 0
    if logs.tran_count != expected_trans:
        return False, f"Missing transaction logs. Expected count->{expected_trans}, Actual count->{logs.tran_count}"
    if logs.tran_count > 0 and logs.tran_last_no != close.cart_transaction_last_no:
        return False, (
            f"Missing transaction logs. Expected transaction no->{close.cart_transaction_last_no}, "
            f"Actual transaction no->{logs.tran_last_no}"
        )
    return True, ALL_RECEIVED
