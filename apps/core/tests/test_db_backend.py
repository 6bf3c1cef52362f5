"""The database backend: the search path is sent only when the connection is not in it yet, and the health
check of an idle connection needs no round trip but finds a connection PostgreSQL has closed."""

import os
import resource
import time

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from apps.core import tenancy

pytestmark = pytest.mark.django_db


def sets(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SET search_path")]


def query_terminals() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM terminal_terminal")


def test_the_search_path_is_sent_once_while_the_connection_stays_in_the_tenant(tenant_a, tenant_b):
    with CaptureQueriesContext(connection) as captured:
        tenancy.activate(tenant_a)
        query_terminals()
        connection.set_schema_to_public()  # what the tenant middleware does between requests
        tenancy.activate(tenant_a)
        query_terminals()
        query_terminals()
    assert sets(captured) == [f'SET search_path = "{tenant_a.schema_name}","public"']

    with CaptureQueriesContext(connection) as captured:
        tenancy.activate(tenant_b)
        query_terminals()
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        tenancy.activate(tenant_a)
        query_terminals()
    assert sets(captured) == [
        f'SET search_path = "{tenant_b.schema_name}","public"',
        'SET search_path = "public"',
        f'SET search_path = "{tenant_a.schema_name}","public"',
    ]


def test_a_search_path_that_a_rollback_may_have_undone_is_sent_again(tenant_a, tenant_b):
    tenancy.activate(tenant_b)
    query_terminals()
    tenancy.activate(tenant_a)
    with CaptureQueriesContext(connection) as captured:
        sid = transaction.savepoint()
        query_terminals()  # SET inside the savepoint ...
        transaction.savepoint_rollback(sid)  # ... and undone with it
        query_terminals()
    assert sets(captured) == [f'SET search_path = "{tenant_a.schema_name}","public"'] * 2
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        assert cursor.fetchone()[0] == f"{tenant_a.schema_name}, public"


def test_an_idle_connection_that_postgresql_closed_is_unusable_without_a_query():
    other = connections.create_connection("default")
    try:
        other.ensure_connection()
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with CaptureQueriesContext(other) as captured:
            assert other.is_usable()
        assert captured.captured_queries == []
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 5
        while other.is_usable() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not other.is_usable()
    finally:
        other.close()


def test_the_check_works_on_a_connection_whose_descriptor_is_1024_or_more():
    """select() cannot watch a descriptor of 1024 or more (issue #25): a healthy connection there read as broken."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1100:
        if hard != resource.RLIM_INFINITY and hard < 1100:
            pytest.skip(f"the hard descriptor limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (1100, hard))
    fillers = []
    other = connections.create_connection("default")
    try:
        while True:  # take the low descriptors, so the connection's socket gets one of 1024 or more
            fillers.append(os.open(os.devnull, os.O_RDONLY))
            if fillers[-1] >= 1030:
                break
        other.ensure_connection()
        assert other.connection.fileno() >= 1024
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with CaptureQueriesContext(other) as captured:
            assert other.is_usable()
        assert captured.captured_queries == []
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 5
        while other.is_usable() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not other.is_usable()
    finally:
        other.close()
        for descriptor in fillers:
            os.close(descriptor)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_statement_prepared_in_one_tenant_reads_the_other_tenants_table_after_the_switch(tenant_a, tenant_b):
    """Statements run often are prepared on the server (settings: prepare_threshold); PostgreSQL must plan them
    again for the new search path, never read the first tenant's table."""
    from apps.masterdata.models import DataVersion

    assert connection.connection.prepare_threshold == 5

    def version():
        return list(DataVersion.objects.filter(pk=1).values_list("version", flat=True))

    tenancy.activate(tenant_a)
    DataVersion.objects.update_or_create(pk=1, defaults={"version": 111})
    tenancy.activate(tenant_b)
    DataVersion.objects.update_or_create(pk=1, defaults={"version": 222})
    for _ in range(3):
        tenancy.activate(tenant_a)
        assert [version() for _ in range(7)] == [[111]] * 7
        tenancy.activate(tenant_b)
        assert [version() for _ in range(7)] == [[222]] * 7
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["%masterdata_dataversion%"])
        assert cursor.fetchone()[0] >= 1  # it really was prepared


