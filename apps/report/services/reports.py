"""The report pipeline of spec/40 §3.2 (checks, daily verification, plugin) and journaling a report (§3.11)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apps.core.errors import HttpError, KugelposError, RequestValidationError
from apps.core.formats import app_now, iso_app
from apps.core.paging import parse_sort
from apps.core.replica import replica_reads

from .. import calculations, selectors
from ..errors import ReportGenerationError, ReportNotFoundError, TerminalNotClosedError
from ..plugins import ReportRequest, report_plugin
from .daily import daily_verify

logger = logging.getLogger(__name__)

FLASH_REPORT = 501
DAILY_REPORT = 502
JOURNALED_SCOPES = {"flash": FLASH_REPORT, "daily": DAILY_REPORT}
FLASH_RANGE_MESSAGE = (
    "Date range is not supported for flash reports. Flash reports are for the current session only."
)
MISSING_DATE_MESSAGE = "Either business_date or both business_date_from and business_date_to must be specified"


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
                + "; ".join(f"terminal_no->{f.terminal_no}: {f.message}" for f in failures),
                terminal_nos=tuple(sorted({f.terminal_no for f in failures})),
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


@replica_reads()
def report_generate_lag_tolerant(*, request: ReportRequest, verify: bool = True) -> dict[str, Any]:
    """``report_generate`` on the read replica when there is one and it is current enough (issue #26): a report
    may lag a little."""
    return report_generate(request=request, verify=verify)


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
    data = report_generate_lag_tolerant(request=request)  # its journal entry below is written as ever
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
