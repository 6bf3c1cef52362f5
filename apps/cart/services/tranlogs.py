"""Transaction logs (spec/30 §9-§11): creation at bill/cancel, void and return, status tracking, numbering.

A tranlog, its numbers, the void/return status and the outbox event are written in the caller's transaction.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from apps.cart import calculations as calc
from apps.cart.context import TerminalContext
from apps.cart.document import CartDocument, discount_payload, money_text, sales_payload
from apps.cart.errors import CartError
from apps.cart.models import Transaction, TransactionStatus
from apps.cart.receipts import render_tranlog
from apps.core import events
from apps.core.errors import InvalidRequestDataError, KugelposError, NotFoundError
from apps.core.formats import app_now, iso_app
from apps.masterdata import selectors as masterdata

from .numbering import counters_next


def _num(value: Any) -> str:
    return money_text(Decimal(value or 0))


# --- settings (spec/30 §12.1) -------------------------------------------------------------------------------
TRANLOG_SETTINGS = (
    "RECEIPT_NO_START_VALUE",
    "RECEIPT_NO_END_VALUE",
    "INVOICE_REGISTRATION_NUMBER",
    "RECEIPT_HEADERS",
    "RECEIPT_FOOTERS",
)
APP_DEFAULTS = {
    "RECEIPT_NO_START_VALUE": lambda: settings.RECEIPT_NO_START_VALUE,
    "RECEIPT_NO_END_VALUE": lambda: settings.RECEIPT_NO_END_VALUE,
}


def tranlog_settings(*, snapshot: dict[str, Any] | None, store_code: str, terminal_no: int,
                     cache_version: int | None = None) -> dict[str, Any]:
    """The settings a tranlog needs: the cart's snapshot, else the current resolved value (one query for all
    missing names), else the app default."""
    values = dict(snapshot or {})
    missing = [name for name in TRANLOG_SETTINGS if name not in values]
    if missing:
        values.update(masterdata.setting_values_get(names=missing, store_code=store_code, terminal_no=terminal_no,
                                                    cache_version=cache_version))
    for name, default in APP_DEFAULTS.items():
        if values.get(name) is None:
            values[name] = default()
    return values


def _int_setting(values: dict[str, Any], name: str) -> int:
    try:
        return int(str(values.get(name)).strip().strip('"'))
    except (TypeError, ValueError):
        return int(APP_DEFAULTS[name]())


def _text_entries(raw: Any) -> list[dict[str, str]]:
    """RECEIPT_HEADERS / RECEIPT_FOOTERS: a list, JSON text or a Python-literal list of ``{text, align}``."""
    if isinstance(raw, str):
        for parse in (json.loads, ast.literal_eval):
            try:
                raw = parse(raw)
                break
            except (ValueError, SyntaxError):
                continue
    if isinstance(raw, str):  # JSON-normalised settings can hold a JSON string of a list
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    if not isinstance(raw, list):
        return []
    entries = []
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            continue
        align = entry.get("align")
        entries.append({"text": entry["text"], "align": align if align in ("left", "center", "right") else "left"})
    return entries


def additional_info(values: dict[str, Any]) -> dict[str, Any]:
    """``additional_info`` of a tranlog (spec/30 §9.3) from its resolved settings."""
    info: dict[str, Any] = {}
    number = values.get("INVOICE_REGISTRATION_NUMBER")
    if isinstance(number, str):
        info["invoice_registration_number"] = number.strip('"')
    for name, key in (("RECEIPT_HEADERS", "receipt_headers"), ("RECEIPT_FOOTERS", "receipt_footers")):
        entries = _text_entries(values.get(name))
        if entries:
            info[key] = entries
    return info


# --- payload ------------------------------------------------------------------------------------------------
def _line_payload(line) -> dict[str, Any]:
    return {
        "line_no": line.line_no,
        "item_code": line.item_code,
        "category_code": line.category_code,
        "description": line.description,
        "description_short": None,
        "unit_price": _num(line.unit_price),
        "unit_price_original": _num(line.unit_price_original),
        "is_unit_price_changed": line.is_unit_price_changed,
        "quantity": line.quantity,
        "discounts": [discount_payload(d) for d in line.discounts],
        "discounts_allocated": [discount_payload(d) for d in line.discounts_allocated],
        "amount": _num(line.amount),
        "tax_code": line.tax_code,
        "is_cancelled": line.is_cancelled,
    }


def _cart_payload(document: CartDocument) -> dict[str, Any]:
    return {
        "user": document.user,
        "sales": sales_payload(document.sales),
        "line_items": [_line_payload(line) for line in document.line_items],
        "payments": [
            {"payment_no": p.payment_no, "payment_code": p.payment_code, "deposit_amount": _num(p.deposit_amount),
             "amount": _num(p.amount), "description": p.description, "detail": p.detail}
            for p in document.payments
        ],
        "taxes": [
            {"tax_no": t.tax_no, "tax_code": t.tax_code, "tax_type": t.tax_type, "tax_name": t.tax_name,
             "tax_amount": _num(t.tax_amount), "target_amount": _num(t.target_amount),
             "target_quantity": t.target_quantity}
            for t in document.taxes
        ],
        "subtotal_discounts": [discount_payload(d) for d in document.subtotal_discounts],
    }


@dataclass(frozen=True)
class Numbers:
    transaction_no: int
    receipt_no: int


def _numbers(terminal_id: str, *, receipt_start: int, receipt_end: int | None) -> Numbers:
    values = counters_next(terminal_id=terminal_id, counters=[
        ("Transaction", 1, None), ("Receipt", receipt_start, receipt_end),
    ])
    return Numbers(values["Transaction"], values["Receipt"])


def _persist(tranlog: dict[str, Any], *, cart_id: str | None = None) -> Transaction:
    """Render the receipt, store the tranlog and write its outbox event (one transaction, the caller's)."""
    try:
        tranlog["receipt_text"], tranlog["journal_text"] = render_tranlog(tranlog)
    except Exception as exc:  # noqa: BLE001 - spec/30 §9.5: receipt rendering failure is 404004
        raise KugelposError(f"Failed to render the receipt: {exc}", code="404004", status=500) from exc
    record = events.event_publish(event_type="tranlog", payload=tranlog)
    generated = datetime.fromisoformat(tranlog["generate_date_time"])
    return Transaction.objects.create(
        store_code=tranlog["store_code"],
        terminal_no=tranlog["terminal_no"],
        transaction_no=tranlog["transaction_no"],
        transaction_type=tranlog["transaction_type"],
        receipt_no=tranlog["receipt_no"],
        business_date=tranlog["business_date"] or "",
        open_counter=tranlog.get("open_counter"),
        generate_date_time=generated,
        is_cancelled=bool(tranlog["sales"]["is_cancelled"]),
        total_amount_with_tax=Decimal(str(tranlog["sales"]["total_amount_with_tax"])),
        cart_id=cart_id,
        event_id=record.event_id,
        document=tranlog,
    )


def _base_fields() -> dict[str, Any]:
    return {"shard_key": None, "created_at": None, "updated_at": None, "etag": None}


def tranlog_create_from_cart(*, document: CartDocument, context: TerminalContext) -> Transaction:
    """Bill or cancel: number, stamp-duty, render and store the tranlog; copy its results onto the cart."""
    values = tranlog_settings(snapshot=document.settings, store_code=document.store_code,
                              terminal_no=document.terminal_no, cache_version=context.cache_version)
    numbers = _numbers(
        context.terminal_id,
        receipt_start=_int_setting(values, "RECEIPT_NO_START_VALUE"),
        receipt_end=_int_setting(values, "RECEIPT_NO_END_VALUE"),
    )
    if not document.sales.is_cancelled:
        duty = calc.stamp_duty(
            total_amount_with_tax=document.sales.total_amount_with_tax,
            tax_amounts=[t.tax_amount for t in document.taxes],
            cash_amounts=[p.amount for p in document.payments if p.payment_code == "01"],
        )
        document.sales.is_stamp_duty_applied = duty.is_applied
        document.sales.stamp_duty_target_amount = duty.target_amount
        document.sales.stamp_duty_amount = duty.amount
    tranlog = {
        **_base_fields(),
        "tenant_id": document.tenant_id,
        "store_code": document.store_code,
        "store_name": document.store_name,
        "terminal_no": document.terminal_no,
        "transaction_no": numbers.transaction_no,
        "transaction_type": document.transaction_type,
        "business_date": document.business_date,
        "open_counter": context.open_counter,
        "business_counter": context.business_counter,
        "generate_date_time": iso_app(app_now()),
        "receipt_no": numbers.receipt_no,
        **_cart_payload(document),
        "origin": None,
        "staff": context.staff,
        "additional_info": additional_info(values),
        "is_voided": False,
        "is_refunded": False,
    }
    stored = _persist(tranlog, cart_id=document.cart_id)
    document.transaction_no = numbers.transaction_no
    document.receipt_no = numbers.receipt_no
    document.staff = context.staff
    document.generate_date_time = tranlog["generate_date_time"]
    document.receipt_text = tranlog["receipt_text"]
    document.journal_text = tranlog["journal_text"]
    return stored


# --- void and return (spec/30 §10.3-10.5) -------------------------------------------------------------------
@dataclass(frozen=True)
class RefundPayment:
    payment_code: str
    amount: Decimal
    detail: str | None = None


def _original(store_code: str, terminal_no: int, transaction_no: int) -> Transaction:
    original = Transaction.objects.filter(
        store_code=store_code, terminal_no=terminal_no, transaction_no=transaction_no
    ).first()
    if original is None:
        raise NotFoundError(
            f"Transaction not found: store_code->{store_code}, terminal_no->{terminal_no}, "
            f"transaction_no->{transaction_no}"
        )
    return original


def _locked_status(original: Transaction) -> TransactionStatus:
    status, _ = TransactionStatus.objects.get_or_create(
        store_code=original.store_code, terminal_no=original.terminal_no, transaction_no=original.transaction_no
    )
    return TransactionStatus.objects.select_for_update().get(pk=status.pk)


def _refund_payments(payments: Sequence[RefundPayment]) -> list[dict[str, Any]]:
    result = []
    for number, payment in enumerate(payments, start=1):
        method = masterdata.payment_method_get(payment_code=payment.payment_code)
        if method is None:
            raise NotFoundError(f"Payment method not found: payment_code->{payment.payment_code}")
        gives_change = bool(getattr(method, "can_deposit_over", False) and getattr(method, "can_change", False))
        result.append({
            "payment_no": number,
            "payment_code": payment.payment_code,
            "deposit_amount": money_text(payment.amount) if gives_change else "0",
            "amount": money_text(payment.amount),
            "description": method.description,
            "detail": payment.detail,
        })
    return result


def _check_total(original: Transaction, payments: Sequence[RefundPayment]) -> None:
    total = sum((p.amount for p in payments), Decimal(0))
    if total != original.total_amount_with_tax:
        raise InvalidRequestDataError(
            f"Total payment amount {total} does not match the transaction total "
            f"{original.total_amount_with_tax}",
            status=400,
        )


def _copy_as(original: Transaction, *, new_type: int, context: TerminalContext, payments: list[dict],
             terminal_no: int) -> Transaction:
    numbers = _numbers(context.terminal_id, receipt_start=1, receipt_end=None)
    source = original.document
    now = iso_app(app_now())
    tranlog = {
        **_base_fields(),
        **{key: source[key] for key in ("tenant_id", "store_code", "store_name", "user", "line_items", "taxes",
                                        "subtotal_discounts", "staff", "additional_info")},
        "terminal_no": terminal_no,
        "transaction_no": numbers.transaction_no,
        "transaction_type": new_type,
        "business_date": context.business_date,
        "open_counter": context.open_counter,
        "business_counter": context.business_counter,
        "generate_date_time": now,
        "receipt_no": numbers.receipt_no,
        "sales": {**source["sales"], "reference_date_time": now, "change_amount": "0"},
        "payments": payments,
        "origin": {
            "generate_date_time": source["generate_date_time"],
            "tenant_id": source["tenant_id"],
            "store_code": source["store_code"],
            "store_name": source.get("store_name"),
            "terminal_no": source["terminal_no"],
            "transaction_no": source["transaction_no"],
            "transaction_type": source["transaction_type"],
            "receipt_no": source["receipt_no"],
        },
        "is_voided": False,
        "is_refunded": False,
    }
    return _persist(tranlog)


def _check_path(context: TerminalContext, tenant_id: str, store_code: str, terminal_no: int | None) -> None:
    if tenant_id != context.tenant_id or store_code != context.store_code or (
        terminal_no is not None and terminal_no != context.terminal_no
    ):
        raise KugelposError(
            f"Path does not match the terminal: tenant_id->{tenant_id}, store_code->{store_code}, "
            f"terminal_no->{terminal_no}",
            code="300001",
            status=422,
        )


@transaction.atomic
def transaction_void(*, context: TerminalContext, tenant_id: str, store_code: str, terminal_no: int,
                     transaction_no: int, payments: Sequence[RefundPayment]) -> Transaction:
    """Void a sale (101 -> 201) or a return (102 -> 202), by the terminal that owns it."""
    _check_path(context, tenant_id, store_code, terminal_no)
    original = _original(store_code, terminal_no, transaction_no)
    status = _locked_status(original)
    if status.is_voided:
        raise CartError(f"Transaction has already been voided: transaction_no->{transaction_no}",
                        code="403005", status=400)
    if status.is_refunded and original.transaction_type == 101:
        raise CartError(f"Transaction has already been refunded: transaction_no->{transaction_no}",
                        code="403006", status=400)
    paid: dict[str, Decimal] = {}
    for payment in original.document.get("payments") or []:
        paid[payment["payment_code"]] = paid.get(payment["payment_code"], Decimal(0)) + Decimal(str(payment["amount"]))
    for payment in payments:
        if payment.payment_code not in paid or payment.amount != paid[payment.payment_code]:
            raise InvalidRequestDataError(
                f"Payment {payment.payment_code} {payment.amount} does not match the original payments", status=400
            )
    refund = _refund_payments(payments)
    _check_total(original, payments)
    new_type = {101: 201, 102: 202}.get(original.transaction_type)
    if new_type is None:
        raise InvalidRequestDataError(
            f"Transaction type {original.transaction_type} cannot be voided", status=400
        )
    voided = _copy_as(original, new_type=new_type, context=context, payments=refund, terminal_no=terminal_no)
    status.is_voided = True
    status.void_transaction_no = voided.transaction_no
    status.void_date_time = voided.document["generate_date_time"]
    status.void_staff_id = (voided.document.get("staff") or {}).get("id")
    status.save()
    if original.transaction_type == 102 and original.document.get("origin"):
        origin = original.document["origin"]
        TransactionStatus.objects.filter(
            store_code=origin["store_code"], terminal_no=origin["terminal_no"],
            transaction_no=origin["transaction_no"],
        ).update(is_refunded=False, return_transaction_no=None, return_date_time=None, return_staff_id=None)
    return voided


@transaction.atomic
def transaction_return(*, context: TerminalContext, tenant_id: str, store_code: str, terminal_no: int,
                       transaction_no: int, payments: Sequence[RefundPayment]) -> Transaction:
    """Return a sale (101 -> 102) from any terminal of its store; numbered by the returning terminal."""
    _check_path(context, tenant_id, store_code, None)
    original = _original(store_code, terminal_no, transaction_no)
    status = _locked_status(original)
    if status.is_refunded:
        raise CartError(f"Transaction has already been refunded: transaction_no->{transaction_no}",
                        code="403006", status=400)
    if status.is_voided:
        raise CartError(f"Transaction has already been voided: transaction_no->{transaction_no}",
                        code="403005", status=400)
    if original.transaction_type != 101:
        raise InvalidRequestDataError(
            f"Transaction type {original.transaction_type} cannot be returned", status=400
        )
    refund = _refund_payments(payments)
    _check_total(original, payments)
    returned = _copy_as(original, new_type=102, context=context, payments=refund, terminal_no=context.terminal_no)
    status.is_refunded = True
    status.return_transaction_no = returned.transaction_no
    status.return_date_time = returned.document["generate_date_time"]
    status.return_staff_id = (returned.document.get("staff") or {}).get("id")
    status.save()
    return returned


# --- statistics for the terminal's close log ----------------------------------------------------------------
def close_statistics(tenant_id: str, store_code: str, terminal_no: int, business_date: str | None,
                     open_counter: int | None) -> tuple[int, int | None]:
    """Transactions of one session, all types, cancelled included; the number of the latest by time."""
    session = Transaction.objects.filter(
        store_code=store_code, terminal_no=terminal_no, business_date=business_date or "", open_counter=open_counter
    )
    latest = session.order_by("-generate_date_time", "-transaction_no").values_list("transaction_no", flat=True)
    return session.count(), latest.first()
