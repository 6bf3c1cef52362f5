"""Concurrent stock changes on real connections and real commits (spec/50 §5.1: "concurrent changes on the
same item must never lose an increment"), and two logs touching the same items in opposite order.

These commit for real, in a tenant of their own that the fixture creates and drops again. They avoid
``django_db(transaction=True)``, whose teardown flushes the public tenant registry.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from apps.core import events
from apps.core.models import ConsumedEvent
from apps.core.tenancy import tenant_context
from apps.stock import services
from apps.stock.models import Stock, StockUpdate
from tests import support

TENANT = "TSTKCONC"
STORE = "C1"
EVENT_IDS: list[str] = []


@pytest.fixture
def committed_tenant(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), support.committed_tenant(TENANT, consumer="stock", event_ids=EVENT_IDS):
        yield TENANT


def run_in_threads(count: int, work) -> list:
    return support.run_in_threads(count, work, tenant_id=TENANT)


@pytest.mark.django_db
def test_a_log_is_one_upsert_over_its_items_in_item_order_then_its_history(tenant_a):
    """The statements behind the two tests below: the increment happens inside one INSERT … ON CONFLICT … DO
    UPDATE over all the log's items, which writes (and so locks) their rows sorted by item code; then one insert
    of the history rows."""
    from django.test.utils import CaptureQueriesContext

    from tests.support import TENANT_A

    with tenant_context(TENANT_A), CaptureQueriesContext(connection) as queries:
        updates = services.stock_apply_tranlog(payload={
            "tenant_id": TENANT_A, "store_code": STORE, "transaction_no": 1, "transaction_type": 101,
            "line_items": [{"item_code": "Z", "quantity": 1}, {"item_code": "A", "quantity": 2},
                           {"item_code": "Z", "quantity": 3}]})
    statements = [q["sql"] for q in queries.captured_queries
                  if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "SET search_path"))]
    assert len(statements) == 2
    assert '"current_quantity" = s."current_quantity" + EXCLUDED."current_quantity"' in statements[0]
    assert "ORDER BY change.item_code" in statements[0]
    assert statements[1].startswith('INSERT INTO "stock_stockupdate"')
    assert [(u.item_code, u.before_quantity, u.after_quantity) for u in updates] == [
        ("Z", 0.0, -1.0), ("A", 0.0, -2.0), ("Z", -1.0, -4.0)]


def test_concurrent_changes_on_one_item_all_count(committed_tenant):
    def work(index: int) -> int:
        for _ in range(10):
            services.stock_apply_change(tenant_id=TENANT, store_code=STORE, item_code="HOT",
                                        quantity_change=-1.0, update_type="sale", reference_id=f"t{index}")
        return index

    results = run_in_threads(8, work)
    assert results == list(range(8)), results
    with tenant_context(TENANT):
        assert Stock.objects.get(store_code=STORE, item_code="HOT").current_quantity == -80.0
        afters = sorted(StockUpdate.objects.filter(item_code="HOT").values_list("after_quantity", flat=True))
        assert afters == [float(-n) for n in range(80, 0, -1)]  # every intermediate value exactly once
    connection.set_schema_to_public()


def test_logs_touching_items_in_opposite_order_do_not_deadlock(committed_tenant):
    def work(index: int) -> bool:
        lines = [{"item_code": "X", "quantity": 1}, {"item_code": "Y", "quantity": 1}]
        if index % 2:
            lines.reverse()
        ok = True
        for round_no in range(5):
            EVENT_IDS.append(event_id := str(uuid.uuid4()))
            payload = {"event_id": event_id, "tenant_id": TENANT, "store_code": STORE,
                       "transaction_no": round_no, "transaction_type": 101, "sales": {"is_cancelled": False},
                       "line_items": lines}
            ok = events.event_consume(service="stock", event_type="tranlog", payload=payload) and ok
        return ok

    results = run_in_threads(6, work)
    assert results == [True] * 6, results
    with tenant_context(TENANT):
        quantities = dict(Stock.objects.filter(store_code=STORE).values_list("item_code", "current_quantity"))
        assert quantities == {"X": -30.0, "Y": -30.0}
    connection.set_schema_to_public()


def test_one_event_delivered_by_four_workers_at_once_changes_stock_once(committed_tenant, monkeypatch):
    """The fan-out's delivery transaction locks the event's record: the other workers wait, then find the
    processed marker and do nothing twice (spec/00 §10.6 rule 3)."""
    monkeypatch.setattr(events, "_send_to_broker", lambda event_id, tenant_id: None)  # the workers are below
    EVENT_IDS.append(event_id := str(uuid.uuid4()))
    connection.set_schema_to_public()
    record = events.event_publish(event_type="tranlog", payload={
        "event_id": event_id, "tenant_id": TENANT, "store_code": STORE, "transaction_no": 1,
        "transaction_type": 101, "sales": {"is_cancelled": False},
        "line_items": [{"item_code": "ONCE", "quantity": 2}, {"item_code": "TWICE", "quantity": 1},
                       {"item_code": "ONCE", "quantity": 1}]})
    try:
        results = run_in_threads(
            4, lambda index: events.event_deliver(event_id=event_id, services=["stock"], tenant_id=TENANT))
        # a worker that waited reports "received" (the work is there) or nothing (it saw the status already)
        assert all(result in ({}, {"stock": "received"}) for result in results), results
        assert {"stock": "received"} in results
        with tenant_context(TENANT):
            quantities = dict(Stock.objects.filter(store_code=STORE).values_list("item_code", "current_quantity"))
            assert quantities == {"ONCE": -3.0, "TWICE": -1.0}
            assert StockUpdate.objects.filter(reference_id__isnull=False).count() == 3
        connection.set_schema_to_public()
        statuses = dict(record.deliveries.values_list("service_name", "status"))
        assert statuses == {"journal": "pending", "report": "pending", "stock": "received"}
        assert ConsumedEvent.objects.filter(event_id=event_id).count() == 1
    finally:
        connection.set_schema_to_public()
        record.delete()
