"""Sessions of a terminal: open, close, cash in and cash out (spec/10 §6.3-§6.6, §7).

Each command is one transaction: lock the terminal row, check the state table, look up the store, then change
the terminal, write the log(s) and their outbox records together. Delivery is enqueued only after commit
(``apps.core.events``). A failure anywhere leaves nothing behind: no log, no counter change, no outbox record.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import DatabaseError, connection, models, transaction

from apps.core import events, sql
from apps.core.errors import NotFoundError

from .. import clock, payloads, receipts, selectors, states
from ..errors import CashInOutError, TerminalCloseError, TerminalOpenError
from ..models import CashLog, OpenCloseLog, Store, Terminal
from .terminals import terminal_locked

INITIAL_AMOUNT_DESCRIPTION = "Initial amount"
CASH_IN_DEFAULT_DESCRIPTION = "Cash In (Default)"
CASH_OUT_DEFAULT_DESCRIPTION = "Cash Out (Default)"
CASH_LOG_KEY = "terminal_cashlog_unique"  # (tenant_id, store_code, terminal_no, generate_date_time)
OPEN_CLOSE_LOG_KEY = "terminal_openclose_unique"  # (..., terminal_no, business_date, open_counter, operation)

# --- cart statistics for the close log ----------------------------------------------------------------------
# fn(tenant_id, store_code, terminal_no, business_date, open_counter) -> (transaction count, last transaction no)
CloseStatsProvider = Callable[[str, str, int, str | None, int | None], tuple[int, int | None]]
_close_stats_provider: CloseStatsProvider | None = None


def register_close_stats_provider(provider: CloseStatsProvider | None) -> None:
    """The cart (a higher layer) registers how to count a session's transactions, all types, cancelled
    included, and which transaction number is the latest by ``generate_date_time``. ``None`` unregisters."""
    global _close_stats_provider
    _close_stats_provider = provider


def _cart_transaction_stats(terminal: Terminal) -> tuple[int, int | None]:
    if _close_stats_provider is None:
        return 0, None
    return _close_stats_provider(
        terminal.tenant_id, terminal.store_code, terminal.terminal_no, terminal.business_date, terminal.open_counter
    )


# --- results ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionResult:
    """What open and close return: the terminal after the operation and the open/close log written."""

    terminal: Terminal
    log: OpenCloseLog


# --- writing logs -------------------------------------------------------------------------------------------
def _replace_on_clash(instance: models.Model, unique_key: str) -> None:
    """Insert ``instance``; if its unique key (a constraint's name) exists, replace that row (keeping its
    ``created_at``, setting ``updated_at``). One ``INSERT ... ON CONFLICT DO UPDATE``: never check-then-insert."""
    fields, values = sql.insert_values(instance)
    with connection.cursor() as cursor:
        cursor.execute(_replace_sql(type(instance), fields, unique_key), values)
        instance.pk = cursor.fetchone()[0]


@functools.cache
def _replace_sql(model: type[models.Model], fields: tuple[str, ...], unique_key: str) -> str:
    kept = {*sql.conflict_columns(model, unique_key), "created_at", "updated_at"}
    update = [name for name in fields if model._meta.get_field(name).column not in kept]
    update.append(("updated_at", f"EXCLUDED.{sql.column(model, 'created_at')}"))
    return sql.insert(model, fields, conflict=unique_key, update=tuple(update), returning=("pk",))


def _store_name(terminal: Terminal) -> str:
    """The trimmed name of the terminal's store in the tenant info; 404 ``100001`` when either is missing."""
    store = Store.objects.filter(tenant_info__tenant_id=terminal.tenant_id, store_code=terminal.store_code).first()
    if store is None:
        raise NotFoundError(f"Store not found: {terminal.store_code} (tenant {terminal.tenant_id})")
    return store.store_name.strip()


def _receipt_header(terminal: Terminal, store_name: str, now: datetime) -> receipts.ReceiptHeader:
    return receipts.ReceiptHeader(
        store_code=terminal.store_code,
        store_name=store_name,
        terminal_no=terminal.terminal_no,
        staff_id=terminal.staff_id,
        generate_date_time=now,
        business_date=terminal.business_date,
        open_counter=terminal.open_counter,
    )


def _session_fields(terminal: Terminal, store_name: str) -> dict:
    """What a cash log and an open/close log copy of their terminal's session as it is now."""
    return {
        "tenant_id": terminal.tenant_id, "store_code": terminal.store_code, "store_name": store_name,
        "terminal_no": terminal.terminal_no, "staff_id": terminal.staff_id, "staff_name": terminal.staff_name,
        "business_date": terminal.business_date, "open_counter": terminal.open_counter,
        "business_counter": terminal.business_counter,
    }


def _write_cash_log(
    terminal: Terminal, *, store_name: str, amount: Decimal, description: str | None, now: datetime
) -> CashLog:
    receipt_text, journal_text = receipts.cash_receipt(
        _receipt_header(terminal, store_name, now), amount=amount, description=description
    )
    log = CashLog(
        **_session_fields(terminal, store_name),
        generate_date_time=now,
        amount=amount,
        description=description,
        receipt_text=receipt_text,
        journal_text=journal_text,
        event_id=str(uuid.uuid4()),
        created_at=now,
    )
    _replace_on_clash(log, CASH_LOG_KEY)
    events.event_publish(event_type="cashlog", payload=payloads.cash_log_payload(log))
    return log


