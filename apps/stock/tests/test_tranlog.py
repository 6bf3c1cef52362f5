"""Transaction-log consumption (spec/50 §5.4, scenarios 4–6 of §10): through the real outbox and fan-out, the
HTTP compatibility receiver, and the idempotency marker."""

import uuid

import pytest
from django.db import connection

from apps.core import events
from apps.core.auth import service_token
from apps.core.models import ConsumedEvent
from apps.stock import services
from apps.stock.models import Stock, StockUpdate
from tests.support import TENANT_A

from .conftest import in_tenant_a
from .factories import StockFactory

pytestmark = pytest.mark.django_db

LINES = [
    {"line_no": 1, "item_code": "A", "quantity": 2, "is_cancelled": False},
    {"line_no": 2, "item_code": "B", "quantity": 3, "is_cancelled": True},
    {"line_no": 3, "item_code": "C", "quantity": 1, "is_cancelled": False},
    {"line_no": 4, "item_code": "D", "quantity": 0, "is_cancelled": False},
]


def tranlog(transaction_type=101, transaction_no=100, lines=LINES, *, cancelled=False, event_id=None):
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "tenant_id": TENANT_A, "store_code": "5678", "terminal_no": 1, "transaction_no": transaction_no,
        "transaction_type": transaction_type, "business_date": "20250115", "open_counter": 1,
        "sales": {"is_cancelled": cancelled, "total_amount": 300.0}, "line_items": lines, "payments": [],
    }


def publish(payload, capture):
    """What cart does: write the log's delivery record in its transaction; delivery runs after commit."""
    with capture(execute=True):
        record = events.event_publish(event_type="tranlog", payload=payload)
    connection.set_schema_to_public()
    return record


def stock_delivery(event_id):
    record = events.delivery_record(event_id=event_id)
    delivery = next(d for d in record.deliveries.all() if d.service_name == "stock")
    return delivery.status, delivery.message


def quantities(*codes):
    with in_tenant_a():
        rows = dict(Stock.objects.filter(store_code="5678", item_code__in=codes).values_list("item_code",
                                                                                            "current_quantity"))
    return {code: rows.get(code) for code in codes}


@pytest.fixture
def a10_c5(tenant_a):
    with in_tenant_a():
        StockFactory(item_code="A", current_quantity=10.0)
        StockFactory(item_code="C", current_quantity=5.0)


def test_sale_log_takes_eligible_lines_off_stock(a10_c5, django_capture_on_commit_callbacks):
    record = publish(tranlog(), django_capture_on_commit_callbacks)
    assert quantities("A", "B", "C", "D") == {"A": 8.0, "B": None, "C": 4.0, "D": None}
    with in_tenant_a():
        history = StockUpdate.objects.get(item_code="A")
        assert (history.update_type, history.quantity_change, history.before_quantity, history.after_quantity) == (
            "sale", -2.0, 10.0, 8.0)
        assert history.reference_id == "100" and history.operator_id is None and history.note is None
        assert Stock.objects.get(item_code="A").last_transaction_id == "100"
    assert stock_delivery(record.event_id)[0] == "received"


def test_void_return_and_void_return(a10_c5, django_capture_on_commit_callbacks):
    publish(tranlog(101, 100), django_capture_on_commit_callbacks)
    publish(tranlog(201, 101), django_capture_on_commit_callbacks)
    assert quantities("A", "C") == {"A": 10.0, "C": 5.0}
    publish(tranlog(102, 102, [{"item_code": "A", "quantity": 1}]), django_capture_on_commit_callbacks)
    assert quantities("A") == {"A": 11.0}
    publish(tranlog(202, 103, [{"item_code": "A", "quantity": 1}]), django_capture_on_commit_callbacks)
    assert quantities("A") == {"A": 10.0}
    with in_tenant_a():
        steps = list(StockUpdate.objects.filter(item_code="A").order_by("id").values_list(
            "update_type", "quantity_change", "reference_id"))
    assert steps == [("sale", -2.0, "100"), ("void", 2.0, "101"), ("return", 1.0, "102"),
                     ("void_return", -1.0, "103")]


@pytest.mark.parametrize("payload", [tranlog(101, cancelled=True), tranlog(301), tranlog(101, lines=[])])
def test_ignored_logs_change_nothing_but_count_as_processed(a10_c5, django_capture_on_commit_callbacks, payload):
    record = publish(dict(payload, event_id=str(uuid.uuid4())), django_capture_on_commit_callbacks)
    assert quantities("A", "C") == {"A": 10.0, "C": 5.0}
    with in_tenant_a():
        assert StockUpdate.objects.count() == 0
    assert ConsumedEvent.objects.filter(consumer="stock", event_id=record.event_id).exists()
    assert stock_delivery(record.event_id)[0] == "received"


def test_the_same_log_delivered_twice_changes_stock_once(a10_c5, django_capture_on_commit_callbacks):
    record = publish(tranlog(), django_capture_on_commit_callbacks)
    # the fan-out again, then the same payload over the HTTP receiver
    events.event_deliver(event_id=record.event_id, services=None)
    assert events.event_consume(service="stock", event_type="tranlog", payload=record.payload) is False
    assert services.stock_receive_tranlog(payload=record.payload) is False
    assert quantities("A", "C") == {"A": 8.0, "C": 4.0}
    with in_tenant_a():
        assert StockUpdate.objects.count() == 2
    assert stock_delivery(record.event_id) == ("received", "Duplicate event")


