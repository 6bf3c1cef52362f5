"""Fixtures of the report tests: feed logs through the real consumers, call the report endpoints."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from django.test import Client

from apps.core import events
from tests.support import TENANT_A, bearer

REPORTS = "/report/api/v1/tenants/{tenant}/stores/{store}/reports"
TERMINAL_REPORTS = "/report/api/v1/tenants/{tenant}/stores/{store}/terminals/{terminal}/reports"


@pytest.fixture
def consume(tenant_a) -> Callable[..., None]:
    """``consume(event_type, payloads)``: run the report consumer on each payload (tenant from the payload)."""

    def run(event_type: str, payloads: Iterable[dict]) -> None:
        for payload in payloads:
            events.event_consume(service="report", event_type=event_type, payload=payload)

    return run


@pytest.fixture
def consume_all(consume) -> Callable[[dict[str, list[dict]]], None]:
    def run(logs: dict[str, list[dict]]) -> None:
        for event_type, payloads in logs.items():
            consume(event_type, payloads)

    return run


@pytest.fixture
def get_report(api, token_a) -> Callable:
    """``get_report(terminal=None, store="5678", headers=None, **params)`` -> response."""

    def run(*, terminal: int | None = None, store: str = "5678", tenant: str = TENANT_A, headers=None, **params):
        if terminal is None:
            url = REPORTS.format(tenant=tenant, store=store)
        else:
            url = TERMINAL_REPORTS.format(tenant=tenant, store=store, terminal=terminal)
        return api.get(url, params, **(headers if headers is not None else bearer(token_a)))

    return run


@pytest.fixture
def report_data(get_report) -> Callable:
    """Like ``get_report`` but asserts 200 and returns ``data``."""

    def run(**params):
        response = get_report(**params)
        assert response.status_code == 200, response.json()
        return response.json()["data"]

    return run


@pytest.fixture
def manager(admin_a) -> Client:
    """A client signed in to tenant A's back office as its store manager."""
    client = Client()
    response = client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    assert response.status_code == 302
    return client
