"""Lag-tolerant reads on a real streaming replica (issue #26): which database answers, read-your-writes, lag and
outage fallbacks, writes. The standby is a ``pg_basebackup`` of the test run's embedded PostgreSQL (conftest.py)."""

from __future__ import annotations

import socket
import time

import pytest
from django.db import DatabaseError, connection, connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from prometheus_client import REGISTRY

from apps.core import events
from apps.core import replica as replica_module
from apps.core.replica import PRIMARY, REPLICA, replica_failure_forget, replica_reads, replica_state
from apps.core.tenancy import tenant_context
from apps.journal.errors import JournalQueryError
from apps.journal.models import JournalEntry
from apps.report.tests.factories import DAY, STORE, d1_logs
from apps.terminal.tests.factories import tenant_with_store
from tests.support import TENANT_A, bearer, make_superuser, register_api_key

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.xdist_group("replica"),
]

TERMINAL_ID = f"{TENANT_A}-5678-5555"
API_KEY = "r" * 43
JOURNALS = f"/journal/api/v1/tenants/{TENANT_A}/stores/5678/journals"
RECEIVE = f"/journal/api/v1/tenants/{TENANT_A}/stores/5678/terminals/5555/journals?terminal_id={TERMINAL_ID}"
JOURNAL_BODY = {
    "tenant_id": TENANT_A, "store_code": "5678", "terminal_no": 5555, "transaction_type": 101,
    "business_date": "20260101", "open_counter": 1, "business_counter": 1, "generate_date_time": "20260101T120000",
    "journal_text": "j", "receipt_text": "r",
}


def reads(database: str, reason: str) -> float:
    return REGISTRY.get_sample_value("kugelpos_replica_reads_total", {"database": database, "reason": reason}) or 0.0


def routing() -> dict:
    """Every routing count so far (for a failure's message)."""
    return {tuple(sample.labels.values()): sample.value for metric in REGISTRY.collect()
            if metric.name == "kugelpos_replica_reads" for sample in metric.samples if sample.name.endswith("_total")}


