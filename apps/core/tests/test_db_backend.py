"""The database backend: the search path is sent only when the connection is not in it yet, and the health
check of an idle connection needs no round trip but finds a connection PostgreSQL has closed."""

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


def test_a_statement_prepared_in_one_tenant_reads_the_other_tenants_table_after_the_switch(tenant_a, tenant_b):
    """Statements run often are prepared on the server (settings: prepare_threshold); PostgreSQL must plan them
    again for the new search path, never read the first tenant's table."""
    from apps.cart.models import CacheVersion

    assert connection.connection.prepare_threshold == 5

    def version():
        return list(CacheVersion.objects.filter(pk=1).values_list("version", flat=True))

    tenancy.activate(tenant_a)
    CacheVersion.objects.update_or_create(pk=1, defaults={"version": 111})
    tenancy.activate(tenant_b)
    CacheVersion.objects.update_or_create(pk=1, defaults={"version": 222})
    for _ in range(3):
        tenancy.activate(tenant_a)
        assert [version() for _ in range(7)] == [[111]] * 7
        tenancy.activate(tenant_b)
        assert [version() for _ in range(7)] == [[222]] * 7
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%cart_cacheversion%"])
        assert cursor.fetchone()[0] >= 1  # it really was prepared


# --- issue #26: connections recycled by schemas touched ---------------------------------------------------------
def _enter_and_read(wrapper, tenant) -> None:
    wrapper.set_tenant(tenant)
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM terminal_terminal")
        cursor.fetchone()


def _backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_connection_is_recycled_after_its_request_once_it_has_been_in_the_limit_of_schemas(
    tenant_a, tenant_b, settings
):
    settings.DB_MAX_SCHEMAS_PER_CONNECTION = 3  # public, tenant A, tenant B
    other = connections.create_connection("default")
    try:
        other.set_schema_to_public()
        pid = _backend_pid(other)
        _enter_and_read(other, tenant_a)
        _enter_and_read(other, tenant_a)
        other.close_if_unusable_or_obsolete()  # what request_finished / a task's end does
        assert other.connection is not None and _backend_pid(other) == pid
        assert other.schemas_touched == {"public", tenant_a.schema_name}

        _enter_and_read(other, tenant_b)
        assert other.schemas_touched == {"public", tenant_a.schema_name, tenant_b.schema_name}
        other.close_if_unusable_or_obsolete()
        assert other.connection is None and other.schemas_touched == set()

        _enter_and_read(other, tenant_b)  # a new PostgreSQL session, counting from its own first schema
        assert _backend_pid(other) != pid
        assert other.schemas_touched == {tenant_b.schema_name}
    finally:
        other.close()


def test_without_a_limit_a_connection_is_never_recycled_for_its_schemas(tenant_a, tenant_b, settings):
    settings.DB_MAX_SCHEMAS_PER_CONNECTION = 0
    other = connections.create_connection("default")
    try:
        _enter_and_read(other, tenant_a)
        pid = _backend_pid(other)
        _enter_and_read(other, tenant_b)
        other.set_schema_to_public()
        _backend_pid(other)
        other.close_if_unusable_or_obsolete()
        assert other.connection is not None and _backend_pid(other) == pid
        assert other.schemas_touched == {"public", tenant_a.schema_name, tenant_b.schema_name}
    finally:
        other.close()
