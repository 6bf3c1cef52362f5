"""Sales report (spec/40 §3.4): gross, returns, discounts, net, taxes, payments and the cash drawer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from apps.core.formats import money

from .. import calculations, receipts, selectors
from ..calculations import SalesAmount
from .base import ReportRequest

logger = logging.getLogger(__name__)


def _amount(figures: SalesAmount) -> dict[str, Any]:
    return {"amount": money(figures.amount), "quantity": figures.quantity, "count": figures.count}


@dataclass(frozen=True)
class SalesParts:
    """What the sales report is computed from: the back office's home page reads the very same figures."""

    type_totals: list[calculations.TypeTotals]
    figures: calculations.SalesFigures
    taxes: list[calculations.TaxLine]
    payments: list[calculations.PaymentLine]
    cash: calculations.CashFigures


def drawer_cash(payments: list[calculations.PaymentLine], drawer: selectors.CashTotals) -> calculations.CashFigures:
    """The report's ``cash`` block from its payments and the cash/close logs' sums."""
    return calculations.cash_figures(
        payments=payments,
        cash_in_amount=drawer.cash_in_amount,
        cash_in_count=drawer.cash_in_count,
        cash_out_amount=drawer.cash_out_amount,
        cash_out_count=drawer.cash_out_count,
        physical_amount=drawer.physical_amount,
    )


def sales_parts(
    scope: selectors.ReportScope,
    *,
    headers: list[calculations.TranlogTotals] | None = None,
    lines: list[calculations.LineGroup] | None = None,
) -> SalesParts:
    """The sales report's aggregates over ``scope`` (a fixed number of grouped queries). ``headers`` and
    ``lines``: the scope's tranlog and line sums when the caller read them already, grouped more finely
    (``selectors.tranlog_totals``, ``selectors.line_groups(..., sales_symbols=True)``): the same sums, folded."""
    tax_groups = selectors.tax_groups(scope)
    type_totals = selectors.sales_type_totals(scope, tax_groups, headers=headers, lines=lines)
    payments = calculations.sales_payments(selectors.payment_groups(scope))
    return SalesParts(
        type_totals=type_totals,
        figures=calculations.sales_figures(type_totals),
        taxes=calculations.tax_summary(tax_groups),
        payments=payments,
        cash=drawer_cash(payments, selectors.cash_totals(scope)),
    )


class SalesReportPlugin:
    report_type = "sales"

    def generate(self, request: ReportRequest) -> dict[str, Any]:
        parts = sales_parts(request.scope)
        figures, taxes, payments, cash = parts.figures, parts.taxes, parts.payments, parts.cash
        try:
            receipt_text, journal_text = receipts.render_texts(
                receipts.sales_lines(
                    request.receipt_header(), figures=figures, taxes=taxes, payments=payments, cash=cash
                )
            )
        except Exception:  # noqa: BLE001 - spec: a rendering failure leaves the texts null, the report stands
            logger.exception("sales report receipt not rendered")
            receipt_text = journal_text = None
        return {
            **request.header(),
            "salesGross": _amount(figures.sales_gross),
            "salesNet": _amount(figures.sales_net),
            "discountForLineitems": _amount(figures.discount_for_lineitems),
            "discountForSubtotal": _amount(figures.discount_for_subtotal),
            "returns": _amount(figures.returns),
            "taxes": [
                {
                    "taxName": tax.tax_name,
                    "taxAmount": money(tax.tax_amount),
                    "targetAmount": money(tax.target_amount),
                    "targetQuantity": tax.target_quantity,
                }
                for tax in taxes
            ],
            "payments": [
                {"paymentName": payment.payment_name, "amount": money(payment.amount), "count": payment.count}
                for payment in payments
            ],
            "cash": {
                "logicalAmount": money(cash.logical_amount),
                "physicalAmount": money(cash.physical_amount),
                "differenceAmount": money(cash.difference_amount),
                "cashIn": {"amount": money(cash.cash_in_amount), "count": cash.cash_in_count},
                "cashOut": {"amount": money(cash.cash_out_amount), "count": cash.cash_out_count},
            },
            "receiptText": receipt_text,
            "journalText": journal_text,
        }
