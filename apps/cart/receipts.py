"""Receipt lines of a transaction log (spec/30 §9.4), rendered by ``apps.core.receipt``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from apps.core.receipt import (
    Line,
    border,
    center,
    comma,
    format_datetime,
    left,
    pad_left,
    render,
    right,
    split,
    yen,
)

TITLES = {101: "領 収 証", 102: "返 品 伝 票", 201: "売上取消伝票", 202: "返品取消伝票"}
ORIGIN_KINDS = {101: "売 上", 102: "返 品"}
TAX_MARKS = {"01": "外", "02": "込"}
STAMP_BOX = ("-----------", "|         |", "| (stamp) |", "|         |", "|         |", "-----------")


def _d(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _custom_lines(entries: list[dict] | None) -> list[Line]:
    lines = []
    for entry in entries or []:
        text, align = entry.get("text", ""), entry.get("align", "left")
        if not text:
            lines.append(left(""))
        else:
            lines.append({"center": center, "right": right}.get(align, left)(text))
    return lines


def _value_text(value: Any) -> str:
    """A discount value printed as stored: ``10.0`` for a float-valued 10."""
    return repr(float(value))


def tranlog_lines(tranlog: dict[str, Any]) -> list[Line]:
    info = tranlog.get("additional_info") or {}
    sales = tranlog["sales"]
    staff_id = (tranlog.get("staff") or {}).get("id")
    lines = _custom_lines(info.get("receipt_headers"))
    lines.append(split(f"レジNo. {tranlog['terminal_no']}", f"責# {staff_id}"))
    lines.append(left(format_datetime(tranlog["generate_date_time"])))
    if sales.get("is_cancelled"):
        lines.append(center("【 取 引 中 止 】"))
        return lines + _footer(tranlog)
    lines.append(center(f"【 {TITLES.get(tranlog['transaction_type'], '')} 】"))

    lines.append(border())
    for item in tranlog["line_items"]:
        if item.get("is_cancelled"):
            continue
        discounts = item.get("discounts") or []
        gross = _d(item["amount"]) + sum((_d(d["discount_amount"]) for d in discounts), Decimal(0))
        lines.append(split(item.get("description") or "", comma(gross) + TAX_MARKS.get(item.get("tax_code"), "  ")))
        if item["quantity"] >= 2:
            lines.append(left(pad_left(f"{comma(item['quantity'])} 個", 12) + "@" + comma(_d(item["unit_price"]))))
        for discount in discounts:
            if discount["discount_type"] == "DiscountAmount":
                lines.append(split(pad_left("値引:", 15), comma(-_d(discount["discount_value"])) + "  "))
            else:
                label = f"割引: {_value_text(discount['discount_value'])}%"
                lines.append(split(pad_left(label, 19), comma(-_d(discount["discount_amount"])) + "  "))

    lines.append(border())
    cart_discounts = tranlog.get("subtotal_discounts") or []
    before_cart_discounts = _d(sales["total_amount"]) + sum(
        (_d(d["discount_amount"]) for d in cart_discounts), Decimal(0)
    )
    quantity = pad_left(f"{comma(sales['total_quantity'])} 個", 16)
    lines.append(split("小計" + quantity, yen(before_cart_discounts) + "  "))
    for discount in cart_discounts:
        if discount["discount_type"] == "DiscountAmount":
            lines.append(split("  ポイント値引", comma(-_d(discount["discount_amount"])) + "  "))
        else:
            lines.append(split(f"  ポイント割引: {_value_text(discount['discount_value'])}%",
                               yen(-_d(discount["discount_amount"])) + "  "))
    taxes = tranlog.get("taxes") or []
    for tax in taxes:
        if tax["tax_type"] == "External":
            lines.append(split("  " + tax["tax_name"], yen(_d(tax["tax_amount"])) + "  "))
    lines.append(split("合計", yen(_d(sales["total_amount_with_tax"])) + "  "))
    for tax in taxes:
        lines.append(split(f"  ({tax['tax_name']} 対象額", yen(_d(tax["target_amount"])) + ")  "))
        lines.append(split(f"  ({tax['tax_name']}", yen(_d(tax["tax_amount"])) + ")  "))

    lines.extend(_payment_lines(tranlog))
    origin = tranlog.get("origin")
    if origin and tranlog["transaction_type"] in (102, 201, 202):
        lines.append(border())
        lines.append(left("[対象レシート]"))
        lines.append(split("日時", format_datetime(origin["generate_date_time"])))
        lines.append(split("取引区分", ORIGIN_KINDS.get(origin.get("transaction_type"), "不 明")))
        lines.append(split("店舗コード", str(origin.get("store_code"))))
        lines.append(split("店舗名", str(origin.get("store_name") or "")))
        lines.append(split("レジNo.", str(origin.get("terminal_no"))))
        lines.append(split("レシートNo.", str(origin.get("receipt_no"))))
        lines.append(split("取引通番", str(origin.get("transaction_no"))))
    return lines + _footer(tranlog)


def _payment_lines(tranlog: dict[str, Any]) -> list[Line]:
    merged: dict[str, dict[str, Any]] = {}
    for payment in tranlog.get("payments") or []:
        code = payment["payment_code"]
        if code == "01" and code in merged:
            merged[code]["amount"] += _d(payment["amount"])
            merged[code]["deposit_amount"] += _d(payment["deposit_amount"])
        else:
            merged.setdefault(code, {**payment, "amount": _d(payment["amount"]),
                                     "deposit_amount": _d(payment["deposit_amount"])})
    payments = [merged[code] for code in sorted(merged) if merged[code]["amount"] != 0]
    lines: list[Line] = []
    cash = next((payment for payment in payments if payment["payment_code"] == "01"), None)
    if cash is not None:
        lines.append(split("お預り", yen(cash["deposit_amount"]) + "  "))
        lines.append(split("お釣り", yen(_d(tranlog["sales"]["change_amount"])) + "  "))
        lines.append(border())
    for payment in payments:
        lines.append(split(payment.get("description") or "", yen(payment["amount"]) + "  "))
    return lines


def _footer(tranlog: dict[str, Any]) -> list[Line]:
    info = tranlog.get("additional_info") or {}
    sales = tranlog["sales"]
    lines = [border(), left(f"レシートNo. {tranlog['receipt_no']}")]
    if sales.get("is_stamp_duty_applied"):
        lines.append(left(""))
        lines.extend(left(text) for text in STAMP_BOX)
        lines.append(left(f"印紙代{comma(_d(sales['stamp_duty_amount']))}円"))
    if info.get("invoice_registration_number"):
        lines.append(left(f"事業者登録番号 {info['invoice_registration_number']}"))
    lines.extend(_custom_lines(info.get("receipt_footers")))
    return lines


def render_tranlog(tranlog: dict[str, Any]) -> tuple[str, str]:
    """``(receipt_text, journal_text)`` of a tranlog."""
    return render(tranlog_lines(tranlog))
