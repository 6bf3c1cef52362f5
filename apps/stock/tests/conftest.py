"""Fixtures of the stock tests: an authenticated client of tenant A, URL helpers, alert cooldown off by default
(spec/50 §10 "ALERT_COOLDOWN_SECONDS=0 unless stated") and a unique store per WebSocket test, so runs sharing
one Redis never see each other's alerts."""

from __future__ import annotations

import uuid

import pytest

from apps.core.tenancy import tenant_context
from tests.support import TENANT_A, bearer

from .factories import STORE


def store_url(path: str = "", *, store: str = STORE, tenant: str = TENANT_A) -> str:
    return f"/stock/api/v1/tenants/{tenant}/stores/{store}/stock{path}"


def schedule_url(tenant: str = TENANT_A) -> str:
    return f"/stock/api/v1/tenants/{tenant}/stock/snapshot-schedule"


def in_tenant_a():
    return tenant_context(TENANT_A)


@pytest.fixture(autouse=True)
def _no_alert_cooldown(settings):
    settings.ALERT_COOLDOWN_SECONDS = 0


@pytest.fixture
def client_a(api, token_a):
    api.credentials(**bearer(token_a))
    return api


@pytest.fixture
def ws_store() -> str:
    return f"ws{uuid.uuid4().hex[:10]}"


@pytest.fixture
def socket_db(monkeypatch):
    """Let a WebSocket consumer read this test's (uncommitted) data.

    Async tests here run under ``async_to_sync``, so the consumer's database calls come back to the test thread
    and its connection; what must not happen is channels closing that connection mid-transaction (the way
    Django's own test client disconnects ``close_old_connections`` while it serves a request).
    """
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)
