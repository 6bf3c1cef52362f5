"""The back office's transaction page (issue #22): what it shows of a stored tranlog, as people read it, and the
refund form of its Void and Return buttons. Pure presentation over the document and the selectors' reads; the
void and return themselves are ``services.backoffice`` (the API's services)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from apps.core.admin import money, plain_number, quantity
from apps.core.errors import KugelposError
from apps.core.limits import INT32
from apps.core.transaction_types import transaction_type_name

from .calculations import PERCENTAGE
from .models import Transaction, TransactionStatus
from .services.tranlogs import RefundPayment

VOIDABLE_TYPES = (101, 102)
RETURNABLE_TYPES = (101,)


def business_date_shown(value: str | None) -> str:
    """``20250115`` -> ``2025-01-15`` (anything else as stored)."""
    value = value or ""
    return f"{value[:4]}-{value[4:6]}-{value[6:]}" if len(value) == 8 and value.isdigit() else value


def generated_shown(value: str | None) -> str:
    """The terminal's ISO timestamp (store time, with offset) as wall time: ``2025-01-15 10:30:00``."""
    value = value or ""
    return value[:19].replace("T", " ") if len(value) >= 19 and value[10] == "T" else value


def _amount(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def plain(value: Any) -> str:
    """An amount as a plain number for a CSV cell or an audit line: ``1500``, ``1500.5``."""
    return plain_number(_amount(value))


def _discounts(rows: list[dict] | None) -> list[dict[str, str]]:
    """Discounts as ``10%`` / ``¥50`` with the amount they took off."""
    shown = []
    for row in rows or []:
        kind = str(row.get("discount_type") or "")
        value = _amount(row.get("discount_value"))
        rate = f"{quantity(value)}%" if kind == PERCENTAGE else money(value)
        shown.append({
            "kind": kind,
            "value": rate,
            "amount": money(row.get("discount_amount")),
            "detail": row.get("detail") or row.get("promotion_code") or "",
        })
    return shown


def status_text(transaction: Transaction, status: TransactionStatus | None) -> str:
    if transaction.is_cancelled:
        return _("Cancelled")
    parts = []
    if status is not None and status.is_voided:
        parts.append(_("Voided"))
    if status is not None and status.is_refunded:
        parts.append(_("Returned"))
    return ", ".join(parts) or _("Completed")


@dataclass
class TransactionPage:
    """Everything the transaction page shows, already formatted."""

    header: list[tuple[str, str]]
    lines: list[dict[str, Any]]
    cart_discounts: list[dict[str, str]]
    taxes: list[dict[str, str]]
    payments: list[dict[str, str]]
    totals: list[tuple[str, str]]
    receipt_text: str
    status: str
    can_void: bool = False
    can_return: bool = False
    related: list[dict[str, Any]] = field(default_factory=list)


def transaction_page(transaction: Transaction, status: TransactionStatus | None) -> TransactionPage:
    document = transaction.document
    sales = document.get("sales") or {}
    staff = document.get("staff") or {}
    user = document.get("user") or {}
    header = [
        (_("Store"), " ".join(filter(None, [transaction.store_code, document.get("store_name")]))),
        (_("Terminal"), str(transaction.terminal_no)),
        (_("Transaction no."), str(transaction.transaction_no)),
        (_("Receipt no."), str(transaction.receipt_no)),
        (pgettext("transaction", "Type"),
         transaction_type_name(transaction.transaction_type, is_cancelled=transaction.is_cancelled)),
        (_("Status"), status_text(transaction, status)),
        (_("Business date"), business_date_shown(transaction.business_date)),
        (_("Date and time"), generated_shown(document.get("generate_date_time"))),
        (_("Session (open counter)"), "" if transaction.open_counter is None else str(transaction.open_counter)),
        (_("Staff"), " ".join(filter(None, [staff.get("id"), staff.get("name")]))),
    ]
    if user.get("id") or user.get("name"):
        header.append((_("User"), " ".join(filter(None, [user.get("id"), user.get("name")]))))
    lines = []
    for line in document.get("line_items") or []:
        unit_price = _amount(line.get("unit_price"))
        original = _amount(line.get("unit_price_original"))
        lines.append({
            "line_no": line.get("line_no"),
            "item_code": line.get("item_code") or "",
            "description": line.get("description") or "",
            "quantity": quantity(line.get("quantity")),
            "unit_price": money(unit_price),
            "unit_price_original": money(original) if line.get("is_unit_price_changed") else "",
            "discounts": _discounts(line.get("discounts")),
            "amount": money(line.get("amount")),
            "tax_code": line.get("tax_code") or "",
            "is_cancelled": bool(line.get("is_cancelled")),
        })
    taxes = [{
        "name": " ".join(filter(None, [tax.get("tax_code"), tax.get("tax_name")])),
        "type": tax.get("tax_type") or "",
        "target": money(tax.get("target_amount")),
        "amount": money(tax.get("tax_amount")),
    } for tax in document.get("taxes") or []]
    payments = [{
        "code": payment.get("payment_code") or "",
        "name": payment.get("description") or "",
        "deposit": money(payment.get("deposit_amount")),
        "amount": money(payment.get("amount")),
        "detail": payment.get("detail") or "",
    } for payment in document.get("payments") or []]
    totals = [
        (_("Total quantity"), quantity(sales.get("total_quantity"))),
        (_("Total before tax"), money(sales.get("total_amount"))),
        (_("Tax"), money(sales.get("tax_amount"))),
        (_("Discounts"), money(sales.get("total_discount_amount"))),
        (_("Total with tax"), money(sales.get("total_amount_with_tax"))),
        (pgettext("money handed back", "Change"), money(sales.get("change_amount"))),
    ]
    if sales.get("is_stamp_duty_applied"):
        totals.append((_("Stamp duty"), money(sales.get("stamp_duty_amount"))))
    is_voided = bool(status and status.is_voided)
    is_returned = bool(status and status.is_refunded)
    return TransactionPage(
        header=header, lines=lines, cart_discounts=_discounts(document.get("subtotal_discounts")), taxes=taxes,
        payments=payments, totals=totals, receipt_text=document.get("journal_text") or "",
        status=status_text(transaction, status),
        can_void=(transaction.transaction_type in VOIDABLE_TYPES and not transaction.is_cancelled
                  and not is_voided and not (is_returned and transaction.transaction_type == 101)),
        can_return=(transaction.transaction_type in RETURNABLE_TYPES and not transaction.is_cancelled
                    and not is_voided and not is_returned),
    )


def related_row(transaction: Transaction, relation: str) -> dict[str, Any]:
    return {
        "relation": relation,
        "pk": transaction.pk,
        "label": _("%(type)s, terminal %(terminal)s, transaction %(number)s, receipt %(receipt)s") % {
            "type": transaction_type_name(transaction.transaction_type, is_cancelled=transaction.is_cancelled),
            "terminal": transaction.terminal_no, "number": transaction.transaction_no,
            "receipt": transaction.receipt_no,
        },
        "when": generated_shown(transaction.document.get("generate_date_time")),
    }


# --- CSV export ------------------------------------------------------------------------------------------------
CSV_HEADERS = [
    "date_time", "store_code", "terminal_no", "transaction_no", "receipt_no", "business_date", "transaction_type",
    "type_name", "status", "staff_id", "staff_name", "total_quantity", "total_amount", "tax_amount",
    "total_amount_with_tax", "payments", "items",
]


def csv_row(row: Transaction, *, status: str) -> list:
    """One CSV row of a transaction read ``with_export_parts``: payments as ``01 475; 11 200``, items as
    ``49-01 x2; 49-02 x1`` (cancelled lines left out)."""
    parts = row.parts or {}
    sales = parts.get("sales") or {}
    staff = parts.get("staff") or {}
    payments = "; ".join(f"{p.get('payment_code')} {plain(p.get('amount'))}" for p in parts.get("payments") or [])
    items = "; ".join(f"{line.get('item_code')} x{line.get('quantity')}"
                      for line in parts.get("line_items") or [] if not line.get("is_cancelled"))
    return [
        parts.get("generate_date_time") or "", row.store_code, row.terminal_no, row.transaction_no, row.receipt_no,
        row.business_date, row.transaction_type,
        transaction_type_name(row.transaction_type, is_cancelled=row.is_cancelled), status,
        staff.get("id") or "", staff.get("name") or "", sales.get("total_quantity") or 0,
        plain(sales.get("total_amount")), plain(sales.get("tax_amount")), plain(row.total_amount_with_tax),
        payments, items,
    ]


# --- the Void / Return form ------------------------------------------------------------------------------------
def original_payments(transaction: Transaction) -> list[tuple[str, Decimal]]:
    """The original's payments, summed per payment code (net, after change), in the order first paid: what a
    void must refund, and what a return refunds unless the manager chooses otherwise."""
    paid: OrderedDict[str, Decimal] = OrderedDict()
    for payment in transaction.document.get("payments") or []:
        code = payment.get("payment_code") or ""
        paid[code] = paid.get(code, Decimal(0)) + _amount(payment.get("amount"))
    return list(paid.items())


class RefundPaymentForm(forms.Form):
    payment_code = forms.ChoiceField(label=gettext_lazy("Payment method"), required=False)
    amount = forms.IntegerField(label=gettext_lazy("Amount"), required=False, min_value=0, max_value=INT32.maximum)
    detail = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=200)

    def __init__(self, *args, payment_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_code"].choices = [("", "---------"), *payment_choices]
        self.fields["amount"].widget.attrs.update({"inputmode": "numeric", "class": "refund-amount"})

    def clean(self):
        data = super().clean()
        if data.get("payment_code") and data.get("amount") is None:
            self.add_error("amount", _("Enter the amount refunded with this payment method."))
        if data.get("amount") and not data.get("payment_code"):
            self.add_error("payment_code", _("Choose the payment method of this amount."))
        return data


class BaseRefundFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.refund_payments():
            raise ValidationError(_("Enter at least one refund payment."))

    def refund_payments(self) -> list[RefundPayment]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("payment_code"):
                rows.append(RefundPayment(data["payment_code"], Decimal(data["amount"]), data.get("detail") or None))
        return rows


def refund_formset(transaction: Transaction, payment_choices, data=None) -> forms.BaseFormSet:
    """The refund rows: the original's payments first (what a void must refund), then one empty row."""
    initial = [{"payment_code": code, "amount": int(amount) if amount == int(amount) else amount}
               for code, amount in original_payments(transaction)]
    formset_class = formset_factory(RefundPaymentForm, formset=BaseRefundFormSet, extra=1, max_num=10,
                                    validate_max=True)
    # a posted form is read as posted: with ``initial``, a row equal to it would count as unchanged and be skipped
    return formset_class(data=data, initial=None if data is not None else initial, prefix="refund",
                         form_kwargs={"payment_choices": payment_choices})


class ReturnTerminalForm(forms.Form):
    terminal_no = forms.TypedChoiceField(label=gettext_lazy("At terminal"), coerce=int)

    def __init__(self, *args, terminal_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["terminal_no"].choices = list(terminal_choices)


# --- refusals ----------------------------------------------------------------------------------------------------
def refusal_message(error: KugelposError) -> str:
    """A service's refusal as the manager reads it: what is wrong in words, then the service's own detail."""
    code = error.error_code
    reasons = {
        "403005": _("This transaction has already been voided."),
        "403006": _("This transaction has already been returned."),
        "404001": _("The terminal is not open."),
        "100001": _("Not found."),
        "300001": _("The refund does not match the transaction."),
        "300004": _("Not allowed in the current state."),
    }
    reason = reasons.get(code, _("The action was refused."))
    return _("%(reason)s (%(code)s: %(detail)s) Nothing was changed.") % {
        "reason": reason, "code": code, "detail": error.message}
