"""Item report (spec/40 §3.6): live line items grouped by (item, category), nested under their category."""

from __future__ import annotations

from typing import Any

from apps.core.formats import money

from .. import calculations, receipts, selectors
from ..calculations import SalesLine
from . import names
from .base import ReportRequest
from .category import sales_line, totals


def _item(row: SalesLine) -> dict[str, Any]:
    return {"itemCode": row.code, "itemName": row.name, **sales_line(row)}


class ItemReportPlugin:
    report_type = "item"

    def generate(self, request: ReportRequest) -> dict[str, Any]:
        request.check_range()
        groups = selectors.line_groups(request.scope, by_item=True)
        category_names = names.category_names(group.category_code for group in groups)
        # The tranlog carries each line's item description; the master fills in what it lacks.
        item_names = selectors.line_descriptions(groups)
        missing = {group.item_code for group in groups if group.item_code and group.item_code not in item_names}
        item_names.update(names.item_names(missing))
        categories = calculations.item_lines(groups, category_names, item_names)
        total = calculations.sum_lines(group.category for group in categories)
        receipt_text, journal_text = receipts.render_texts(
            receipts.item_lines(request.receipt_header(), categories=categories, total=total)
        )
        return {
            **request.header(),
            "categories": [
                {
                    "categoryCode": group.category.code,
                    "categoryName": group.category.name,
                    "items": [_item(item) for item in group.items],
                    "categoryTotalGrossAmount": money(group.category.gross_amount),
                    "categoryTotalDiscountAmount": money(group.category.discount_amount),
                    "categoryTotalNetAmount": money(group.category.net_amount),
                    "categoryTotalQuantity": group.category.quantity,
                    "categoryTotalDiscountQuantity": group.category.discount_quantity,
                    "categoryTotalTransactionCount": group.category.transaction_count,
                }
                for group in categories
            ],
            **totals(total),
            "receiptText": receipt_text,
            "journalText": journal_text,
        }
