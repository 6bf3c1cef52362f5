"""Reads of reconciliation (issue #24): every ledger of one store-day, one aggregate query each, never one per
transaction, as the plain data of ``apps.report.reconciliation``; and the stored results of the daily run.

The reads run in one REPEATABLE READ snapshot (when not already inside a transaction), so the outbox, the cart
and the copies are seen at one instant: a sale delivered between two reads can never look missing.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum

from apps.core.events import undelivered_logs
from apps.core.formats import iso_app
from apps.core.ledgers import sales_ledger
from apps.journal.models import JournalEntry  # the journal has no selector for this (its app is another helper's)
from apps.stock.selectors import sale_movements
from apps.terminal.selectors import cash_log_ledger

from .models import ReportCashLog, ReportTranlog, ReportTranlogPayment, StoreReconciliation
from .reconciliation import Entry, StockMove, StoreDay, Undelivered

TRANLOG_JOURNAL_TYPES = (101, -101, 102, 201, 202)
CASH_JOURNAL_TYPES = (401, 402)


def store_day_load(*, tenant_id: str, store_code: str, business_date: str, terminal_no: int | None = None) -> StoreDay:
    """Every ledger of the store-day (of one terminal, when given), read at one instant."""
    if connection.in_atomic_block:  # a caller's transaction (a test's): its own snapshot rules apply
        return _load(tenant_id, store_code, business_date, terminal_no)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _load(tenant_id, store_code, business_date, terminal_no)


def _load(tenant_id: str, store_code: str, business_date: str, terminal_no: int | None) -> StoreDay:
    scope = {"store_code": store_code, "business_date": business_date}
    if terminal_no is not None:
        scope["terminal_no"] = terminal_no
    journal = list(
        JournalEntry.objects.filter(**scope, transaction_type__in=TRANLOG_JOURNAL_TYPES + CASH_JOURNAL_TYPES)
        .order_by()
        .values_list("terminal_no", "open_counter", "transaction_type", "transaction_no", "generate_date_time",
                     "amount")
    )
    copies = list(ReportTranlog.objects.filter(**scope).order_by().values_list(
        "id", "terminal_no", "open_counter", "transaction_no", "total_amount_with_tax"))
    paid = dict(ReportTranlogPayment.objects.filter(**scope).order_by().values("tranlog_id")
                .annotate(amount=Sum("amount")).values_list("tranlog_id", "amount"))
    return StoreDay(
        sales=sales_ledger(store_code=store_code, business_date=business_date, terminal_no=terminal_no),
        journal=[Entry(terminal, counter, number, amount)
                 for terminal, counter, kind, number, _, amount in journal if kind in TRANLOG_JOURNAL_TYPES],
        report_copies=[Entry(terminal, counter, number, amount) for _, terminal, counter, number, amount in copies],
        report_payments=[Entry(terminal, counter, number, paid.get(pk, Decimal(0)))
                         for pk, terminal, counter, number, _ in copies],
        stock=[StockMove(terminal, counter, int(reference), quantity, float(checksum))
               for terminal, counter, reference, quantity, checksum in sale_movements(**scope)
               if terminal is not None and reference is not None and reference.lstrip("-").isdigit()],
        cash_logs=[Entry(terminal, counter, iso_app(generated), amount)
                   for terminal, counter, generated, amount in cash_log_ledger(**scope)],
        cash_report_copies=[
            Entry(terminal, counter, generated, amount)
            for terminal, counter, generated, amount in ReportCashLog.objects.filter(**scope).order_by()
            .values_list("terminal_no", "open_counter", "generate_date_time", "amount")
        ],
        cash_journal=[Entry(terminal, counter, generated, amount)
                      for terminal, counter, kind, _, generated, amount in journal if kind in CASH_JOURNAL_TYPES],
        undelivered=[
            Undelivered(log.consumer, log.event_type, log.terminal_no,
                        log.transaction_no if log.event_type == "tranlog" else log.generate_date_time)
            for log in undelivered_logs(tenant_id=tenant_id, **scope)
        ],
    )


def latest_reconciliation(*, store_code: str) -> StoreReconciliation | None:
    """The store's most recent stored run (the home page's banner reads this row, never recomputes)."""
    return StoreReconciliation.objects.filter(store_code=store_code).order_by("-business_date").first()


def stored_reconciliation(*, store_code: str, business_date: str) -> StoreReconciliation | None:
    return StoreReconciliation.objects.filter(store_code=store_code, business_date=business_date).first()


def recent_reconciliations(*, store_code: str, limit: int = 14) -> list[StoreReconciliation]:
    return list(StoreReconciliation.objects.filter(store_code=store_code).order_by("-business_date")[:limit])
