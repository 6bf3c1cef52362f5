"""Test-session set-up shared by every app.

Tenant schemas are expensive to create (every tenant migration, or a clone of the template), so the two test
tenants are created once per session; every test then runs in a transaction that is rolled back.
"""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.core.testing import TENANT_A, TENANT_B, make_superuser


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
    yield
    if connection.connection is not None or connection.tenant is not None:
        connection.set_schema_to_public()


@pytest.fixture
def tenant_a(db):
    from apps.core.tenancy import tenant_get

    return tenant_get(TENANT_A)


@pytest.fixture
def tenant_b(db):
    from apps.core.tenancy import tenant_get

    return tenant_get(TENANT_B)


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
