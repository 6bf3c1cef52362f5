"""Promotion report (spec/40 §3.8): line discounts that carry a promotion code, per (code, promotion type)."""

from __future__ import annotations

from typing import Any

from apps.core.formats import money

from .. import calculations, selectors
from ..calculations import PromotionLine
from .base import ReportRequest

SORT_FIELDS = {
    "promotion_code": "promotion_code",
    "promotion_type": "promotion_type",
    "gross_amount": "gross_amount",
    "discount_amount": "discount_amount",
    "net_amount": "net_amount",
    "quantity": "quantity",
    "transaction_count": "transaction_count",
}
RULE = "-" * 40


def promotion_text(request: ReportRequest, rows: list[PromotionLine]) -> str:
    """Plain text (no receipt renderer): the same string is the receipt and the journal text."""
    scope = request.scope
    date = f"{scope.business_date_from} - {scope.business_date_to}" if scope.is_range else scope.business_date
    total_discount = sum((row.discount_amount for row in rows), calculations.ZERO)
    lines = [
        "=== PROMOTION REPORT ===",
        f"Store: {scope.store_code}",
        f"Date: {date}",
        "",
        "Promotion Performance:",
        RULE,
        *(f"{row.promotion_code}: {row.quantity} items, -{row.discount_amount:.0f}" for row in rows),
        RULE,
        f"Total Discount: -{total_discount:.0f}",
        f"Total Items: {sum(row.quantity for row in rows)}",
        "",
    ]
    return "\n".join(lines)


class PromotionReportPlugin:
    report_type = "promotion"
    sort_fields = SORT_FIELDS

    def generate(self, request: ReportRequest) -> dict[str, Any]:
        rows = calculations.promotion_lines(selectors.promotion_groups(request.scope))
        page = calculations.sort_and_page(
            rows, sort=request.sort, page=request.page, limit=request.limit, attributes=SORT_FIELDS
        )
        text = promotion_text(request, page)
        return {
            **request.header(),
            "promotions": [
                {
                    "promotionCode": row.promotion_code,
                    "promotionType": row.promotion_type,
                    "grossAmount": money(row.gross_amount),
                    "discountAmount": money(row.discount_amount),
                    "netAmount": money(row.net_amount),
                    "quantity": row.quantity,
                    "transactionCount": row.transaction_count,
                }
                for row in page
            ],
            "totalGrossAmount": money(sum((row.gross_amount for row in page), calculations.ZERO)),
            "totalDiscountAmount": money(sum((row.discount_amount for row in page), calculations.ZERO)),
            "totalNetAmount": money(sum((row.net_amount for row in page), calculations.ZERO)),
            "totalQuantity": sum(row.quantity for row in page),
            "totalTransactionCount": sum(row.transaction_count for row in page),
            "receiptText": text,
            "journalText": text,
        }