def _write_open_close_log(
    terminal: Terminal, *, store_name: str, operation: str, now: datetime, stats: dict | None = None
) -> OpenCloseLog:
    header = _receipt_header(terminal, store_name, now)
    if operation == OpenCloseLog.Operation.OPEN:
        receipt_text, journal_text = receipts.open_receipt(header, initial_amount=terminal.initial_amount)
    else:
        receipt_text, journal_text = receipts.close_receipt(header, physical_amount=terminal.physical_amount)
    log = OpenCloseLog(
        **_session_fields(terminal, store_name),
        operation=operation,
        generate_date_time=now,
        terminal_info=payloads.terminal_snapshot(terminal),
        receipt_text=receipt_text,
        journal_text=journal_text,
        event_id=str(uuid.uuid4()),
        created_at=now,
        **(stats or {}),
    )
    _replace_on_clash(log, OPEN_CLOSE_LOG_KEY)
    events.event_publish(event_type="opencloselog", payload=payloads.open_close_log_payload(log))
    return log


# --- commands -----------------------------------------------------------------------------------------------
def terminal_open(*, terminal_id: str, initial_amount: Decimal | None) -> SessionResult:
    """L3: start a session. Same business date as the last open -> ``open_counter + 1``, else the date moves to
    today and the counter restarts at 1; ``business_counter`` always grows. An initial amount is a cash log,
    published before the open log."""
    with transaction.atomic():
        terminal = terminal_locked(terminal_id=terminal_id)
        next_status = states.operation_apply(
            status=terminal.status,
            operation=states.Operation.OPEN,
            is_signed_in=terminal.is_signed_in,
            terminal_id=terminal_id,
        )
        store_name = _store_name(terminal)
        now = clock.now()
        today = now.strftime("%Y%m%d")
        try:
            if terminal.business_date == today:
                terminal.open_counter += 1
            else:
                terminal.business_date, terminal.open_counter = today, 1
            terminal.business_counter += 1
            terminal.status = next_status
            terminal.initial_amount = initial_amount  # physical_amount is deliberately not reset
            terminal.updated_at = now
            terminal.save()
            if initial_amount is not None:
                _write_cash_log(
                    terminal,
                    store_name=store_name,
                    amount=initial_amount,
                    description=INITIAL_AMOUNT_DESCRIPTION,
                    now=now,
                )
            log = _write_open_close_log(terminal, store_name=store_name, operation=OpenCloseLog.Operation.OPEN, now=now)
        except DatabaseError as exc:
            raise TerminalOpenError(f"Failed to open terminal: {terminal_id}") from exc
    return SessionResult(terminal=terminal, log=log)


def terminal_close(*, terminal_id: str, physical_amount: Decimal | None) -> SessionResult:
    """L4: end the session. Nothing is compared (no expected-cash check); the log carries the session's cart
    and cash statistics."""
    with transaction.atomic():
        terminal = terminal_locked(terminal_id=terminal_id)
        next_status = states.operation_apply(
            status=terminal.status,
            operation=states.Operation.CLOSE,
            is_signed_in=terminal.is_signed_in,
            terminal_id=terminal_id,
        )
        store_name = _store_name(terminal)
        now = clock.now()
        try:
            terminal.status = next_status
            terminal.physical_amount = physical_amount
            terminal.updated_at = now
            terminal.save()
            cart_count, cart_last_no = _cart_transaction_stats(terminal)
            cash = selectors.cash_log_stats(
                tenant_id=terminal.tenant_id,
                store_code=terminal.store_code,
                terminal_no=terminal.terminal_no,
                business_date=terminal.business_date,
                open_counter=terminal.open_counter,
            )
            log = _write_open_close_log(
                terminal,
                store_name=store_name,
                operation=OpenCloseLog.Operation.CLOSE,
                now=now,
                stats={
                    "cart_transaction_count": cart_count,
                    "cart_transaction_last_no": cart_last_no,
                    "cash_in_out_count": cash.count,
                    "cash_in_out_last_datetime": cash.last_generate_date_time,
                },
            )
        except DatabaseError as exc:
            raise TerminalCloseError(f"Failed to close terminal: {terminal_id}") from exc
    return SessionResult(terminal=terminal, log=log)


def _cash(*, terminal_id: str, operation: states.Operation, amount: Decimal, description: str) -> CashLog:
    with transaction.atomic():
        terminal = terminal_locked(terminal_id=terminal_id)
        states.operation_apply(
            status=terminal.status, operation=operation, is_signed_in=terminal.is_signed_in, terminal_id=terminal_id
        )
        store_name = _store_name(terminal)
        now = clock.now()
        try:
            return _write_cash_log(terminal, store_name=store_name, amount=amount, description=description, now=now)
        except DatabaseError as exc:
            raise CashInOutError(f"Failed to cash in/out: {terminal_id}") from exc


def terminal_cash_in(*, terminal_id: str, amount: Decimal, description: str | None = None) -> CashLog:
    """L5: a cash log with the amount as sent (no sign, zero or limit check); the terminal is unchanged."""
    return _cash(
        terminal_id=terminal_id,
        operation=states.Operation.CASH_IN,
        amount=amount,
        description=CASH_IN_DEFAULT_DESCRIPTION if description is None else description,
    )


def terminal_cash_out(*, terminal_id: str, amount: Decimal, description: str | None = None) -> CashLog:
    """L6: a cash log with ``-amount`` (a cash-out of -100 stores +100, as Kugelpos does)."""
    return _cash(
        terminal_id=terminal_id,
        operation=states.Operation.CASH_OUT,
        amount=-amount,
        description=CASH_OUT_DEFAULT_DESCRIPTION if description is None else description,
    )
