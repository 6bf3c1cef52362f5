"""Journal test fixtures: reading stored entries, recording stand-ins for the other consumers, tenant tokens."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from apps.core import events, registry
from apps.core.auth import service_token
from apps.core.tenancy import tenant_context
from apps.journal.models import JournalEntry
from tests.support import TENANT_A


@pytest.fixture
def stored() -> Callable[..., list[JournalEntry]]:
    """``stored(**filters)``: the tenant's journal entries (default tenant A), oldest first."""

    def read(tenant_id: str = TENANT_A, **filters) -> list[JournalEntry]:
        with tenant_context(tenant_id):
            rows = list(JournalEntry.objects.filter(**filters).order_by("id"))
        connection.set_schema_to_public()
        return rows

    return read


@pytest.fixture
def other_consumers():
    """Recording stand-ins for the report and stock consumers (not built yet), registered through the real
    registry next to the real journal consumer; ``failing`` makes one of them raise. Restored afterwards."""
    calls: dict[str, list[str]] = {"report": [], "stock": []}
    failing: set[str] = set()

    def make(service: str):
        def handle(payload: dict) -> None:
            if service in failing:
                raise RuntimeError(f"{service} is down")
            calls[service].append(payload["event_id"])

        return handle

    saved = dict(registry._HANDLERS)
    for service in calls:
        for event_type in events.TOPICS:
            if service in registry.consumers_of(event_type):
                registry.register_consumer(service=service, event_type=event_type, handler=make(service))
    yield calls, failing
    registry._HANDLERS.clear()
    registry._HANDLERS.update(saved)


@pytest.fixture
def service_token_a(tenant_a) -> str:
    return service_token(service="cart-service", tenant_id=TENANT_A)


@pytest.fixture
def refusing_storage(tenant_a):
    """Make PostgreSQL itself refuse every journal insert in tenant A (a real storage fault, no mock); call the
    returned function to lift it. DDL is transactional, so the test's rollback undoes it in any case."""

    def run(*statements: str) -> None:
        with tenant_context(TENANT_A), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        connection.set_schema_to_public()

    run(
        "CREATE FUNCTION journal_refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'journal storage unavailable'; END $$",
        "CREATE TRIGGER journal_refuse BEFORE INSERT ON journal_journalentry "
        "FOR EACH ROW EXECUTE FUNCTION journal_refuse()",
    )
    return lambda: run("DROP TRIGGER journal_refuse ON journal_journalentry")
