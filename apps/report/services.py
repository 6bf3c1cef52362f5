"""Report service commands: log intake (the event consumers of spec/40 §2), daily verification (§3.10), the
report pipeline of §3.2 and journaling a report (§3.11).

Intake writes each log under its natural key with ``INSERT ... ON CONFLICT DO NOTHING``: the first version wins
and a repeat is a silent success, never a check-then-insert.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import DatabaseError, connection, models, transaction

from apps.core.errors import CannotCreateError, HttpError, KugelposError, RequestValidationError
from apps.core.formats import app_now, iso_app
from apps.core.paging import parse_sort

from . import calculations, selectors
from .errors import DailyInfoError, ReportGenerationError, ReportNotFoundError, TerminalNotClosedError
from .logs import CashLog, OpenCloseLog, Tranlog, parse_cashlog, parse_opencloselog, parse_tranlog
from .models import (
    DailyInfo,
    ReportCashLog,
    ReportOpenCloseLog,
    ReportTranlog,
    ReportTranlogDiscount,
    ReportTranlogLine,
    ReportTranlogPayment,
    ReportTranlogTax,
)
from .plugins import ReportRequest, report_plugin

logger = logging.getLogger(__name__)

SERVICE_NAME = "report"
FLASH_REPORT = 501
DAILY_REPORT = 502
JOURNALED_SCOPES = {"flash": FLASH_REPORT, "daily": DAILY_REPORT}
FLASH_RANGE_MESSAGE = (
    "Date range is not supported for flash reports. Flash reports are for the current session only."
)
MISSING_DATE_MESSAGE = "Either business_date or both business_date_from and business_date_to must be specified"


# --- intake ---------------------------------------------------------------------------------------------------
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


# --- daily verification (§3.10) ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionVerification:
    terminal_no: int
    open_counter: int | None
    verified: bool
    message: str


def daily_verify(
    *, store_code: str, business_date: str, terminal_no: int | None, open_counter: int | None
) -> list[SessionVerification]:
    """Check every session opened that day (one terminal, or every terminal of the store; one open counter or
    each one found) and append a daily-info row per check. Sessions already verified and terminals never opened
    pass without a row. Returns the checks made; the caller decides (any failure -> 403 ``412101``).

    The rows are committed on their own: a failed check is recorded although the request is refused.
    """
    sessions = selectors.opened_sessions(
        store_code=store_code, business_date=business_date, terminal_no=terminal_no, open_counter=open_counter
    )
    if not sessions:
        return []
    done = selectors.verified_sessions(
        store_code=store_code, business_date=business_date, terminal_nos={terminal for terminal, _ in sessions}
    )
    pending = [session for session in sessions if session not in done]
    checks = []
    for logs in selectors.session_logs(store_code=store_code, business_date=business_date, sessions=pending):
        verified, message = calculations.verify_session(logs, business_date=business_date)
        checks.append(SessionVerification(logs.terminal_no, logs.open_counter, verified, message))
    if checks:
        now = iso_app(app_now())
        try:
            with transaction.atomic():
                DailyInfo.objects.bulk_create(
                    DailyInfo(
                        store_code=store_code,
                        terminal_no=check.terminal_no,
                        business_date=business_date,
                        open_counter=check.open_counter,
                        verified=check.verified,
                        verified_update_time=now,
                        verified_message=check.message,
                    )
                    for check in checks
                )
        except DatabaseError as exc:
            logger.exception("daily info not written")
            raise DailyInfoError(f"Failed to process daily information: {exc}") from exc
    return checks


# --- the report pipeline (§3.2) -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportQuery:
    """Query parameters of ``GET .../reports`` after type validation (422 is the API layer's job)."""

    report_scope: str
    report_type: str
    business_date: str | None = None
    business_date_from: str | None = None
    business_date_to: str | None = None
    open_counter: int | None = None
    business_counter: int | None = None
    limit: int = 100
    page: int = 1
    sort: str | None = None
    terminal_id: str | None = None


@dataclass(frozen=True)
class Requester:
    """Who asked, for journaling: the terminal id given and the staff known from the credential."""

    terminal_id: str | None = None
    staff_id: str | None = None  # staff_id claim of a terminal JWT
    is_api_key: bool = False


def report_request_build(
    *, tenant_id: str, store_code: str, terminal_no: int | None, query: ReportQuery, now: datetime | None = None
) -> ReportRequest:
    """Steps 2-4 of §3.2: the flash-range and missing-date checks (400 ``100000``), ``flush`` -> ``flash``."""
    has_range = bool(query.business_date_from) and bool(query.business_date_to)
    if has_range and query.report_scope == "flash":
        raise HttpError(400, FLASH_RANGE_MESSAGE)
    if not query.business_date and not has_range:
        raise HttpError(400, MISSING_DATE_MESSAGE)
    report_scope = "flash" if query.report_scope == "flush" else query.report_scope
    scope = selectors.ReportScope(
        store_code=store_code,
        terminal_no=terminal_no,
        business_date=query.business_date or None,
        business_date_from=query.business_date_from if has_range else None,
        business_date_to=query.business_date_to if has_range else None,
        open_counter=query.open_counter,
    )
    return ReportRequest(
        tenant_id=tenant_id,
        scope=scope,
        report_scope=report_scope,
        report_type=query.report_type,
        generated_at=now or app_now(),
        business_counter=query.business_counter,
        limit=query.limit,
        page=query.page,
        sort=parse_sort(query.sort),
    )


def report_generate(*, request: ReportRequest, verify: bool = True) -> dict[str, Any]:
    """Steps 5-7 of §3.2: daily verification (single date only), plugin lookup, plugin run."""
    scope = request.scope
    if verify and request.is_daily and not scope.is_range:
        failures = [
            check
            for check in daily_verify(
                store_code=scope.store_code,
                business_date=scope.business_date,
                terminal_no=scope.terminal_no,
                open_counter=scope.open_counter,
            )
            if not check.verified
        ]
        if failures:
            raise TerminalNotClosedError(
                "Terminal is not closed, cannot generate report. "
                + "; ".join(f"terminal_no->{f.terminal_no}: {f.message}" for f in failures)
            )
    plugin = report_plugin(request.report_type)
    if plugin is None:
        raise ReportNotFoundError(f"Report not found: report_type->{request.report_type}")
    sort_fields = getattr(plugin, "sort_fields", None)
    unknown = [name for name, _ in request.sort if sort_fields is not None and name not in sort_fields]
    if unknown:
        raise RequestValidationError([(("query", "sort"), f"Unknown sort field: {unknown[0]}")])
    try:
        return plugin.generate(request)
    except KugelposError:
        raise
    except Exception as exc:  # noqa: BLE001 - any plugin failure is 500 412003 (bad range, unknown type, DB)
        logger.exception("report %s failed", request.report_type)
        raise ReportGenerationError(f"Failed to generate report: {exc}") from exc


def report_get(
    *,
    tenant_id: str,
    store_code: str,
    terminal_no: int | None,
    query: ReportQuery,
    requester: Requester | None = None,
) -> dict[str, Any]:
    """``GET .../reports`` after validation: build, verify, run the plugin, journal it when a terminal asked."""
    request = report_request_build(tenant_id=tenant_id, store_code=store_code, terminal_no=terminal_no, query=query)
    data = report_generate(request=request)
    if query.terminal_id and request.report_scope in JOURNALED_SCOPES:
        try:
            report_journal(request=request, query=query, data=data, requester=requester or Requester(query.terminal_id))
        except Exception:  # noqa: BLE001 - spec: journaling errors are logged, never returned
            logger.exception("report not journaled")
    return data


# --- journaling a report (§3.11) ------------------------------------------------------------------------------
def requesting_terminal_no(terminal_id: str, fallback: int | None) -> int:
    """Last ``-`` segment of ``{tenant}-{store}-{no}``; else the path terminal (or 0 on the store endpoint)."""
    parts = terminal_id.split("-")
    if len(parts) >= 3:
        try:
            return int(parts[-1])
        except ValueError:
            pass
    return fallback if fallback is not None else 0


def requesting_staff_id(requester: Requester) -> str:
    """Staff signed in on the requesting terminal (API key), the ``staff_id`` of a terminal JWT, else SYSTEM."""
    if requester.staff_id:
        return requester.staff_id
    if requester.is_api_key and requester.terminal_id:
        from apps.terminal.selectors import terminal_get

        terminal = terminal_get(terminal_id=requester.terminal_id)
        if terminal is not None and terminal.staff_id:
            return terminal.staff_id
    return "SYSTEM"


def report_journal(
    *, request: ReportRequest, query: ReportQuery, data: dict[str, Any], requester: Requester
) -> None:
    """File the report in the electronic journal as a 501 (flash) / 502 (daily) entry."""
    from apps.journal.mapping import JournalEntryData
    from apps.journal.services import journal_entry_store

    business_date = query.business_date or query.business_date_from
    receipt_text = data.get("receiptText", data.get("receipt_text"))
    journal_text = data.get("journalText", data.get("journal_text"))
    if not receipt_text:
        receipt_text = f"Report: {request.report_type} ({request.report_scope})\nStore: {request.scope.store_code}\n" \
            f"Date: {business_date}"
    if not journal_text:
        journal_text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    entry = JournalEntryData(
        tenant_id=request.tenant_id,
        store_code=request.scope.store_code,
        terminal_no=requesting_terminal_no(requester.terminal_id or "", request.scope.terminal_no),
        transaction_no=None,
        transaction_type=JOURNALED_SCOPES[request.report_scope],
        business_date=business_date,
        open_counter=query.open_counter or 0,
        business_counter=query.business_counter or 0,
        generate_date_time=iso_app(app_now()),
        receipt_no=0,
        amount=calculations.ZERO,
        quantity=0,
        staff_id=requesting_staff_id(requester),
        user_id=None,
        journal_text=journal_text,
        receipt_text=receipt_text,
    )
    journal_entry_store(entry=entry)