# --- a transaction's BEGIN with its first statement, its last statements with its COMMIT (issue #23) -----------
def _record_sql() -> str:
    return ('INSERT INTO "public"."core_idempotencyrecord" (scope, tenant_id, caller, method, path, key, '
            "request_hash, status, headers, body, created_at) "
            "VALUES (%s, '', 'test', 'POST', '/', 'k', '', 200, '[]', '', now())")


def _records(*scopes: str) -> list[str]:
    from apps.core.models import IdempotencyRecord

    return sorted(IdempotencyRecord.objects.filter(scope__in=scopes).values_list("scope", flat=True))


class _RoundTrips:
    """Counts the round trips the connection makes: the client's Sync and Query messages (libpq's trace)."""

    def __enter__(self):
        import tempfile

        connection.ensure_connection()
        self.file = tempfile.TemporaryFile()
        connection.connection.pgconn.trace(self.file.fileno())
        return self

    def __exit__(self, *exc):
        connection.connection.pgconn.untrace()
        self.file.seek(0)
        lines = self.file.read().decode(errors="replace").splitlines()
        self.count = sum(1 for line in lines if "\tF\t" in line and line.split("\t")[3].startswith(("Sync", "Query")))
        self.file.close()


def _one_transaction(*, lazily: bool, scope: str) -> tuple[int, int]:
    """Two reads of the transaction id and a record inserted, in one outermost atomic block."""
    connection.begin_with_first_statement = lazily
    with transaction.atomic():
        connection.begin_with_first_statement = False
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_current()")
            first = cursor.fetchone()[0]
            cursor.execute("SELECT txid_current()")
            second = cursor.fetchone()[0]
        if lazily:
            connection.execute_with_commit(_record_sql(), [scope])
        else:
            with connection.cursor() as cursor:
                cursor.execute(_record_sql(), [scope])
    return first, second


@pytest.mark.django_db(transaction=True)
def test_a_transaction_sends_its_begin_with_its_first_statement_and_its_last_with_its_commit():
    for n in range(6):  # the search path set, the statements prepared (prepare_threshold) before counting
        _one_transaction(lazily=False, scope=f"warm-up-{n}")
        _one_transaction(lazily=True, scope=f"warm-up-lazily-{n}")
    with _RoundTrips() as plain:
        _one_transaction(lazily=False, scope="plain")
    with _RoundTrips() as lazy:
        first, second = _one_transaction(lazily=True, scope="lazy")
    assert first == second  # one transaction
    assert (plain.count, lazy.count) == (5, 3)  # BEGIN, 2 reads, INSERT, COMMIT; BEGIN+read, read, INSERT+COMMIT
    assert _records("plain", "lazy") == ["lazy", "plain"]  # committed
    assert connection.get_autocommit()


@pytest.mark.django_db(transaction=True)
def test_a_failing_statement_sent_with_the_commit_rolls_the_whole_transaction_back():
    from django.db import IntegrityError

    _one_transaction(lazily=True, scope="taken")
    hooks: list[str] = []
    with pytest.raises(IntegrityError):
        connection.begin_with_first_statement = True
        with transaction.atomic():
            connection.begin_with_first_statement = False
            with connection.cursor() as cursor:
                cursor.execute(_record_sql(), ["written-before"])
            transaction.on_commit(lambda: hooks.append("ran"))
            connection.execute_with_commit(_record_sql(), ["taken"])  # the primary key is taken: fails at COMMIT
    assert _records("written-before", "taken") == ["taken"]  # the statement before it was rolled back too
    assert hooks == []
    assert connection.get_autocommit() and connection.connection.info.transaction_status == 0  # idle, usable
    _one_transaction(lazily=True, scope="after")
    assert _records("after") == ["after"]


@pytest.mark.django_db(transaction=True)
def test_a_lazily_begun_transaction_that_fails_or_sends_nothing_leaves_nothing():
    with pytest.raises(RuntimeError):
        connection.begin_with_first_statement = True
        with transaction.atomic():
            connection.begin_with_first_statement = False
            with connection.cursor() as cursor:
                cursor.execute(_record_sql(), ["rolled-back"])
            raise RuntimeError("the request failed")
    connection.begin_with_first_statement = True
    with transaction.atomic():  # no statement at all: no BEGIN is ever sent
        connection.begin_with_first_statement = False
    assert _records("rolled-back") == []
    with connection.cursor() as cursor:  # autocommit again: this commits on its own
        cursor.execute(_record_sql(), ["autocommit"])
    assert _records("autocommit") == ["autocommit"]
