"""Category report (spec/40 §3.5): live line items grouped by category code, sorted and paged."""

from __future__ import annotations

from typing import Any

from apps.core.formats import money

from .. import calculations, receipts, selectors
from ..calculations import SalesLine
from . import names
from .base import ReportRequest

SORT_FIELDS = {
    "category_code": "code",
    "category_name": "name",
    "gross_amount": "gross_amount",
    "discount_amount": "discount_amount",
    "net_amount": "net_amount",
    "quantity": "quantity",
    "discount_quantity": "discount_quantity",
    "transaction_count": "transaction_count",
}


def sales_line(row: SalesLine) -> dict[str, Any]:
    """The figures of one category or item row (spec/40 §3.6, §3.7), after its code and name."""
    return {
        "grossAmount": money(row.gross_amount),
        "discountAmount": money(row.discount_amount),
        "netAmount": money(row.net_amount),
        "quantity": row.quantity,
        "discountQuantity": row.discount_quantity,
        "transactionCount": row.transaction_count,
    }


def totals(total: SalesLine) -> dict[str, Any]:
    return {
        "totalGrossAmount": money(total.gross_amount),
        "totalDiscountAmount": money(total.discount_amount),
        "totalNetAmount": money(total.net_amount),
        "totalQuantity": total.quantity,
        "totalDiscountQuantity": total.discount_quantity,
        "totalTransactionCount": total.transaction_count,
    }


class CategoryReportPlugin:
    report_type = "category"
    sort_fields = SORT_FIELDS

    def generate(self, request: ReportRequest) -> dict[str, Any]:
        request.check_range()
        groups = selectors.line_groups(request.scope, by_item=False)
        category_names = names.category_names(group.category_code for group in groups)
        rows = calculations.category_lines(groups, category_names)
        page = calculations.sort_and_page(
            rows, sort=request.sort, page=request.page, limit=request.limit, attributes=SORT_FIELDS
        )
        total = calculations.sum_lines(page)
        receipt_text, journal_text = receipts.render_texts(
            receipts.category_lines(request.receipt_header(), categories=page, total=total)
        )
        return {
            **request.header(),
            "categories": [
{"categoryCode": row.code, "categoryName": row.name, **sales_line(row)} for row in page
            ],
            **totals(total),
            "receiptText": receipt_text,
            "journalText": journal_text,
        }