def test_a_failing_log_rolls_back_every_line_and_is_retried(a10_c5, monkeypatch):
    payload = tranlog()
    seen = []

    def fail_after_the_quantities_changed(rows, *args, **kwargs):
        seen.append(quantities("A", "C"))  # both lines' quantities are already changed in the transaction
        raise RuntimeError("disk full")

    monkeypatch.setattr(StockUpdate.objects, "bulk_create", fail_after_the_quantities_changed)
    with pytest.raises(RuntimeError):
        events.event_consume(service="stock", event_type="tranlog", payload=payload)
    assert seen == [{"A": 8.0, "C": 4.0}]
    assert quantities("A", "C") == {"A": 10.0, "C": 5.0}
    assert not ConsumedEvent.objects.filter(event_id=payload["event_id"]).exists()
    monkeypatch.undo()
    assert events.event_consume(service="stock", event_type="tranlog", payload=payload) is True
    assert quantities("A", "C") == {"A": 8.0, "C": 4.0}


def test_same_item_on_two_lines_gives_two_history_rows(tenant_a):
    payload = tranlog(lines=[{"item_code": "A", "quantity": 1}, {"item_code": "A", "quantity": 2}])
    events.event_consume(service="stock", event_type="tranlog", payload=payload)
    with in_tenant_a():
        rows = list(StockUpdate.objects.filter(item_code="A").order_by("id").values_list(
            "before_quantity", "after_quantity"))
    assert rows == [(0.0, -1.0), (-1.0, -3.0)]


def test_each_line_of_an_item_is_evaluated_for_alerts_on_the_level_it_left(tenant_a, monkeypatch):
    with in_tenant_a():
        StockFactory(item_code="A", current_quantity=10.0, reorder_point=9.0, reorder_quantity=20.0,
                     minimum_quantity=8.0)
    sent = []
    monkeypatch.setattr(services, "alerts_send_on_commit", sent.extend)
    payload = tranlog(lines=[{"item_code": "A", "quantity": 1}, {"item_code": "A", "quantity": 2}])
    events.event_consume(service="stock", event_type="tranlog", payload=payload)
    # 10 → 9: at the reorder point; 9 → 7: at it and under the minimum (spec/50 §5.4.2: per line, same item)
    assert [(alert.alert_type, alert.level.current_quantity) for alert in sent] == [
        ("reorder_point", 9.0), ("reorder_point", 7.0), ("minimum_stock", 7.0)]
    assert all(alert.level.reorder_point == 9.0 and alert.level.minimum_quantity == 8.0 for alert in sent)


# --- compat receiver ----------------------------------------------------------------------------------------
@pytest.fixture
def open_receiver(api, settings):
    """A caller with the configured notify key (Kugelpos' pub/sub callers send it)."""
    api.credentials(HTTP_X_API_KEY=settings.PUBSUB_NOTIFY_API_KEY)


def test_receiver_health_check_and_drops(api, open_receiver, tenant_a):
    assert api.post("/stock/api/v1/tranlog", {"data": {"test": "health-check"}}, format="json").json() == {
        "status": "SUCCESS"}
    response = api.post("/stock/api/v1/tranlog", {"data": {"tenant_id": "T1"}}, format="json")
    assert response.status_code == 400 and response.json() == {"status": "DROP", "message": "Missing event_id"}
    response = api.post("/stock/api/v1/tranlog", {"data": {"event_id": "e1"}}, format="json")
    assert response.status_code == 400 and response.json() == {"status": "DROP", "message": "Missing tenant_id"}


def test_receiver_applies_once_and_acknowledges(api, open_receiver, a10_c5, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the fan-out does not run: only the receiver
        record = events.event_publish(event_type="tranlog", payload=tranlog())
    for _ in range(2):
        response = api.post("/stock/api/v1/tranlog", {"data": record.payload}, format="json")
        assert response.status_code == 200 and response.json() == {"status": "SUCCESS"}
    assert quantities("A", "C") == {"A": 8.0, "C": 4.0}
    assert stock_delivery(record.event_id) == ("received", "Duplicate event")


def test_receiver_error_is_500_retry(api, open_receiver, tenant_a):
    payload = tranlog(event_id="e-unknown-tenant")
    payload["tenant_id"] = "Nobody9"
    response = api.post("/stock/api/v1/tranlog", {"data": payload}, format="json")
    assert response.status_code == 500 and response.json()["status"] == "RETRY"


def test_receiver_is_never_open_without_a_credential(api, settings, a10_c5):
    """Issue #20: an empty notify key no longer opens the receiver to anyone (it used to)."""
    settings.PUBSUB_NOTIFY_API_KEY = ""
    for headers in ({}, {"HTTP_X_API_KEY": ""}, {"HTTP_X_API_KEY": "dev-pubsub-notify-api-key"}):
        response = api.post("/stock/api/v1/tranlog", {"data": tranlog()}, format="json", **headers)
        assert response.status_code == 401 and response.json()["user_error"]["code"] == "200001"
    assert quantities("A") == {"A": 10.0}


def test_receiver_requires_the_notify_key_or_a_service_token_when_configured(api, settings, a10_c5):
    settings.PUBSUB_NOTIFY_API_KEY = "notify-secret"
    payload = {"data": tranlog()}
    assert api.post("/stock/api/v1/tranlog", payload, format="json").status_code == 401
    assert quantities("A") == {"A": 10.0}
    response = api.post("/stock/api/v1/tranlog", payload, format="json", HTTP_X_API_KEY="notify-secret")
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {service_token(service='cart-service', tenant_id=TENANT_A)}")
    assert api.post("/stock/api/v1/tranlog", {"data": tranlog()}, format="json").status_code == 200
    assert quantities("A") == {"A": 6.0}


def test_dapr_subscribe(api):
    assert api.get("/stock/dapr/subscribe").json() == [
        {"pubsubname": "pubsub-tranlog-report", "topic": "topic-tranlog", "route": "/api/v1/tranlog"}]
