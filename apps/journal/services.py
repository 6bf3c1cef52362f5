"""Journal commands: store entries from the three logs (the event consumers, spec/40 §2.1) and from the HTTP
endpoints (spec/40 §2.5, §4.4).

Every write is an insert over the natural-key constraint that skips a conflicting row (``ON CONFLICT DO
NOTHING``): the first version of an entry wins and a repeat is a silent success. Never check-then-insert. Each
insert appends to its terminal's hash chain (issue #24, ``chain.py``) under the chain head's row lock.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from rest_framework import serializers

from apps.core import sql

from .chain import CHAINED_FIELDS, GENESIS_HASH, chain_hash, stored_amount
from .errors import JournalCreateError, JournalValidationError
from .mapping import ENTRY_BUILDERS, JournalEntryData
from .models import JournalChain, JournalEntry
from .schemas import LOG_SERIALIZERS, validation_text

logger = logging.getLogger(__name__)


def journal_entry_store(*, entry: JournalEntryData, savepoint: bool = True) -> bool:
    """Append one entry to its terminal's hash chain unless its natural key exists; True when it was stored now.

    Every journal write comes here (the event consumers, the HTTP receivers, a report's entry). Runs in the
    caller's transaction, in a savepoint, so a failed insert surfaces as ``JournalCreateError`` (500 ``410003``)
    and leaves the caller's transaction usable. ``savepoint=False`` is for a caller whose whole transaction fails
    with the entry (an event consumer): two round trips fewer.

    The chain's head row stays locked until the caller's transaction ends, so appends to one terminal's chain run
    one after the other (each sees the head its predecessor committed); other terminals never wait.
    """
    try:
        with transaction.atomic(savepoint=savepoint):
            last_seq, last_hash = _chain_head_lock(entry.store_code, entry.terminal_no)
            row = JournalEntry(**{**asdict(entry), "amount": stored_amount(entry.amount)}, chain_seq=last_seq + 1)
            row.chain_hash = chain_hash(last_hash, {name: getattr(row, name) for name in CHAINED_FIELDS})
            return _chain_append(row)
    except DatabaseError as exc:
        logger.exception("journal entry not stored: %s", entry.generate_date_time)
        raise JournalCreateError(
            "Failed to create journal: "
            f"tenant_id->{entry.tenant_id} store_code->{entry.store_code} terminal_no->{entry.terminal_no} "
            f"transaction_no->{entry.transaction_no} transaction_type->{entry.transaction_type}"
        ) from exc


def _chain_head_lock(store_code: str, terminal_no: int) -> tuple[int, str]:
    """Lock the terminal's chain head and read it (``SELECT ... FOR UPDATE``: waits for a concurrent append to
    commit, then reads the head as that append left it). A terminal's first entry creates its head first; two
    first entries at once both insert over the unique constraint, one waits for the other, neither fails."""
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(_HEAD_LOCK_SQL, [store_code, terminal_no])
            found = cursor.fetchone()
            if found is not None:
                return found[0], found[1]
            cursor.execute(_head_create_sql(), [store_code, terminal_no, 0, GENESIS_HASH, timezone.now()])
    raise JournalChain.DoesNotExist(f"chain head of {store_code}/{terminal_no}")  # pragma: no cover - inserted above


def _chain_append(row: JournalEntry) -> bool:
    """Insert the entry and move its chain's head to it, in one statement; a repeat of a stored entry (same
    natural key) inserts nothing and leaves the head where it was."""
    fields, values = sql.insert_values(row)
    with connection.cursor() as cursor:
        cursor.execute(_append_sql(fields), [*values, timezone.now(), row.store_code, row.terminal_no])
        return cursor.fetchone() is not None


_HEAD_LOCK_SQL = (
    f"SELECT last_seq, last_hash FROM {sql.table(JournalChain)} WHERE store_code = %s AND terminal_no = %s "
    "FOR UPDATE"
)


@functools.cache
def _head_create_sql() -> str:
    return sql.insert(
        JournalChain,
        ("store_code", "terminal_no", "last_seq", "last_hash", "updated_at"),
        conflict="journal_chain_terminal",
    )


@functools.cache
def _append_sql(fields: tuple[str, ...]) -> str:
    """The entry's insert (skipped on its natural key) and, when it inserted, its chain head moved to it."""
    entry = sql.insert(
        JournalEntry, fields, conflict="journal_entry_natural_key", returning=("chain_seq", "chain_hash")
    )
    return (
        f"WITH appended AS ({entry}) "
        f"UPDATE {sql.table(JournalChain)} SET last_seq = appended.chain_seq, last_hash = appended.chain_hash, "
        "updated_at = %s FROM appended WHERE store_code = %s AND terminal_no = %s RETURNING last_seq"
    )


