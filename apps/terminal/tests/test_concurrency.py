"""Concurrent calls on one terminal, on real connections and real commits: the row lock makes them run one
after the other, so no increment and no log is lost, and exactly one of two racing opens wins.

These tests commit for real, on every thread's own connection, in a tenant of their own that their fixture
creates and drops again (with its outbox and API-key index entries). They do not use
``django_db(transaction=True)``: its teardown flushes every table of the connection's schema, which (after
the root conftest puts the connection back in ``public``) is the tenant registry itself.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from apps.core import tenancy
from apps.core.errors import KugelposError
from apps.core.models import ApiKeyIndex, EventRecord, Tenant
from apps.core.tenancy import tenant_context
from apps.terminal import services
from apps.terminal.models import CashLog, OpenCloseLog, Terminal
from tests import support
from tests.support import TENANT_A


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """Database access outside any test transaction: every statement commits, on every thread's connection."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


TENANT = "TCONC"
STORE = "CONC"
STAFF = "CONC01"


@pytest.fixture
def shared_terminal(committed_db, monkeypatch):
    """A committed, signed-in terminal in a tenant of its own, dropped afterwards with all it wrote.

    Published events stay in the outbox (not handed to the consumers), so nothing is committed elsewhere.
    """
    from apps.masterdata.services import staff_create

    monkeypatch.setattr("apps.core.events._send_to_broker", lambda event_id, tenant_id: None)
    tenant = tenancy.tenant_create(tenant_id=TENANT)
    try:
        with tenant_context(TENANT):
            services.tenant_info_create(tenant_id=TENANT, tenant_name="Concurrency", tags=[])
            services.store_create(tenant_id=TENANT, store_code=STORE, store_name="Concurrent Store", tags=None)
            staff_create(staff_id=STAFF, name="Hanako", pin="0000", roles=["staff"])
            terminal = services.terminal_create(tenant_id=TENANT, store_code=STORE, terminal_no=1, description="c")
            services.terminal_sign_in(terminal_id=terminal.terminal_id, staff_id=STAFF)
        connection.set_schema_to_public()
        yield terminal.terminal_id
    finally:
        connection.set_schema_to_public()
        EventRecord.objects.filter(tenant_id=TENANT).delete()
        ApiKeyIndex.objects.filter(tenant_id=TENANT).delete()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
        Tenant.objects.filter(tenant_id=TENANT).delete()


def run_in_threads(count: int, work) -> list:
    """Start ``count`` threads together; each runs ``work(index)`` on its own database connection."""
    return support.run_in_threads(count, work, tenant_id=TENANT)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "operation",
    ["sign_in", "sign_out", "open", "close", "cash_in", "cash_out", "update_description", "update_function_mode"],
)
def test_every_terminal_command_locks_the_row_first(term_a, clock, operation):
    """The commands below start with ``SELECT ... FOR UPDATE OF`` on the terminal row, before any write."""
    from django.test.utils import CaptureQueriesContext

    with tenant_context(TENANT_A):
        if operation in ("close", "cash_in", "cash_out"):
            services.terminal_sign_in(terminal_id=term_a.terminal_id, staff_id="S001")
            services.terminal_open(terminal_id=term_a.terminal_id, initial_amount=None)
            clock.tick()
        arguments = {
            "sign_in": {"staff_id": "S001"},
            "open": {"initial_amount": None},
            "close": {"physical_amount": None},
            "cash_in": {"amount": Decimal("1")},
            "cash_out": {"amount": Decimal("1")},
            "update_description": {"description": "d"},
            "update_function_mode": {"function_mode": "Reports"},
        }.get(operation, {})
        with CaptureQueriesContext(connection) as queries:
            getattr(services, f"terminal_{operation}")(terminal_id=term_a.terminal_id, **arguments)
    statements = [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "SET search_path"))
    ]
    assert 'FOR UPDATE OF "terminal_terminal"' in statements[0], statements[0]


def test_concurrent_cash_ins_all_count(shared_terminal):
    with tenant_context(TENANT):
        services.terminal_open(terminal_id=shared_terminal, initial_amount=None)

    def cash(index: int) -> list:
        return [
            services.terminal_cash_in(
                terminal_id=shared_terminal, amount=Decimal(index * 10 + round_), description="c"
            ).event_id
            for round_ in range(5)
        ]

    results = run_in_threads(6, cash)
    assert all(isinstance(result, list) for result in results), results
    with tenant_context(TENANT):
        assert CashLog.objects.count() == 30
        assert len(set(CashLog.objects.values_list("generate_date_time", flat=True))) == 30
        result = services.terminal_close(terminal_id=shared_terminal, physical_amount=None)
    assert result.log.cash_in_out_count == 30
    assert EventRecord.objects.filter(tenant_id=TENANT, event_type="cashlog").count() == 30


def test_two_concurrent_opens_one_wins_and_counts_once(shared_terminal):
    results = run_in_threads(
        2, lambda index: services.terminal_open(terminal_id=shared_terminal, initial_amount=Decimal("100"))
    )
    outcomes = Counter(type(result).__name__ for result in results)
    assert outcomes == Counter({"SessionResult": 1, "TerminalStatusError": 1}), results
    with tenant_context(TENANT):
        terminal = Terminal.objects.get(terminal_id=shared_terminal)
        assert (terminal.status, terminal.open_counter, terminal.business_counter) == ("Opened", 1, 1)
        assert OpenCloseLog.objects.count() == 1
        assert CashLog.objects.count() == 1


def test_racing_opens_and_closes_never_lose_a_counter_increment(shared_terminal):
    def flip(index: int) -> Counter:
        done: Counter = Counter()
        for _ in range(8):
            for operation in (services.terminal_open, services.terminal_close):
                amount = {"initial_amount": None} if operation is services.terminal_open else {"physical_amount": None}
                try:
                    operation(terminal_id=shared_terminal, **amount)
                except KugelposError as exc:
                    assert exc.error_code == "406003"
                else:
                    done[operation.__name__] += 1
        return done

    results = run_in_threads(4, flip)
    assert all(isinstance(result, Counter) for result in results), results
    opens = sum(result["terminal_open"] for result in results)
    closes = sum(result["terminal_close"] for result in results)
    with tenant_context(TENANT):
        terminal = Terminal.objects.get(terminal_id=shared_terminal)
        logs = Counter(OpenCloseLog.objects.values_list("operation", flat=True))
    assert opens >= 1
    assert terminal.business_counter == opens and terminal.open_counter == opens  # one business date
    assert logs == Counter({"open": opens, "close": closes})
    assert closes in (opens, opens - 1) and terminal.status == ("Opened" if closes < opens else "Closed")
