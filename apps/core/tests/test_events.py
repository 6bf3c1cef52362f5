"""Outbox, fan-out, idempotent consumers and redelivery (spec/00 §10.6, scenarios 11-13).

The consumers here are test consumers registered through the real registry; the outbox, the Celery task (eager),
the processed markers and the status rules are the real ones.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.core import events, registry
from apps.core.models import ConsumedEvent, EventRecord
from tests.support import TENANT_A, TENANT_B

pytestmark = pytest.mark.django_db


@pytest.fixture
def consumers():
    """Three recording consumers for tranlog; ``fail`` makes one raise."""
    calls = {"report": [], "journal": [], "stock": []}
    fail = set()

    def make(service):
        def handle(payload):
            if service in fail:
                raise RuntimeError(f"{service} is down")
            calls[service].append((payload["event_id"], connection.schema_name))

        return handle

    saved = dict(registry._HANDLERS)
    for service in calls:
        registry.register_consumer(service=service, event_type="tranlog", handler=make(service))
    yield calls, fail
    registry._HANDLERS.clear()
    registry._HANDLERS.update(saved)


def tranlog(**extra):
    return {"tenant_id": TENANT_A, "store_code": "S1", "terminal_no": 1, "transaction_no": 7,
            "business_date": "20250115", "open_counter": 1, **extra}


def statuses(event_id):
    record = events.delivery_record(event_id=event_id)
    return record.status, {d.service_name: d.status for d in record.deliveries.all()}


def test_publish_writes_record_with_all_consumers_pending_and_delivers_after_commit(
    tenant_a, consumers, django_capture_on_commit_callbacks
):
    calls, _ = consumers
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record = events.event_publish(event_type="tranlog", payload=tranlog())
    assert record.payload["event_id"] == record.event_id and record.transaction_no == 7
    stored = EventRecord.objects.get(pk=record.pk)  # the returned record is the saved one
    assert (stored.event_id, stored.created_at, stored.tenant_id) == (record.event_id, record.created_at, TENANT_A)
    assert list(stored.deliveries.order_by("pk").values_list("service_name", "status", "received_at")) == [
        ("report", "pending", None), ("journal", "pending", None), ("stock", "pending", None)]
    assert statuses(record.event_id) == ("published", {"report": "pending", "journal": "pending",
                                                       "stock": "pending"})
    assert calls["journal"] == []  # nothing before commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert statuses(record.event_id) == ("delivered", {"report": "received", "journal": "received",
                                                       "stock": "received"})
    assert calls["journal"] == [(record.event_id, tenant_a.schema_name)]


def test_partial_delivery_then_redelivery_to_the_failed_consumer_only(tenant_a, consumers):
    calls, fail = consumers
    record = events.event_publish(event_type="tranlog", payload=tranlog())
    fail.add("stock")
    events.event_deliver(event_id=record.event_id)
    status, per_service = statuses(record.event_id)
    assert status == "partially_delivered"
    assert per_service == {"report": "received", "journal": "received", "stock": "failed"}
    fail.clear()
    before = {service: len(made) for service, made in calls.items()}
    # the job skips records younger than the grace period ...
    assert events.event_redeliver_undelivered(now=timezone.now())["redelivered"] == 0
    # ... and redelivers at its first run at least 5 minutes after creation
    counts = events.event_redeliver_undelivered(now=timezone.now() + timedelta(minutes=6))
    assert counts["redelivered"] == 1
    assert statuses(record.event_id)[0] == "delivered"
    # only stock ran again; each consumer's work was kept once (a handler that ran in the rolled-back attempt to
    # deliver to all three together left nothing: its marker went with it)
    assert {service: len(made) - before[service] for service, made in calls.items()} == {
        "report": 0, "journal": 0, "stock": 1}
    markers = ConsumedEvent.objects.filter(event_id=record.event_id).values_list("consumer", flat=True)
    assert sorted(markers) == ["journal", "report", "stock"]


def test_duplicate_delivery_runs_the_work_once(tenant_a, consumers):
    calls, _ = consumers
    payload = tranlog(event_id="11111111-1111-4111-8111-111111111111")
    assert events.event_consume(service="journal", event_type="tranlog", payload=payload) is True
    assert events.event_consume(service="journal", event_type="tranlog", payload=payload) is False
    assert len(calls["journal"]) == 1
    assert ConsumedEvent.objects.filter(consumer="journal", event_id=payload["event_id"]).count() == 1


def test_the_same_event_id_in_two_tenants_is_consumed_in_each(tenant_a, tenant_b, consumers):
    """The processed marker is keyed by tenant too: one tenant's event id never drops another tenant's event."""
    calls, _ = consumers
    event_id = "12121212-1212-4121-8121-121212121212"
    assert events.event_consume(service="journal", event_type="tranlog", payload=tranlog(event_id=event_id)) is True
    payload_b = tranlog(event_id=event_id, tenant_id=TENANT_B)
    assert events.event_consume(service="journal", event_type="tranlog", payload=payload_b) is True
    assert events.event_consume(service="journal", event_type="tranlog", payload=payload_b) is False
    assert calls["journal"] == [(event_id, tenant_a.schema_name), (event_id, tenant_b.schema_name)]
    markers = ConsumedEvent.objects.filter(consumer="journal", event_id=event_id)
    assert sorted(markers.values_list("tenant_id", flat=True)) == [TENANT_A, TENANT_B]


def test_a_consumer_failure_leaves_no_marker(tenant_a, consumers):
    _, fail = consumers
    fail.add("journal")
    payload = tranlog(event_id="22222222-2222-4222-8222-222222222222")
    with pytest.raises(RuntimeError):
        events.event_consume(service="journal", event_type="tranlog", payload=payload)
    assert not ConsumedEvent.objects.filter(event_id=payload["event_id"]).exists()


def test_broker_down_marks_failed_and_old_records_are_redelivered_with_a_warning(
    tenant_a, consumers, settings, monkeypatch, caplog
):
    calls, _ = consumers

    def broker_down(event_id, tenant_id):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(events, "_send_to_broker", broker_down)
    record = events.event_publish(event_type="tranlog", payload=tranlog())
    assert events.event_enqueue(event_id=record.event_id) is False
    assert statuses(record.event_id) == ("failed", {"report": "pending", "journal": "pending", "stock": "pending"})
    monkeypatch.undo()
    events.broker_breaker.close()
    counts = events.event_redeliver_undelivered(now=timezone.now() + timedelta(minutes=20))
    assert counts["marked_failed"] == 1 and counts["redelivered"] == 1
    assert "undelivered for over 15 minutes" in caplog.text
    assert statuses(record.event_id)[0] == "delivered"
    assert len(calls["stock"]) == 1


def test_breaker_opens_after_three_failures_and_fails_fast(tenant_a, monkeypatch):
    attempts = []

    def broker_down(event_id, tenant_id):
        attempts.append(event_id)
        raise ConnectionError("down")

    monkeypatch.setattr(events, "_send_to_broker", broker_down)
    events.broker_breaker.close()
    try:
        for _ in range(5):
            events.event_enqueue(event_id="x")
        assert len(attempts) == 3
        assert events.broker_breaker.current_state == "open"
    finally:
        events.broker_breaker.close()


def test_records_older_than_the_window_are_left_alone(tenant_a, consumers):
    record = events.event_publish(event_type="tranlog", payload=tranlog())
    counts = events.event_redeliver_undelivered(now=timezone.now() + timedelta(hours=25))
    assert counts["checked"] == 0
    assert EventRecord.objects.get(pk=record.pk).status == "published"


@pytest.mark.parametrize(
    ("statuses_", "current", "expected"),
    [
        (["received", "received"], "published", "delivered"),
        (["received", "pending"], "published", "partially_delivered"),
        (["received", "failed"], "published", "partially_delivered"),
        (["failed", "failed"], "published", "failed"),
        (["failed", "pending"], "published", "published"),
        (["pending", "pending"], "failed", "failed"),
    ],
)
def test_overall_status_rule(statuses_, current, expected):
    assert events.overall_status(statuses_, current) == expected


def test_unknown_event_status_update_raises():
    with pytest.raises(events.EventNotFound):
        events.delivery_status_update(event_id="nope", service="report", status="received")


def test_http_receipt_of_an_outbox_event_is_stored_once_and_acknowledged(tenant_a, consumers):
    calls, _ = consumers
    record = events.event_publish(event_type="tranlog", payload=tranlog())
    assert events.event_receive(service="journal", event_type="tranlog", payload=record.payload) is True
    assert statuses(record.event_id)[1]["journal"] == "received"
    events.event_deliver(event_id=record.event_id)
    assert events.event_receive(service="journal", event_type="tranlog", payload=record.payload) is False
    assert len(calls["journal"]) == 1
    assert statuses(record.event_id)[0] == "delivered"


def test_another_tenants_log_with_the_same_event_id_does_not_acknowledge_ours(tenant_a, tenant_b, consumers):
    calls, _ = consumers
    record = events.event_publish(event_type="tranlog", payload=tranlog())
    foreign = {**record.payload, "tenant_id": TENANT_B}
    assert events.event_receive(service="journal", event_type="tranlog", payload=foreign) is True
    assert statuses(record.event_id)[1]["journal"] == "pending"  # still ours to deliver
    events.event_deliver(event_id=record.event_id)
    assert [schema for _, schema in calls["journal"]] == [tenant_b.schema_name, tenant_a.schema_name]
    assert statuses(record.event_id)[0] == "delivered"


def test_redeliver_command_runs_the_job_and_single_events(tenant_a, consumers):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    calls, _ = consumers
    record = events.event_publish(event_type="tranlog", payload=tranlog())
    out = StringIO()
    call_command("redeliver_events", event_id=record.event_id, stdout=out)
    assert "received" in out.getvalue() and len(calls["stock"]) == 1
    out = StringIO()
    call_command("redeliver_events", stdout=out)
    assert "checked" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("redeliver_events", event_id="missing")


def test_the_task_carries_the_events_tenant_and_delivers_all_consumers_in_its_schema(
    tenant_a, consumers, django_capture_on_commit_callbacks, monkeypatch
):
    calls, _ = consumers
    sent = []
    monkeypatch.setattr(events, "_send_to_broker", lambda event_id, tenant_id: sent.append((event_id, tenant_id)))
    with django_capture_on_commit_callbacks(execute=True):
        record = events.event_publish(event_type="tranlog", payload=tranlog())
    assert sent == [(record.event_id, TENANT_A)]
    assert events.event_deliver(event_id=record.event_id, tenant_id=TENANT_A) == {
        "journal": "received", "report": "received", "stock": "received"}
    assert {service: made for service, made in calls.items()} == {
        service: [(record.event_id, tenant_a.schema_name)] for service in ("journal", "report", "stock")}
    assert statuses(record.event_id)[0] == "delivered"
    assert events.event_deliver(event_id=record.event_id, tenant_id=TENANT_A) == {}  # nothing due any more


def test_a_delivery_costs_three_statements_besides_the_consumers_own(tenant_a, consumers):
    """Read the record (locked) with its deliveries, write the processed markers, record every consumer received
    and the overall status (one statement for both tables)."""
    from django.test.utils import CaptureQueriesContext

    record = events.event_publish(event_type="tranlog", payload=tranlog())
    before = timezone.now()
    with CaptureQueriesContext(connection) as captured:
        events.event_deliver(event_id=record.event_id, tenant_id=TENANT_A)
    statements = [q["sql"] for q in captured.captured_queries
                  if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "SET search_path"))]
    assert len(statements) == 3, statements
    record = events.delivery_record(event_id=record.event_id)
    assert record.status == "delivered" and record.last_updated_at >= before
    assert all(d.status == "received" and d.received_at >= before for d in record.deliveries.all())


@pytest.mark.parametrize("claimed", [TENANT_B, "NO-SUCH-TENANT"])
def test_a_task_naming_another_tenant_still_delivers_in_the_events_own_schema(tenant_a, tenant_b, consumers, claimed):
    calls, _ = consumers
    record = events.event_publish(event_type="tranlog", payload=tranlog())
    assert events.event_deliver(event_id=record.event_id, tenant_id=claimed) == {
        "journal": "received", "report": "received", "stock": "received"}
    assert all(made == [(record.event_id, tenant_a.schema_name)] for made in calls.values())
    assert statuses(record.event_id)[0] == "delivered"


def test_an_unknown_event_is_not_found_with_or_without_a_tenant(tenant_a):
    for tenant_id in (None, TENANT_A):
        with pytest.raises(events.EventNotFound):
            events.event_deliver(event_id="33333333-3333-4333-8333-333333333333", tenant_id=tenant_id)