def sql_of(captured: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"] for query in captured.captured_queries)


def journal_receipts(response) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(row["receiptNo"] for row in response.json()["data"])


@pytest.fixture
def terminal_key(tenant_a) -> dict[str, str]:
    register_api_key(tenant_id=TENANT_A, terminal_id=TERMINAL_ID, api_key=API_KEY)
    return {"HTTP_X_API_KEY": API_KEY}


@pytest.fixture
def token(tenant_a) -> dict[str, str]:
    from apps.core.auth import user_token

    make_superuser(TENANT_A)
    return bearer(user_token(username="admin", tenant_id=TENANT_A, is_superuser=True))


def write_journal(receipt_no: int) -> None:
    """A journal entry committed on the primary by someone else (a worker's delivery)."""
    from apps.journal.tests.factories import JournalEntryFactory

    with tenant_context(TENANT_A):
        JournalEntryFactory(store_code="5678", terminal_no=5555, receipt_no=receipt_no, transaction_no=receipt_no)
    connection.set_schema_to_public()


# Each test commits (a standby sees committed data only), and a committing test costs the suite a flush of the
# test tenants afterwards (conftest.py): hence three tests that each walk through several situations.


# --- which database answers ----------------------------------------------------------------------------------------
def test_lag_tolerant_reads_go_to_the_replica_and_everything_else_to_the_primary(replica, api, token):
    for event_type, payloads in d1_logs().items():
        for payload in payloads:
            events.event_consume(service="report", event_type=event_type, payload=payload)
    with tenant_context(TENANT_A):
        tenant_with_store(TENANT_A, STORE, "Shibuya")
    connection.set_schema_to_public()
    write_journal(21)
    manager = Client()
    make_superuser(TENANT_A, username="manager", password="manager-pass")
    login = {"username": "manager", "password": "manager-pass"}
    assert manager.post(f"/t/{TENANT_A}/admin/login/", login).status_code == 302
    # signing in is a write: as if it was long ago (on a busy primary the replica is rarely at its very latest WAL)
    replica_module._redis().delete(replica_module.MARKER_PREFIX + f"{TENANT_A}:user:manager")
    replica.wait_caught_up()

    # a report through the API
    before = reads("replica", "replica")
    with CaptureQueriesContext(connections[REPLICA]) as on_replica, CaptureQueriesContext(connection) as on_primary:
        response = api.get(f"/report/api/v1/tenants/{TENANT_A}/stores/{STORE}/reports",
                           {"report_scope": "flash", "report_type": "sales", "business_date": DAY, "open_counter": 1},
                           **token)
    assert response.status_code == 200, response.content
    assert response.json()["data"]["salesNet"] == {"amount": 500.0, "quantity": 3, "count": 1}  # D1's, as ever
    assert "report_reporttranlog" in sql_of(on_replica) and "report_reportcashlog" in sql_of(on_replica), routing()
    assert "report_report" not in sql_of(on_primary)  # the primary only authenticated the caller
    assert reads("replica", "replica") == before + 1
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('search_path')")
        assert cursor.fetchone() == (True, f"t_{TENANT_A.lower()}, public")  # a standby, in the caller's tenant

    # stock history, the back office's home
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        history = api.get(f"/stock/api/v1/tenants/{TENANT_A}/stores/{STORE}/stock/NOPE/history", **token)
    assert history.status_code == 200 and history.json()["data"]["data"] == []
    assert "stock_stockupdate" in sql_of(on_replica), routing()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        home = manager.get(f"/t/{TENANT_A}/admin/home/data/", {"store": STORE, "business_date": DAY})
    assert home.status_code == 200, home.content
    assert home.json()["data"]["summary"]["netSales"] == 500.0
    assert "report_reporttranlog" in sql_of(on_replica), routing()

    # writes inside a lag-tolerant block, also of an instance read from the replica, go to the primary
    with tenant_context(TENANT_A):
        with replica_reads() as lag_tolerant:
            assert lag_tolerant.database == REPLICA
            entry = JournalEntry.objects.get(receipt_no=21)
            assert entry._state.db == REPLICA
            entry.journal_text = "changed"
            entry.save()  # a standby refuses every write: this would fail there
            JournalEntry.objects.filter(receipt_no=21).update(receipt_text="updated")
            assert router.db_for_write(JournalEntry, instance=entry) == PRIMARY
            with replica_reads() as inner:
                assert inner.database == REPLICA  # an inner block keeps the outer block's choice
        assert router.db_for_read(JournalEntry) == PRIMARY  # outside any block
        assert JournalEntry.objects.values_list("journal_text", "receipt_text").get(receipt_no=21) == (
            "changed", "updated")
    connection.set_schema_to_public()
    assert router.allow_migrate(REPLICA, "journal") is False  # migrations never run on the replica

    # inside a transaction, the primary
    before = reads("primary", "transaction")
    with transaction.atomic(), replica_reads() as lag_tolerant:
        assert lag_tolerant.database == PRIMARY and router.db_for_read(JournalEntry) == PRIMARY
    assert reads("primary", "transaction") == before + 1


# --- read-your-writes ----------------------------------------------------------------------------------------------
def test_a_terminal_reads_its_own_write_while_the_replica_is_paused(
    replica, api, token, terminal_key, monkeypatch, settings
):
    write_journal(1)
    replica.wait_caught_up()
    replica.execute("SELECT pg_wal_replay_pause()")
    own_writes = reads("primary", "own_write")
    terminal_search = {"terminals": 5555, "terminal_id": TERMINAL_ID}

    # a refused write is no write: the terminal still reads the replica
    refused = api.post(RECEIVE, {**JOURNAL_BODY, "transaction_type": "x"}, format="json", **terminal_key)
    assert refused.status_code == 422
    assert journal_receipts(api.get(JOURNALS, terminal_search, **terminal_key)) == [1]
    assert reads("primary", "own_write") == own_writes

    created = api.post(RECEIVE, {**JOURNAL_BODY, "receipt_no": 2}, format="json", **terminal_key)
    assert created.status_code == 201, created.content
    # another caller reads the replica, which has not replayed the terminal's entry: proof that it is the replica
    assert journal_receipts(api.get(JOURNALS, {"terminals": 5555}, **token)) == [1]
    # the terminal that wrote it reads the primary
    assert journal_receipts(api.get(JOURNALS, terminal_search, **terminal_key)) == [1, 2]
    assert reads("primary", "own_write") == own_writes + 1

    replica.execute("SELECT pg_wal_replay_resume()")
    replica.wait_caught_up()
    assert journal_receipts(api.get(JOURNALS, {"terminals": 5555}, **token)) == [1, 2]

    # Redis down: no write can be recorded, so every caller is taken to have written, and reads the primary while
    # the replica is behind; the write itself does not wait
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.REDIS_URL = f"redis://localhost:{closed_port}/0"
    monkeypatch.setattr(replica_module, "_redis_client", None)
    replica.execute("SELECT pg_wal_replay_pause()")
    started = time.monotonic()
    third = {**JOURNAL_BODY, "receipt_no": 3, "generate_date_time": "20260101T120003"}
    assert api.post(RECEIVE, third, format="json", **terminal_key).status_code == 201
    assert time.monotonic() - started < 2  # not Redis' client's default retries
    assert journal_receipts(api.get(JOURNALS, {"terminals": 5555}, **token)) == [1, 2, 3]
    assert reads("primary", "own_write") == own_writes + 2


# --- lag and outage --------------------------------------------------------------------------------------------------
def test_a_lagging_failing_or_stopped_replica_leaves_reads_on_the_primary(replica, api, token, settings):
    # A standby that has replayed no commit since it started has no replay time: its lag is unknown, taken as
    # infinite (never read). Give it one commit to replay first, so that its lag below is the paused replay's.
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")  # autocommit: a transaction with an id, committed
    replica.wait_caught_up()
    deadline = time.monotonic() + 20
    while replica_state().lag_seconds == float("inf"):
        assert time.monotonic() < deadline, "the standby never replayed a commit"
        time.sleep(0.1)

    # lagging beyond REPLICA_MAX_LAG_SECONDS
    replica.execute("SELECT pg_wal_replay_pause()")
    write_journal(7)
    settings.REPLICA_MAX_LAG_SECONDS = 0.5
    deadline = time.monotonic() + 20
    while replica_state().lag_seconds <= 0.5:  # the standby has received the entry and not replayed it
        assert time.monotonic() < deadline, "the paused standby never fell behind"
        time.sleep(0.1)
    lagging = reads("primary", "lag")
    assert journal_receipts(api.get(JOURNALS, {"terminals": 5555}, **token)) == [7]  # the primary's answer
    assert reads("primary", "lag") == lagging + 1
    settings.REPLICA_MAX_LAG_SECONDS = 300
    # within 300 s: the replica's (older) answer
    assert journal_receipts(api.get(JOURNALS, {"terminals": 5555}, **token)) == [], routing()
    replica.execute("SELECT pg_wal_replay_resume()")
    replica.wait_caught_up()

    # failing after it was chosen: a decorated read is repeated on the primary
    chosen = []

    @replica_reads()
    def receipts() -> list[int]:
        chosen.append(router.db_for_read(JournalEntry))
        if len(chosen) == 1:
            replica.stop()
        try:
            return sorted(JournalEntry.objects.values_list("receipt_no", flat=True))
        except DatabaseError as exc:  # as the journal search and the report do: an error of their own, from it
            raise JournalQueryError("Failed to query journals") from exc

    down = reads("primary", "down")
    with tenant_context(TENANT_A):
        assert receipts() == [7]
    connection.set_schema_to_public()
    assert chosen == [REPLICA, PRIMARY] and reads("primary", "down") == down + 1

    # stopped: not asked again for a while
    started = time.monotonic()
    assert journal_receipts(api.get(JOURNALS, {"terminals": 5555}, **token)) == [7]
    assert reads("primary", "down") == down + 2 and time.monotonic() - started < 2
    replica_failure_forget()  # asked again now: it does not answer
    assert journal_receipts(api.get(JOURNALS, {"terminals": 5555}, **token)) == [7]
    assert reads("primary", "down") == down + 3
