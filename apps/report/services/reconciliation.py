"""Reconciliation commands (issue #24, ours): compare a store-day's ledgers (the endpoint), and record the result
(the daily beat run and the back office's "Reconcile now"): a mismatch is logged and counted in Prometheus.
"""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from apps.core import metrics
from apps.core.errors import RequestValidationError
from apps.core.formats import app_now, iso_app, money
from apps.terminal.selectors import store_list

from ..models import StoreReconciliation
from ..reconciliation import MISMATCH, PENDING, LedgerResult, Result, reconcile
from ..reconciliation_selectors import store_day_load

logger = logging.getLogger(__name__)
BUSINESS_DATE = re.compile(r"^\d{8}$")


def check_business_date(value: str | None) -> str:
    """A real ``YYYYMMDD`` date, else 422 (``business_date`` is required)."""
    if value is None or value == "":
        raise RequestValidationError([(("query", "business_date"), "Field required")])
    try:
        if not BUSINESS_DATE.match(value):
            raise ValueError(value)
        datetime.strptime(value, "%Y%m%d")
    except ValueError as exc:
        message = "Business date must be a date as YYYYMMDD"
        raise RequestValidationError([(("query", "business_date"), message)]) from exc
    return value


def reconciliation_compute(
    *, tenant_id: str, store_code: str, business_date: str, terminal_no: int | None = None
) -> Result:
    """Compare the store-day's ledgers (of one terminal, when given). Reads only."""
    with _collector_paused():
        day = store_day_load(tenant_id=tenant_id, store_code=store_code, business_date=business_date,
                             terminal_no=terminal_no)
        return reconcile(day)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A store-day of 10,000 transactions allocates some 100,000 small containers (rows, lines, keys) that all live
    until the result is built: the cyclic garbage collector, triggered by the allocations, would traverse them (and
    the rest of the heap) again and again for nothing. Paused for this bounded computation, re-enabled after."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _ledger_data(ledger: LedgerResult) -> dict[str, Any]:
    data: dict[str, Any] = {"ledger": ledger.ledger, "status": ledger.status, "count": ledger.count,
                            "expectedCount": ledger.expected_count}
    if ledger.quantity is not None:
        data |= {"quantity": ledger.quantity, "expectedQuantity": ledger.expected_quantity}
    else:
        data |= {"amount": money(ledger.amount), "expectedAmount": money(ledger.expected_amount)}
    return data | {"missing": list(ledger.missing), "different": list(ledger.different),
                   "unexpected": list(ledger.unexpected), "pending": list(ledger.pending)}


def reconciliation_data(
    result: Result, *, tenant_id: str, store_code: str, business_date: str, terminal_no: int | None,
    checked_at: datetime,
) -> dict[str, Any]:
    """The endpoint's ``data`` (camelCase, amounts as JSON numbers), also stored as a run's detail."""
    transactions = sum(ledger.count for s in result.sessions for ledger in s.ledgers if ledger.ledger == "transactions")
    return {
        "tenantId": tenant_id,
        "storeCode": store_code,
        "businessDate": business_date,
        "terminalNo": terminal_no,
        "status": result.status,
        "checkedAt": iso_app(checked_at),
        "summary": {"sessions": len(result.sessions), "transactions": transactions,
                    "mismatches": result.mismatches, "pending": result.pendings},
        "terminals": [
            {"terminalNo": s.terminal_no, "openCounter": s.open_counter, "status": s.status,
             "ledgers": [_ledger_data(ledger) for ledger in s.ledgers]}
            for s in result.sessions
        ],
    }


def reconciliation_get(
    *, tenant_id: str, store_code: str, business_date: str | None, terminal_no: int | None = None
) -> dict[str, Any]:
    """``GET .../reconciliation``: the store-day compared now (nothing stored)."""
    business_date = check_business_date(business_date)
    result = reconciliation_compute(tenant_id=tenant_id, store_code=store_code, business_date=business_date,
                                    terminal_no=terminal_no)
    return reconciliation_data(result, tenant_id=tenant_id, store_code=store_code, business_date=business_date,
                               terminal_no=terminal_no, checked_at=timezone.now())


def reconciliation_record(*, tenant_id: str, store_code: str, business_date: str) -> StoreReconciliation:
    """Reconcile a whole store-day and keep the result (one row per store-day, replaced by each run); a mismatch
    is logged and counted (``kugelpos_reconciliation_mismatches_total``). Idempotent."""
    business_date = check_business_date(business_date)
    now = timezone.now()
    result = reconciliation_compute(tenant_id=tenant_id, store_code=store_code, business_date=business_date)
    data = reconciliation_data(result, tenant_id=tenant_id, store_code=store_code, business_date=business_date,
                               terminal_no=None, checked_at=now)
    row, _ = StoreReconciliation.objects.update_or_create(
        store_code=store_code, business_date=business_date,
        defaults={"status": result.status, "transactions": data["summary"]["transactions"],
                  "mismatches": result.mismatches, "pendings": result.pendings, "detail": data, "checked_at": now},
    )
    metrics.RECONCILIATIONS.labels(result.status).inc()
    if result.status == MISMATCH:
        for session in result.sessions:
            for ledger in session.ledgers:
                if ledger.status != MISMATCH:
                    continue
                metrics.RECONCILIATION_MISMATCHES.labels(ledger.ledger).inc()
                logger.warning(
                    "reconciliation mismatch: tenant %s store %s date %s terminal %s session %s ledger %s: "
                    "missing %s, different %s, unexpected %s",
                    tenant_id, store_code, business_date, session.terminal_no, session.open_counter, ledger.ledger,
                    list(ledger.missing)[:20], list(ledger.different)[:20], list(ledger.unexpected)[:20],
                )
    elif result.status == PENDING:
        logger.info("reconciliation of %s/%s %s: deliveries pending", tenant_id, store_code, business_date)
    return row


def previous_business_date(now: datetime | None = None) -> str:
    """Yesterday in the app's time zone: the business date the nightly run checks."""
    return ((now or app_now()) - timedelta(days=1)).strftime("%Y%m%d")


def reconciliation_run_stores(*, tenant_id: str, business_date: str | None = None) -> dict[str, str]:
    """The beat job's work for one tenant: every store's ``business_date`` (default: the previous one) reconciled
    and recorded. One failing store is logged and does not stop the others. Returns ``{store_code: status}``."""
    business_date = business_date or previous_business_date()
    outcome: dict[str, str] = {}
    for store in store_list():
        try:
            outcome[store.store_code] = reconciliation_record(
                tenant_id=tenant_id, store_code=store.store_code, business_date=business_date).status
        except Exception:  # noqa: BLE001 - one broken store must not stop the others
            logger.exception("reconciliation of %s/%s %s failed", tenant_id, store.store_code, business_date)
            outcome[store.store_code] = "error"
    return outcome
