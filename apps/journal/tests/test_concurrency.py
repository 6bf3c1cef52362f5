"""Concurrent appends to one terminal's chain, on real connections and real commits (issue #24): deliveries for
one terminal serialize on its chain head and the chain stays linear; other terminals do not wait.

These commit for real, in a tenant of their own that the fixture creates and drops again (``django_db(
transaction=True)`` would flush the public tenant registry).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from apps.core import events
from apps.core.tenancy import tenant_context
from apps.journal import selectors, services
from apps.journal.errors import JournalCreateError
from apps.journal.mapping import JournalEntryData
from apps.journal.models import JournalEntry
from tests import support
from tests.log_factories import TranlogFactory as TranlogPayloadFactory
from tests.log_factories import at

TENANT = "TJRNCHAIN"
STORE = "C1"
EVENT_IDS: list[str] = []


@pytest.fixture
def committed_tenant(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), support.committed_tenant(TENANT, consumer="journal", event_ids=EVENT_IDS):
        yield TENANT


def run_in_threads(count: int, work) -> list:
    return support.run_in_threads(count, work)


def tranlog(terminal_no: int, number: int) -> dict:
    payload = TranlogPayloadFactory(
        tenant_id=TENANT, store_code=STORE, terminal_no=terminal_no, transaction_no=number, receipt_no=number,
        generate_date_time=at(f"10:{number // 60:02d}:{number % 60:02d}"),
    )
    EVENT_IDS.append(payload["event_id"])
    return payload


def test_concurrent_deliveries_for_one_terminal_stay_one_linear_chain(committed_tenant):
    """Six workers deliver 60 sales of terminal 1 (interleaved with terminal 2's), each log delivered twice."""
    logs = {terminal: [tranlog(terminal, number) for number in range(1, 31)] for terminal in (1, 2)}

    def work(index: int) -> int:
        stored = 0
        mine = [log for terminal in (1, 2) for log in logs[terminal][index::3]]
        for log in mine * 2 if index < 3 else list(reversed(mine)):
            stored += events.event_consume(service="journal", event_type="tranlog", payload=log)
        return stored

    results = run_in_threads(6, work)
    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == 60  # every log once, whichever worker got it first
    with tenant_context(TENANT):
        for terminal in (1, 2):
            seqs = list(JournalEntry.objects.filter(terminal_no=terminal).order_by("chain_seq")
                        .values_list("chain_seq", flat=True))
            assert seqs == list(range(1, 31))
            check = selectors.journal_verify(store_code=STORE, terminal_no=terminal)
            assert (check.verified, check.broken_at, check.gaps) == (30, None, [])
    connection.set_schema_to_public()


def entry(terminal_no: int, second: int) -> JournalEntryData:
    return JournalEntryData(
        tenant_id=TENANT, store_code=STORE, terminal_no=terminal_no, transaction_no=None, transaction_type=401,
        business_date="20250110", open_counter=1, business_counter=1, generate_date_time=at(f"11:00:{second:02d}"),
        receipt_no=None, amount=1000, quantity=0, staff_id=None, user_id=None, journal_text="", receipt_text="")


def test_an_open_append_holds_its_terminal_only(committed_tenant):
    """While one transaction has appended to terminal 1 and not committed, terminal 2 appends at once and a second
    append to terminal 1 waits for it (here: gives up after 300 ms)."""
    appended, release = threading.Event(), threading.Event()

    def hold(index: int) -> bool:
        with tenant_context(TENANT), transaction.atomic():
            services.journal_entry_store(entry=entry(1, 1))
            appended.set()
            release.wait(30)
        return True

    holder = threading.Thread(target=lambda: run_in_threads(1, hold))
    holder.start()
    try:
        assert appended.wait(30)
        with tenant_context(TENANT), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            assert services.journal_entry_store(entry=entry(2, 1)) is True
        with tenant_context(TENANT), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            with pytest.raises(JournalCreateError):
                services.journal_entry_store(entry=entry(1, 2))
    finally:
        release.set()
        holder.join(30)
    with tenant_context(TENANT):
        assert services.journal_entry_store(entry=entry(1, 2)) is True
        assert list(JournalEntry.objects.filter(terminal_no=1).values_list("chain_seq", flat=True)
                    .order_by("chain_seq")) == [1, 2]
    connection.set_schema_to_public()
