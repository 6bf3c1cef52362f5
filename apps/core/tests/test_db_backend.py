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
