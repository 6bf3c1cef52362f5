"""Payment report (spec/40 §3.7): amount and distinct-transaction count per payment code, with ratios.

Its ``data`` is snake_case on the wire (Kugelpos serialises this document without aliases).
"""

from __future__ import annotations

import logging
from typing import Any

from apps.core.formats import iso_app, money

from .. import calculations, receipts, selectors
from . import names
from .base import ReportRequest

logger = logging.getLogger(__name__)


class PaymentReportPlugin:
    report_type = "payment"

    def generate(self, request: ReportRequest) -> dict[str, Any]:
        request.check_range()
        scope = request.scope
        for transaction_type in selectors.transaction_types(scope):
            calculations.sales_sign(transaction_type)  # only 101/102/201/202 may be reported
        summary, total_count, total_amount = calculations.payment_summary(
            selectors.payment_groups(scope, count_transactions=True), names.payment_master_names()
        )
        try:
            receipt_text, journal_text = receipts.render_texts(
                receipts.payment_lines(
                    request.receipt_header(), summary=summary, total_count=total_count, total_amount=total_amount
                )
            )
        except Exception:  # noqa: BLE001 - spec: a rendering failure leaves the texts null, the report stands
            logger.exception("payment report receipt not rendered")
            receipt_text = journal_text = None
        return {
            "shard_key": None,
            "created_at": None,
            "updated_at": None,
            "etag": None,
            "tenant_id": request.tenant_id,
            "store_code": scope.store_code,
            "store_name": None,
            "terminal_no": scope.terminal_no,
            "business_date": scope.business_date,
            "business_date_from": scope.business_date_from,
            "business_date_to": scope.business_date_to,
            "open_counter": scope.open_counter,
            "business_counter": request.business_counter,
            "report_scope": request.report_scope,
            "report_type": self.report_type,
            "payment_summary": [
                {
                    "payment_code": line.payment_code,
                    "payment_name": line.payment_name,
                    "count": line.count,
                    "amount": money(line.amount),
                    "ratio": money(line.ratio),
                }
                for line in summary
            ],
            "total": {"count": total_count, "amount": money(total_amount)},
            "receipt_text": receipt_text,
            "journal_text": journal_text,
            "generate_date_time": iso_app(request.generated_at),
            "staff": None,
        }
