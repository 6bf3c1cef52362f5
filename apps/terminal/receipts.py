"""Receipt and journal lines of cash and open/close logs (spec/10 §8), rendered by ``apps.core.receipt``.

Pure functions: values in, ``(receipt_text, journal_text)`` out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from apps.core import receipt
from apps.core.receipt import Line

CASH_IN_TITLE = "【 入 金  レ ポ ー ト 】"
CASH_OUT_TITLE = "【 出 金  レ ポ ー ト 】"
OPEN_TITLE = "【 開 設  レ ポ ー ト 】"
CLOSE_TITLE = "【 精 算  レ ポ ー ト 】"
OPEN_COUNTER_WIDTH = 10


@dataclass(frozen=True)
class ReceiptHeader:
    store_code: str
    store_name: str | None
    terminal_no: int
    staff_id: str | None
    generate_date_time: datetime
    business_date: str | None
    open_counter: int | None


def header_lines(header: ReceiptHeader, title: str) -> list[Line]:
    staff = "責# " + (receipt.zero_fill(header.staff_id, 6) if header.staff_id is not None else "------")
    lines = [
        receipt.left("店舗名 " + header.store_name if header.store_name is not None else header.store_code),
        receipt.split(f"レジNo. {header.terminal_no}", staff),
        receipt.left(receipt.format_datetime(header.generate_date_time)),
        receipt.center(" "),
        receipt.center(title),
        receipt.center(" "),
        receipt.left("営業日付 " + receipt.format_business_date(header.business_date)),
    ]
    if header.open_counter is not None:
        counter = receipt.comma(header.open_counter) + "回"
        lines.append(receipt.left("開設回数 " + receipt.pad_right(counter, OPEN_COUNTER_WIDTH)))
    return lines


def _with_body(header: ReceiptHeader, title: str, item1: str, item2: str) -> tuple[str, str]:
    lines = [
        *header_lines(header, title),
        receipt.border(),
        receipt.split(item1, item2),
        receipt.border(),
        receipt.left("レシートNo. ------"),
    ]
    return receipt.render(lines)


def cash_receipt(header: ReceiptHeader, *, amount: Decimal, description: str | None) -> tuple[str, str]:
    title = CASH_IN_TITLE if amount >= 0 else CASH_OUT_TITLE
    return _with_body(header, title, description or "", receipt.comma(amount) + "円")


def open_receipt(header: ReceiptHeader, *, initial_amount: Decimal | None) -> tuple[str, str]:
    return _with_body(header, OPEN_TITLE, "釣銭準備金", receipt.comma(initial_amount or 0) + "円")


def close_receipt(header: ReceiptHeader, *, physical_amount: Decimal | None) -> tuple[str, str]:
    return _with_body(header, CLOSE_TITLE, "ドロア内現金", receipt.comma(physical_amount or 0) + "円")
