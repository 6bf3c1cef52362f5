"""Log intake (spec/40 §2): store the three consumed logs under their natural keys.

Every write is ``INSERT ... ON CONFLICT DO NOTHING`` over the natural-key constraint: the first version wins and a
repeat is a silent success, never a check-then-insert.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, connection, models, transaction

from apps.core.errors import CannotCreateError

from .. import calculations
from ..logs import CashLog, OpenCloseLog, Tranlog, parse_cashlog, parse_opencloselog, parse_tranlog
from ..models import (
    ReportCashLog,
    ReportOpenCloseLog,
    ReportTranlog,
    ReportTranlogDiscount,
    ReportTranlogLine,
    ReportTranlogPayment,
    ReportTranlogTax,
)

logger = logging.getLogger(__name__)

SERVICE_NAME = "report"


def _insert_or_skip(instance: models.Model) -> int | None:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING id``: the new row's id, or None if its natural key exists."""
    meta = instance._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    return None if row is None else row[0]


def tranlog_store(*, tranlog: Tranlog) -> bool:
    """Store a tranlog copy as header + lines, discounts, payments and taxes. False if it was already stored.

    Runs in the caller's transaction.
    """
    header_id = _insert_or_skip(
        ReportTranlog(
            store_code=tranlog.store_code,
            terminal_no=tranlog.terminal_no,
            transaction_no=tranlog.transaction_no,
            transaction_type=tranlog.transaction_type,
            business_date=tranlog.business_date,
            open_counter=tranlog.open_counter,
            business_counter=tranlog.business_counter,
            generate_date_time=tranlog.generate_date_time,
            receipt_no=tranlog.receipt_no,
            is_cancelled=tranlog.is_cancelled,
            total_amount=tranlog.total_amount,
            total_amount_with_tax=tranlog.total_amount_with_tax,
            tax_amount=tranlog.tax_amount,
            total_quantity=tranlog.total_quantity,
            total_discount_amount=tranlog.total_discount_amount,
            staff_id=tranlog.staff_id,
            event_id=tranlog.event_id,
            payload=tranlog.payload,
        )
    )
    if header_id is None:
        return False
    keys = {
        "tranlog_id": header_id,
        "store_code": tranlog.store_code,
        "terminal_no": tranlog.terminal_no,
        "business_date": tranlog.business_date,
        "open_counter": tranlog.open_counter,
        "transaction_type": tranlog.transaction_type,
        "tranlog_cancelled": tranlog.is_cancelled,
    }
    lines = ReportTranlogLine.objects.bulk_create(
        ReportTranlogLine(
            **keys,
            line_no=line.line_no,
            item_code=line.item_code,
            category_code=line.category_code,
            description=line.description,
            quantity=line.quantity,
            amount=line.amount,
            is_cancelled=line.is_cancelled,
            discount_amount=sum((d.discount_amount for d in line.discounts), calculations.ZERO),
            discount_count=len(line.discounts),
            allocated_amount=sum((d.discount_amount for d in line.discounts_allocated), calculations.ZERO),
            allocated_count=len(line.discounts_allocated),
        )
        for line in tranlog.lines
    )
    discounts = [
        ReportTranlogDiscount(
            **keys,
            **vars(d),
            kind=ReportTranlogDiscount.Kind.LINE,
            line=row,
            line_amount=line.amount,
            line_quantity=line.quantity,
            line_cancelled=line.is_cancelled,
        )
        for row, line in zip(lines, tranlog.lines, strict=True)
        for d in line.discounts
    ]
    discounts += [
        ReportTranlogDiscount(**keys, **vars(d), kind=ReportTranlogDiscount.Kind.SUBTOTAL)
        for d in tranlog.subtotal_discounts
    ]
    if discounts:
        ReportTranlogDiscount.objects.bulk_create(discounts)
    if tranlog.payments:
        ReportTranlogPayment.objects.bulk_create(ReportTranlogPayment(**keys, **vars(p)) for p in tranlog.payments)
    if tranlog.taxes:
        ReportTranlogTax.objects.bulk_create(ReportTranlogTax(**keys, **vars(tax)) for tax in tranlog.taxes)
    return True


def cashlog_store(*, log: CashLog) -> bool:
    """Store a cash-log copy; False if one with the same natural key exists (the first version wins)."""
    return (
        _insert_or_skip(
            ReportCashLog(
                store_code=log.store_code,
                terminal_no=log.terminal_no,
                business_date=log.business_date,
                open_counter=log.open_counter,
                business_counter=log.business_counter,
                generate_date_time=log.generate_date_time,
                amount=log.amount,
                description=log.description,
                staff_id=log.staff_id,
                event_id=log.event_id,
                payload=log.payload,
            )
        )
        is not None
    )


def opencloselog_store(*, log: OpenCloseLog) -> bool:
    """Store an open/close-log copy; False if one with the same natural key exists."""
    return (
        _insert_or_skip(
            ReportOpenCloseLog(
                store_code=log.store_code,
                terminal_no=log.terminal_no,
                business_date=log.business_date,
                open_counter=log.open_counter,
                business_counter=log.business_counter,
                operation=log.operation,
                generate_date_time=log.generate_date_time,
                staff_id=log.staff_id,
                initial_amount=log.initial_amount,
                physical_amount=log.physical_amount,
                cart_transaction_count=log.cart_transaction_count,
                cart_transaction_last_no=log.cart_transaction_last_no,
                cash_in_out_count=log.cash_in_out_count,
                cash_in_out_last_datetime=log.cash_in_out_last_datetime,
                event_id=log.event_id,
                payload=log.payload,
            )
        )
        is not None
    )


def _is_probe(payload: dict[str, Any]) -> bool:
    return isinstance(payload, dict) and payload.get("test") == "health-check"


# Consumers, registered in ReportConfig.ready and run by apps.core.events.event_consume (tenant schema, one
# transaction with the processed marker). A parse error raises: the delivery is recorded as failed.
def report_consume_tranlog(payload: dict[str, Any]) -> None:
    """Consumer of the transaction log."""
    if not _is_probe(payload):
        tranlog_store(tranlog=parse_tranlog(payload))


def report_consume_cashlog(payload: dict[str, Any]) -> None:
    """Consumer of the cash log."""
    if not _is_probe(payload):
        cashlog_store(log=parse_cashlog(payload))


def report_consume_opencloselog(payload: dict[str, Any]) -> None:
    """Consumer of the open/close log."""
    if not _is_probe(payload):
        opencloselog_store(log=parse_opencloselog(payload))


def tranlog_receive(*, tranlog: Tranlog) -> bool:
    """Direct receive (spec/40 §2.5): the consumer's storage without event bookkeeping; duplicates accepted.

    A storage failure is 400 ``500002``.
    """
    try:
        with transaction.atomic():
            return tranlog_store(tranlog=tranlog)
    except DatabaseError as exc:
        logger.exception("tranlog copy not stored")
        raise CannotCreateError(
            f"Failed to store transaction: store_code->{tranlog.store_code}, terminal_no->{tranlog.terminal_no}, "
            f"transaction_no->{tranlog.transaction_no}"
        ) from exc


