"""From a validated log to its journal entry (spec/40 §4.3). Pure functions over plain data: no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .models import TransactionType


@dataclass(frozen=True)
class JournalEntryData:
    """The stored fields of a journal entry (spec/40 §4.2 without the constant ``journal_seq_no``/``content``)."""

    tenant_id: str
    store_code: str
    terminal_no: int
    transaction_no: int | None
    transaction_type: int
    business_date: str
    open_counter: int
    business_counter: int
    generate_date_time: str
    receipt_no: int | None
    amount: Decimal
    quantity: int
    staff_id: str | None
    user_id: str | None
    journal_text: str
    receipt_text: str


def journal_transaction_type(transaction_type: int, *, is_cancelled: bool) -> int:
    """A cancelled normal sale is filed under -101; every other tranlog keeps its type."""
    if transaction_type == TransactionType.NORMAL_SALES and is_cancelled:
        return int(TransactionType.NORMAL_SALES_CANCEL)
    return transaction_type


def cash_transaction_type(amount: Decimal) -> int:
    """401 for money put in; 402 otherwise (a zero amount counts as cash out, as in Kugelpos)."""
    return int(TransactionType.CASH_IN if amount > 0 else TransactionType.CASH_OUT)


def open_close_transaction_type(operation: str) -> int:
    return int(TransactionType.OPEN if operation == "open" else TransactionType.CLOSE)


def _person_id(person: Mapping[str, Any] | None) -> str | None:
    return person.get("id") if person else None


def _common(log: Mapping[str, Any], tenant_id: str) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "store_code": log["store_code"],
        "terminal_no": log["terminal_no"],
        "business_date": log["business_date"],
        "open_counter": log["open_counter"],
        "business_counter": log["business_counter"],
        "generate_date_time": log["generate_date_time"],
        "journal_text": log["journal_text"],
        "receipt_text": log["receipt_text"],
    }


def entry_from_tranlog(tranlog: Mapping[str, Any], *, tenant_id: str) -> JournalEntryData:
    sales = tranlog["sales"]
    return JournalEntryData(
        **_common(tranlog, tenant_id),
        transaction_no=tranlog.get("transaction_no"),
        transaction_type=journal_transaction_type(tranlog["transaction_type"], is_cancelled=sales["is_cancelled"]),
        receipt_no=tranlog.get("receipt_no"),
        amount=sales["total_amount_with_tax"],
        quantity=sales["total_quantity"],
        staff_id=_person_id(tranlog.get("staff")),
        user_id=_person_id(tranlog.get("user")),
    )


def entry_from_cashlog(cashlog: Mapping[str, Any], *, tenant_id: str) -> JournalEntryData:
    return JournalEntryData(
        **_common(cashlog, tenant_id),
        transaction_no=None,
        transaction_type=cash_transaction_type(cashlog["amount"]),
        receipt_no=None,
        amount=cashlog["amount"],
        quantity=0,
        staff_id=cashlog.get("staff_id"),
        user_id=None,
    )


def entry_from_opencloselog(log: Mapping[str, Any], *, tenant_id: str) -> JournalEntryData:
    return JournalEntryData(
        **_common(log, tenant_id),
        transaction_no=None,
        transaction_type=open_close_transaction_type(log["operation"]),
        receipt_no=None,
        amount=Decimal(0),
        quantity=0,
        staff_id=log.get("staff_id"),
        user_id=None,
    )


ENTRY_BUILDERS = {
    "tranlog": entry_from_tranlog,
    "cashlog": entry_from_cashlog,
    "opencloselog": entry_from_opencloselog,
}
