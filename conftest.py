"""Test-session set-up shared by every app.

Tenant schemas are expensive to create (every tenant migration, or a clone of the template), so the two test
tenants are created once per session; every test then runs in a transaction that is rolled back.
"""

from __future__ import annotations

import faulthandler
import os
import sys

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.support import TENANT_A, TENANT_B, make_superuser

# A test that hangs must not hold CI silently until its time limit: after TEST_HANG_SECONDS (far above the
# slowest test) every thread's stack goes to the real stderr (pytest captures fd 2 while a test runs, so it is
# duplicated at configure time, when capturing is suspended) and the run ends with an error.
TEST_HANG_SECONDS = int(os.environ.get("TEST_HANG_SECONDS", "300"))
_hang_report_fd: int | None = None


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    global _hang_report_fd
    _hang_report_fd = os.dup(sys.__stderr__.fileno())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if _hang_report_fd is not None:
        faulthandler.dump_traceback_later(TEST_HANG_SECONDS, exit=True, file=_hang_report_fd)
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from apps.core import tenancy

    with django_db_blocker.unblock():
        tenancy.ensure_template_schema()
        for tenant_id in (TENANT_A, TENANT_B):
            tenancy.tenant_ensure(tenant_id=tenant_id)
        connection.set_schema_to_public()
    yield


@pytest.fixture(autouse=True)
def _public_schema_between_tests():
    from apps.core.tenancy import tenant_cache_clear

    yield
    tenant_cache_clear()  # tenants created inside a rolled-back test must not outlive it in the cache
    if connection.connection is not None or connection.tenant is not None:
        connection.set_schema_to_public()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture(autouse=True)
def _clean_after_transactional_tests(request, django_db_blocker):
    """Tests that commit (``transaction=True``) leave data behind, and Django's flush after them empties the
    public tenant registry: give the next test its tenants back, with empty schemas."""
    yield
    if not _is_transactional(request):
        return
    from apps.core import tenancy

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            for tenant_id in (TENANT_A, TENANT_B):
                schema = tenancy.schema_name_for(tenant_id)
                cursor.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename NOT IN "
                    "('django_migrations', 'django_content_type', 'auth_permission', 'auth_group', "
                    "'auth_group_permissions')",
                    [schema],
                )
                tables = [f'"{schema}"."{name}"' for (name,) in cursor.fetchall()]
                if tables:
                    cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        for tenant_id in (TENANT_A, TENANT_B):
            tenancy.tenant_ensure(tenant_id=tenant_id)
        connection.set_schema_to_public()


@pytest.fixture
def tenant_a(db):
    from apps.core.tenancy import tenant_ensure

    return tenant_ensure(tenant_id=TENANT_A)


@pytest.fixture
def tenant_b(db):
    from apps.core.tenancy import tenant_ensure

    return tenant_ensure(tenant_id=TENANT_B)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def admin_a(tenant_a):
    return make_superuser(TENANT_A)


@pytest.fixture
def admin_b(tenant_b):
    return make_superuser(TENANT_B)


@pytest.fixture
def token_a(admin_a) -> str:
    from apps.core.auth import user_token

    return user_token(username="admin", tenant_id=TENANT_A, is_superuser=True)


@pytest.fixture
def token_b(admin_b) -> str:
    from apps.core.auth import user_token

    return user_token(username="admin", tenant_id=TENANT_B, is_superuser=True)
