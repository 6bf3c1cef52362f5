"""Receipt and journal text of the reports (spec/40 §3.12), built as lines for ``apps.core.receipt``.

Pure functions over the computed report figures; no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from apps.core.receipt import (
    Line,
    border,
    center,
    comma,
    format_business_date,
    format_datetime,
    left,
    pad_left,
    pad_right,
    render,
    split,
    truncate,
)

from .calculations import (
    CashFigures,
    CategoryItems,
    PaymentLine,
    PaymentSummaryLine,
    SalesAmount,
    SalesFigures,
    SalesLine,
    TaxLine,
)

FOOTER_RECEIPT_NO = "レシートNo. ------"


@dataclass(frozen=True)
class ReceiptHeader:
    """What every report prints above its body."""

    store_code: str
    terminal_no: int | None
    generated_at: datetime
    is_daily: bool
    business_date: str | None
    business_date_from: str | None
    business_date_to: str | None
    open_counter: int | None
    business_counter: int | None

    @property
    def is_range(self) -> bool:
        return self.business_date_from is not None and self.business_date_to is not None

    @property
    def scope_label(self) -> str:
        return "日報" if self.is_daily else "速報"


def _yen(value: Decimal | int) -> str:
    return f"{comma(value)}円"


def _truncated_yen(value: Decimal) -> str:
    return f"{comma(int(value))}円"


def header_lines(header: ReceiptHeader, *, title: str, store_line: str | None, date_lines: list[Line]) -> list[Line]:
    who = "店舗合計" if header.terminal_no is None else f"レジNo. {header.terminal_no}"
    lines = [
        left(store_line if store_line is not None else f"店舗名 {header.store_code}"),
        split(who, "責# "),
        left(format_datetime(header.generated_at)),
        left(""),
        center(title),
        left(""),
        *date_lines,
    ]
    if header.open_counter is not None:
        lines.append(left(f"開設回数 {header.open_counter}回"))
    if header.is_daily and header.business_counter is not None:
        lines.append(left(f"精算通番 {header.business_counter}"))
    return lines


def single_date_line(header: ReceiptHeader) -> Line:
    if header.business_date is None:
        return left("営業日付 指定なし")
    return left(f"営業日付 {format_business_date(header.business_date)}")


def range_date_lines(header: ReceiptHeader) -> list[Line]:
    """Category and item: ``期間 {from}`` / ``     ～ {to}``."""
    if not header.is_range:
        return [single_date_line(header)]
    return [
        left(f"期間 {format_business_date(header.business_date_from)}"),
        left(f"     ～ {format_business_date(header.business_date_to)}"),
    ]


# --- sales --------------------------------------------------------------------------------------------------
def _amount_block(label: str, figures: SalesAmount) -> list[Line]:
    return [
        split(pad_right(f" {label}", 12) + pad_left(f"{figures.count}件", 5), _yen(figures.amount)),
        left(" " * 12 + pad_left(f"{figures.quantity}点", 5)),
    ]


def sales_lines(
    header: ReceiptHeader,
    *,
    figures: SalesFigures,
    taxes: Sequence[TaxLine],
    payments: Sequence[PaymentLine],
    cash: CashFigures,
) -> list[Line]:
    date_lines = range_date_lines(header) if header.is_range else [single_date_line(header)]
    lines = header_lines(
        header, title=f"【 売 上 レ ポ ー ト ( {header.scope_label} ) 】", store_line=None, date_lines=date_lines
    )
    lines += [border(), left("売 上 合 計")]
    lines += _amount_block("総売上", figures.sales_gross)
    lines += _amount_block("返品", figures.returns)
    lines += _amount_block("明細値引", figures.discount_for_lineitems)
    lines += _amount_block("小計値引", figures.discount_for_subtotal)
    lines.append(split(" 税額", _yen(-sum((tax.tax_amount for tax in taxes), Decimal(0)))))
    lines += _amount_block("純売上", figures.sales_net)
    lines += [border(), left("税 額（内訳）")]
    lines += [split(f" {tax.tax_name or tax.tax_code}", _yen(tax.tax_amount)) for tax in taxes]
    lines += [border(), left("支 払")]
    lines += [
        split(f" {payment.payment_name or payment.payment_code} {payment.count}件", _yen(payment.amount))
        for payment in payments
    ]
    lines += [
        border(),
        left("入出金"),
        split(f" 入金 {cash.cash_in_count}件", _yen(cash.cash_in_amount)),
        split(f" 出金 {cash.cash_out_count}件", _yen(cash.cash_out_amount)),
        border(),
        left("現 金"),
        split(" ドロア内現金", _yen(cash.physical_amount)),
        split(" あるべき現金", _yen(cash.logical_amount)),
        split(" 過不足", _yen(cash.difference_amount)),
        border(),
        left(FOOTER_RECEIPT_NO),
    ]
    return lines


# --- category and item --------------------------------------------------------------------------------------
def _quantity_gross(quantity: int, amount: Decimal, *, quantity_width: int = 5, separator: str = " ") -> str:
    return pad_left(f"{quantity}点", quantity_width) + separator + pad_left(_truncated_yen(amount), 12)


def _discount_line(label: str, line: SalesLine) -> list[Line]:
    if line.discount_amount > 0 or line.discount_quantity > 0:
        return [split(label, pad_left(f"-{_truncated_yen(line.discount_amount)}", 12))]
    return []


def _summary(total: SalesLine) -> list[Line]:
    return [
        left(f"総売上: {_truncated_yen(total.gross_amount)}"),
        left(f"値引計: {_truncated_yen(total.discount_amount)}"),
        left(f"純売上: {_truncated_yen(total.net_amount)}"),
    ]


def category_lines(header: ReceiptHeader, *, categories: Sequence[SalesLine], total: SalesLine) -> list[Line]:
    lines = header_lines(
        header,
        title=f"【分類別売上レポート( {header.scope_label} )】",
        store_line=None,
        date_lines=range_date_lines(header),
    )
    lines.append(border())
    for category in categories:
        lines.append(split(category.name or category.code or "", _quantity_gross(category.quantity,
                                                                               category.gross_amount)))
        lines += _discount_line("  値引", category)
    lines += [border(), split("合計", _quantity_gross(total.quantity, total.gross_amount))]
    lines += _discount_line("  値引", total)
    lines += [left(""), *_summary(total), border(), left(FOOTER_RECEIPT_NO)]
    return lines


def _item_label(name: str) -> str:
    """``  {name}``; longer than 14 display columns: what fits in 13, then ``…`` (spec/40 §3.12 counts characters,
    which puts a CJK name's quantity out of its column)."""
    return truncate(f"  {name}", 14)


def item_lines(header: ReceiptHeader, *, categories: Sequence[CategoryItems], total: SalesLine) -> list[Line]:
    lines = header_lines(
        header,
        title=f"【商品別売上レポート( {header.scope_label} )】",
        store_line=None,
        date_lines=range_date_lines(header),
    )
    lines.append(border())
    for group in categories:
        lines.append(left(group.category.name or group.category.code or ""))
        for item in group.items:
            lines.append(
                split(_item_label(item.name or item.code or ""),
                      _quantity_gross(item.quantity, item.gross_amount, separator=""))
            )
            lines += _discount_line("    値引", item)
        lines.append(
            split("小計", _quantity_gross(group.category.quantity, group.category.net_amount, quantity_width=7,
                                          separator=""))
        )
        lines.append(left(""))
    lines += [
        border(),
        split("合計", _quantity_gross(total.quantity, total.net_amount, quantity_width=7, separator="")),
        left(""),
        *_summary(total),
        border(),
        left(FOOTER_RECEIPT_NO),
    ]
    return lines


# --- payment ------------------------------------------------------------------------------------------------
def payment_lines(
    header: ReceiptHeader, *, summary: Sequence[PaymentSummaryLine], total_count: int, total_amount: Decimal
) -> list[Line]:
    if header.is_range:
        date_lines = [
            left("期間"),
            left(f"  {format_business_date(header.business_date_from)}"),
            left(f"  ～ {format_business_date(header.business_date_to)}"),
        ]
    else:
        date_lines = [single_date_line(header)]
    lines = header_lines(
        header, title=f"【 決済別レポート ( {header.scope_label} ) 】", store_line="", date_lines=date_lines
    )
    lines += [left("決 済 方 法 別 集 計"), border()]
    for index, line in enumerate(summary):
        if index:
            lines.append(left(""))
        lines += [
            left(line.payment_name),
            left(f"  件数: {pad_left(f'{line.count}件', 8)} 構成比: {pad_left(f'{line.ratio:.2f}%', 7)}"),
            left(f"  金額: {pad_left(_yen(line.amount), 12)}"),
        ]
    lines += [
        border(),
        left("合 計"),
        left(f"  総件数: {pad_left(f'{total_count}件', 10)}"),
        left(f"  総金額: {pad_left(_yen(total_amount), 12)}"),
        border(),
        left(""),
        left(""),
        center("*** END ***"),
    ]
    return lines


def render_texts(lines: list[Line]) -> tuple[str, str]:
    """``(receipt_text, journal_text)``."""
    return render(lines)
