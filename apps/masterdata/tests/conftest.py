"""Fixtures of the master-data tests: an authenticated API client for tenant A and tenant-schema access."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.core.tenancy import tenant_context
from tests.support import TENANT_A, bearer

BASE = f"/master-data/api/v1/tenants/{TENANT_A}"


@pytest.fixture
def client_a(api: APIClient, token_a: str) -> APIClient:
    """The API client with a user JWT of tenant A on every request."""
    api.credentials(**bearer(token_a))
    return api


@pytest.fixture
def in_tenant_a(tenant_a):
    """A context-manager factory: ``with in_tenant_a(): ...`` reads and writes tenant A's schema."""
    return lambda: tenant_context(TENANT_A)


@pytest.fixture
def warm_tenant_a(tenant_a, settings):
    """Tenant A's schema entered for the whole test, so query-count assertions count only the code under test.

    django-tenants re-issues ``SET search_path`` before every cursor unless ``TENANT_LIMIT_SET_CALLS`` is on; with
    it on (and the path set once here) the counts are the queries themselves.
    """
    from django.db import connection

    settings.TENANT_LIMIT_SET_CALLS = True
    with tenant_context(TENANT_A):
        connection.cursor().close()
        yield
