"""Log intake (spec/40 §2): store the three consumed logs under their natural keys.

Every write is ``INSERT ... ON CONFLICT (<natural key>) DO NOTHING``, its conflict target the model's natural-key
constraint (``apps.core.sql``): the first version wins and a repeat is a silent success, never a check-then-insert;
any other unique violation raises.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import orjson
from django.db import DatabaseError, connection, models, transaction

from apps.core.errors import CannotCreateError
from apps.core.fields import decimal_text
from apps.core.sql import column, insert, insert_values

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


def _insert_or_skip(instance: models.Model, natural_key: str) -> int | None:
    """``INSERT ... ON CONFLICT (<natural_key>) DO NOTHING RETURNING id``: the new row's id, or None if its
    natural key exists."""
    fields, values = insert_values(instance)
    sql = insert(type(instance), fields, conflict=natural_key, returning=("pk",))
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    return None if row is None else row[0]


# --- a tranlog copy in one statement ------------------------------------------------------------------------
# The header is inserted (or skipped) by the first CTE; each child table takes its rows from a JSON array
# parameter (``json_to_recordset``, typed by the model's columns) joined to the header's RETURNING row, so a
# duplicate inserts nothing at all. Line rows get their ids from the line table's sequence up front (``ids``,
# numbered 1..n in line order), which is how a line discount finds its line (``line_index``) in the same
# statement. One round trip instead of five, and no model instance per row.
_ROW_KEYS = ("store_code", "terminal_no", "business_date", "open_counter", "transaction_type", "tranlog_cancelled")
_HEADER_KEYS = ("store_code", "terminal_no", "business_date", "open_counter", "transaction_type", "is_cancelled")
_LINKS = ("id", "tranlog_id", "line_id")


def _row_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns a child row takes from its JSON object (not its keys, copied from the header, nor its links)."""
    return [field for field in model._meta.concrete_fields if field.attname not in (*_ROW_KEYS, *_LINKS)]


def _child_insert(name: str, model: type[models.Model], *, line_link: bool = False) -> str:
    fields = _row_fields(model)
    links = ["id"] if model is ReportTranlogLine else []
    links += ["tranlog_id"] + (["line_id"] if line_link else [])
    link_values = {"id": "ids.id", "tranlog_id": "h.id", "line_id": "ids.id"}
    values = [*(f"h.{column(ReportTranlog, key)}" for key in _HEADER_KEYS), *(link_values[link] for link in links)]
    values += [f"r.{column(model, field.attname)}" for field in fields]
    record = [f"{column(model, field.attname)} {field.db_type(connection)}" for field in fields]
    joins = ""
    if model is ReportTranlogLine:
        record.append("n integer")
        joins = " JOIN ids ON ids.n = r.n"
    elif line_link:
        record.append("line_index integer")
        joins = " LEFT JOIN ids ON ids.n = r.line_index"
    source = (
        f"SELECT {', '.join(values)} FROM h CROSS JOIN json_to_recordset(%s::json) AS r({', '.join(record)}){joins}"
    )
    return f"{name} AS ({insert(model, (*_ROW_KEYS, *links, *(f.attname for f in fields)), source=source)})"


@functools.cache
def _tranlog_insert_sql(header_fields: tuple[str, ...]) -> str:
    header = insert(
        ReportTranlog, header_fields, conflict="report_tranlog_natural_key", returning=("id", *_HEADER_KEYS)
    )
    line_table = ReportTranlogLine._meta.db_table
    return (
        f"WITH h AS ({header}), "
        f"ids AS (SELECT nextval(pg_get_serial_sequence('{connection.ops.quote_name(line_table)}', 'id')) AS id, n "
        f"FROM h CROSS JOIN generate_series(1, %s::integer) AS n), "
        f"{_child_insert('lines', ReportTranlogLine)}, "
        f"{_child_insert('discounts', ReportTranlogDiscount, line_link=True)}, "
        f"{_child_insert('payments', ReportTranlogPayment)}, "
        f"{_child_insert('taxes', ReportTranlogTax)} "
        "SELECT id FROM h"
    )


def _json_rows(rows: list[dict[str, Any]]) -> str:
    """A JSON array of row objects; amounts go as strings, so PostgreSQL reads the exact decimal."""
    return orjson.dumps(rows, default=decimal_text).decode()


def tranlog_store(*, tranlog: Tranlog) -> bool:
    """Store a tranlog copy as header + lines, discounts, payments and taxes, in one statement. False if it was
    already stored (then nothing is written).

    Runs in the caller's transaction.
    """
    header = ReportTranlog(
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
    fields, values = insert_values(header)
    lines = [
        {
            "n": index,
            "line_no": line.line_no,
            "item_code": line.item_code,
            "category_code": line.category_code,
            "description": line.description,
            "quantity": line.quantity,
            "amount": line.amount,
            "is_cancelled": line.is_cancelled,
            "discount_amount": sum((d.discount_amount for d in line.discounts), calculations.ZERO),
            "discount_count": len(line.discounts),
            "allocated_amount": sum((d.discount_amount for d in line.discounts_allocated), calculations.ZERO),
            "allocated_count": len(line.discounts_allocated),
        }
        for index, line in enumerate(tranlog.lines, start=1)
    ]
    discounts = [
        {
            **vars(d),
            "kind": ReportTranlogDiscount.Kind.LINE.value,
            "line_index": index,
            "line_amount": line.amount,
            "line_quantity": line.quantity,
            "line_cancelled": line.is_cancelled,
        }
        for index, line in enumerate(tranlog.lines, start=1)
        for d in line.discounts
    ]
    discounts += [
        {**vars(d), "kind": ReportTranlogDiscount.Kind.SUBTOTAL.value, "line_cancelled": False}
        for d in tranlog.subtotal_discounts
    ]
    params = [
        *values,
        len(lines),
        _json_rows(lines),
        _json_rows(discounts),
        _json_rows([vars(p) for p in tranlog.payments]),
        _json_rows([vars(tax) for tax in tranlog.taxes]),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_tranlog_insert_sql(fields), params)
        return cursor.fetchone() is not None


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
            ),
            "report_cashlog_natural_key",
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
            ),
            "report_opencloselog_natural_key",
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


