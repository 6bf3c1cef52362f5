"""Reads of transaction logs for the transaction endpoints (spec/30 §10.1-10.2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from apps.core.paging import Paging, paginate

from .models import Transaction, TransactionStatus

SORT_FIELDS = {
    "transaction_no", "business_date", "generate_date_time", "receipt_no", "transaction_type", "open_counter",
    "terminal_no", "store_code",
}


@dataclass(frozen=True)
class TransactionFilter:
    store_code: str
    terminal_no: int
    business_date: str | None = None
    open_counter: int | None = None
    transaction_types: tuple[int, ...] = ()
    receipt_no: int | None = None
    include_cancelled: bool = False

    def as_metadata(self, tenant_id: str) -> dict:
        echo: dict = {"tenant_id": tenant_id, "store_code": self.store_code, "terminal_no": self.terminal_no}
        if self.business_date:
            echo["business_date"] = self.business_date
        if self.open_counter:
            echo["open_counter"] = self.open_counter
        if self.transaction_types:
            echo["transaction_type"] = {"$in": list(self.transaction_types)}
        if self.receipt_no:
            echo["receipt_no"] = self.receipt_no
        if not self.include_cancelled:
            echo["sales.is_cancelled"] = False
        return echo


@dataclass(frozen=True)
class TranStatus:
    is_voided: bool = False
    is_refunded: bool = False


def transaction_list(*, where: TransactionFilter, paging: Paging) -> tuple[list[Transaction], int]:
    query = Transaction.objects.filter(store_code=where.store_code, terminal_no=where.terminal_no)
    if where.business_date:
        query = query.filter(business_date=where.business_date)
    if where.open_counter:
        query = query.filter(open_counter=where.open_counter)
    if where.transaction_types:
        query = query.filter(transaction_type__in=where.transaction_types)
    if where.receipt_no:
        query = query.filter(receipt_no=where.receipt_no)
    if not where.include_cancelled:
        query = query.filter(is_cancelled=False)
    return paginate(query, paging)


def transaction_get(*, store_code: str, terminal_no: int, transaction_no: int) -> Transaction | None:
    return Transaction.objects.filter(
        store_code=store_code, terminal_no=terminal_no, transaction_no=transaction_no
    ).first()


def transaction_statuses(*, store_code: str, terminal_no: int,
                         transaction_nos: Sequence[int]) -> dict[int, TranStatus]:
    """Void/return flags keyed by transaction number, for the requesting terminal's store/terminal (Kugelpos)."""
    if not transaction_nos:
        return {}
    rows = TransactionStatus.objects.filter(
        Q(store_code=store_code, terminal_no=terminal_no, transaction_no__in=list(transaction_nos))
    ).values_list("transaction_no", "is_voided", "is_refunded")
    return {number: TranStatus(voided, refunded) for number, voided, refunded in rows}
