"""Snake_case records of the terminal logs: event payloads (spec/10 §7, spec/00 §10.4-10.5) and the terminal
snapshot they carry (§7.1). Pure functions over model instances; nothing here reads or writes the database.
"""

from __future__ import annotations

from typing import Any

from apps.core.formats import iso_app, money

from .crypto import MASKED_API_KEY
from .models import CashLog, OpenCloseLog, Terminal


def shard_key(*parts: object) -> str:
    """Kugelpos joins the key parts of a log with ``_``."""
    return "_".join("" if part is None else str(part) for part in parts)


def _common(created_at, updated_at) -> dict[str, Any]:
    return {"created_at": iso_app(created_at), "updated_at": iso_app(updated_at), "etag": None}


def terminal_snapshot(terminal: Terminal) -> dict[str, Any]:
    """The terminal record as logs carry it, API key masked (we do not leak it on close as Kugelpos does)."""
    staff = None
    if terminal.staff_id is not None:
        staff = {
            "tenant_id": terminal.tenant_id,
            "store_code": terminal.store_code,
            "id": terminal.staff_id,
            "name": terminal.staff_name,
            "pin": terminal.staff_pin,
            "is_deleted": False,
            "shard_key": None,
            "created_at": None,
            "updated_at": None,
            "etag": None,
        }
    return {
        "tenant_id": terminal.tenant_id,
        "store_code": terminal.store_code,
        "terminal_no": terminal.terminal_no,
        "description": terminal.description,
        "terminal_id": terminal.terminal_id,
        "function_mode": terminal.function_mode,
        "status": terminal.status,
        "business_date": terminal.business_date,
        "open_counter": terminal.open_counter,
        "business_counter": terminal.business_counter,
        "staff": staff,
        "initial_amount": money(terminal.initial_amount),
        "physical_amount": money(terminal.physical_amount),
        "api_key": MASKED_API_KEY,
        "tags": None,
        "shard_key": terminal.tenant_id + "_" + terminal.terminal_id,
        **_common(terminal.created_at, terminal.updated_at),
    }


def _session_keys(log: CashLog | OpenCloseLog) -> dict[str, Any]:
    """The keys of the session a cash or open/close log belongs to, as both payloads carry them first."""
    return {
        "tenant_id": log.tenant_id, "store_code": log.store_code, "store_name": log.store_name,
        "terminal_no": log.terminal_no, "staff_id": log.staff_id, "staff_name": log.staff_name,
        "business_date": log.business_date, "open_counter": log.open_counter,
        "business_counter": log.business_counter,
    }


def cash_log_payload(log: CashLog) -> dict[str, Any]:
    return {
        **_session_keys(log),
        "generate_date_time": iso_app(log.generate_date_time),
        "amount": money(log.amount),
        "description": log.description,
        "receipt_text": log.receipt_text,
        "journal_text": log.journal_text,
        "shard_key": shard_key(log.tenant_id, log.store_code, log.terminal_no, log.business_date),
        **_common(log.created_at, log.updated_at),
        "event_id": log.event_id,
        "event_type": "cash_in_out",
    }


def open_close_log_payload(log: OpenCloseLog) -> dict[str, Any]:
    return {
        **_session_keys(log),
        "operation": log.operation,
        "generate_date_time": iso_app(log.generate_date_time),
        "terminal_info": log.terminal_info,
        "cart_transaction_count": log.cart_transaction_count,
        "cart_transaction_last_no": log.cart_transaction_last_no,
        "cash_in_out_count": log.cash_in_out_count,
        "cash_in_out_last_datetime": iso_app(log.cash_in_out_last_datetime),
        "receipt_text": log.receipt_text,
        "journal_text": log.journal_text,
        "shard_key": shard_key(log.tenant_id, log.store_code, log.terminal_no, log.business_date),
        **_common(log.created_at, log.updated_at),
        "event_id": log.event_id,
        "event_type": log.operation,
    }