@functools.cache
def _log_reader(event_type: str) -> serializers.Serializer:
    """One serializer per log type and process, its fields bound once: building a DRF serializer deep-copies
    its declared fields (and its nested serializers'), half the cost of validating a tranlog. Validation keeps
    no state on the serializer or its fields (``run_validation`` returns the data or raises), so it is shared."""
    reader = LOG_SERIALIZERS[event_type]()
    reader.fields  # noqa: B018 - bind the fields now, not on a first use from two threads at once
    return reader


def journal_log_parse(*, event_type: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a log payload; a payload that does not fit raises ``JournalValidationError`` naming the fields."""
    try:
        return dict(_log_reader(event_type).run_validation(payload))
    except serializers.ValidationError as exc:
        raise JournalValidationError(f"Invalid {event_type} payload: {validation_text(exc.detail)}") from None


def journal_check_tenant(*, tenant_id: str, body_tenant_id: str | None) -> None:
    """An entry is filed in the schema of the tenant it names, never in another's."""
    if body_tenant_id is not None and body_tenant_id != tenant_id:
        raise JournalValidationError(
            f"tenant_id in the data does not match the tenant: tenant_id->{body_tenant_id}, tenant->{tenant_id}"
        )


def journal_log_store(
    *, event_type: str, tenant_id: str, log: Mapping[str, Any], savepoint: bool = True
) -> JournalEntryData:
    """File one validated log (``tranlog``/``cashlog``/``opencloselog``) as its journal entry (spec/40 §4.3)."""
    journal_check_tenant(tenant_id=tenant_id, body_tenant_id=log.get("tenant_id"))
    entry = ENTRY_BUILDERS[event_type](log, tenant_id=tenant_id)
    journal_entry_store(entry=entry, savepoint=savepoint)
    return entry


# --- event consumers (registered in JournalConfig.ready; run by apps.core.events.event_consume) ---------------
def _consume(event_type: str, payload: Mapping[str, Any]) -> None:
    log = journal_log_parse(event_type=event_type, payload=payload)
    journal_log_store(event_type=event_type, tenant_id=payload["tenant_id"], log=log, savepoint=False)


def journal_consume_tranlog(payload: dict[str, Any]) -> None:
    """Consumer of the transaction log: one entry (a cancelled sale under -101)."""
    _consume("tranlog", payload)


def journal_consume_cashlog(payload: dict[str, Any]) -> None:
    """Consumer of the cash log: one 401/402 entry with the signed amount."""
    _consume("cashlog", payload)


def journal_consume_opencloselog(payload: dict[str, Any]) -> None:
    """Consumer of the open/close log: one 301/302 entry."""
    _consume("opencloselog", payload)


# --- HTTP commands ------------------------------------------------------------------------------------------
@transaction.atomic
def journal_receive_tranlog(*, tenant_id: str, tranlog: Mapping[str, Any]) -> JournalEntryData:
    """Direct tranlog receive (spec/40 §2.5): the consumer's storage without event bookkeeping."""
    return journal_log_store(event_type="tranlog", tenant_id=tenant_id, log=tranlog)


@transaction.atomic
def journal_receive_entry(*, tenant_id: str, entry: JournalEntryData) -> JournalEntryData:
    """``POST .../journals`` (spec/40 §4.4): store the entry; an existing one with the same key is kept."""
    journal_check_tenant(tenant_id=tenant_id, body_tenant_id=entry.tenant_id)
    journal_entry_store(entry=entry)
    return entry
