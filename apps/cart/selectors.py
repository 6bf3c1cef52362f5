"""Reads of transaction logs for the transaction endpoints (spec/30 §10.1-10.2) and for the back office's
transaction page (issue #22)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import orjson
from django.db import connection
from django.db.models import Q

from apps.core.ledgers import SaleRecord
from apps.core.paging import Paging, paginate
from apps.journal.selectors import JournalQuery, journal_queryset

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


# --- the back office's transaction page (issue #22) ----------------------------------------------------------
def transaction_status_get(original: Transaction) -> TransactionStatus | None:
    """The void/return status record of ``original`` (None while it was never voided or returned)."""
    return TransactionStatus.objects.filter(
        store_code=original.store_code, terminal_no=original.terminal_no, transaction_no=original.transaction_no
    ).first()


def transactions_referring_to(original: Transaction) -> list[Transaction]:
    """The voids and returns made of ``original``, oldest first."""
    return list(Transaction.objects.referring_to(original).order_by("generate_date_time", "pk"))


def transaction_origin_get(transaction: Transaction) -> Transaction | None:
    """The transaction a void or return was made of (its ``origin``), if it is stored."""
    origin = transaction.document.get("origin") or {}
    if not origin.get("store_code") or origin.get("transaction_no") is None:
        return None
    return Transaction.objects.filter(
        store_code=origin["store_code"], terminal_no=origin.get("terminal_no"),
        transaction_no=origin["transaction_no"],
    ).first()


def journal_entry_id(transaction: Transaction) -> int | None:
    """The id of ``transaction``'s journal entry (journal selectors), None until the journal has received it."""
    journal_type = -101 if transaction.is_cancelled and transaction.transaction_type == 101 else (
        transaction.transaction_type)
    generated = transaction.document.get("generate_date_time")
    query = JournalQuery(store_code=transaction.store_code, terminals=(transaction.terminal_no,),
                         transaction_types=(journal_type,), generate_date_time_from=generated,
                         generate_date_time_to=generated)
    return journal_queryset(query=query).order_by().values_list("pk", flat=True).first()


# One statement for a store-day: the payments' sum and the lines' (item, quantity, cancelled) are taken out of each
# document in SQL, so 10,000 transactions cost one round trip and no document is sent whole (issue #24). The document
# (TOASTed jsonb) is unpacked once per row: ``jsonb_to_record`` takes both arrays out in one pass, where each
# ``document -> ...`` would detoast and decompress it again (four times a row before).
_LEDGER_SQL = """
SELECT t.terminal_no, t.open_counter, t.transaction_no, t.transaction_type, t.is_cancelled, t.total_amount_with_tax,
       (SELECT COALESCE(SUM((p ->> 'amount')::numeric), 0)
          FROM jsonb_array_elements(CASE jsonb_typeof(d.payments) WHEN 'array' THEN d.payments
                                    ELSE '[]'::jsonb END) AS p),
       (SELECT json_agg(json_build_array(l -> 'item_code', l -> 'quantity', l -> 'is_cancelled'))::text
          FROM jsonb_array_elements(CASE jsonb_typeof(d.line_items) WHEN 'array' THEN d.line_items
                                    ELSE '[]'::jsonb END) AS l)
FROM {table} AS t CROSS JOIN LATERAL jsonb_to_record(t.document) AS d(payments jsonb, line_items jsonb)
WHERE t.store_code = %s AND t.business_date = %s {terminal}
"""


def sales_ledger(*, store_code: str, business_date: str, terminal_no: int | None = None) -> list[SaleRecord]:
    """The store-day's transactions (every type, cancelled ones too) as reconciliation compares them; registered
    with ``apps.core.ledgers`` for the report app."""
    params: list = [store_code, business_date]
    terminal = ""
    if terminal_no is not None:
        terminal, params = "AND t.terminal_no = %s", [*params, terminal_no]
    sql = _LEDGER_SQL.format(table=connection.ops.quote_name(Transaction._meta.db_table), terminal=terminal)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        SaleRecord(terminal_no, open_counter, transaction_no, transaction_type, is_cancelled, amount,
                   payments, orjson.loads(lines) if lines else [])
        for terminal_no, open_counter, transaction_no, transaction_type, is_cancelled, amount, payments, lines in rows
    ]
