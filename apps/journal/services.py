"""Journal commands: store entries from the three logs (the event consumers, spec/40 §2.1) and from the HTTP
endpoints (spec/40 §2.5, §4.4).

Every write is an insert over the natural-key constraint that skips a conflicting row (``ON CONFLICT DO
NOTHING``): the first version of an entry wins and a repeat is a silent success. Never check-then-insert.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from django.db import DatabaseError, transaction
from rest_framework import serializers

from .errors import JournalCreateError, JournalValidationError
from .mapping import ENTRY_BUILDERS, JournalEntryData
from .models import JournalEntry
from .schemas import LOG_SERIALIZERS, validation_text

logger = logging.getLogger(__name__)


def journal_entry_store(*, entry: JournalEntryData, savepoint: bool = True) -> None:
    """Insert one entry unless its natural key exists. Runs in the caller's transaction, in a savepoint, so a
    failed insert surfaces as ``JournalCreateError`` (500 ``410003``) and leaves the caller's transaction usable.
    ``savepoint=False`` is for a caller whose whole transaction fails with the entry (an event consumer): two
    round trips fewer.
    """
    try:
        with transaction.atomic(savepoint=savepoint):
            JournalEntry.objects.bulk_create([JournalEntry(**asdict(entry))], ignore_conflicts=True)
    except DatabaseError as exc:
        logger.exception("journal entry not stored: %s", entry.generate_date_time)
        raise JournalCreateError(
            "Failed to create journal: "
            f"tenant_id->{entry.tenant_id} store_code->{entry.store_code} terminal_no->{entry.terminal_no} "
            f"transaction_no->{entry.transaction_no} transaction_type->{entry.transaction_type}"
        ) from exc


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
