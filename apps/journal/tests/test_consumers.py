"""The journal as an event consumer (spec/40 §2.1, §7 scenario 13; spec/00 §10.6, scenarios 11-13).

Events go through the real outbox (``event_publish``), fan-out (``event_deliver``), redelivery job and HTTP
compatibility receiver; the journal consumer is the real one registered by ``JournalConfig.ready``.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core import events
from apps.core.models import ConsumedEvent, EventRecord
from apps.journal.errors import JournalValidationError
from apps.journal.tests.factories import (
    CashlogPayloadFactory,
    OpenCloseLogPayloadFactory,
    TranlogPayloadFactory,
    d1_events,
)
from tests.support import TENANT_A, TENANT_B, bearer

pytestmark = pytest.mark.django_db


def publish(event_type, payload):
    """A producer's transaction: the log's delivery record, all consumers pending."""
    return events.event_publish(event_type=event_type, payload=payload)


def journal_status(event_id):
    record = events.delivery_record(event_id=event_id)
    return {d.service_name: (d.status, d.message) for d in record.deliveries.all()}["journal"]


def overall(event_id):
    record = events.delivery_record(event_id=event_id)
    return record.status, {d.service_name: d.status for d in record.deliveries.all()}


def test_the_journal_consumes_all_three_logs():
    for event_type in ("tranlog", "cashlog", "opencloselog"):
        assert events.consumer_handler("journal", event_type) is not None


def test_d1_events_give_one_entry_each_with_the_spec_numbers(tenant_a, stored):
    published = [publish(event_type, payload) for event_type, payload in d1_events()]
    for record in published:
        events.event_deliver(event_id=record.event_id, services=["journal"])
    rows = [(e.transaction_type, e.amount, e.quantity, e.receipt_no, e.transaction_no) for e in stored()]
    assert rows == [
        (301, Decimal("0"), 0, None, None),
        (101, Decimal("550"), 3, 2001, 1001),
        (101, Decimal("550"), 3, 2002, 1002),
        (101, Decimal("550"), 3, 2003, 1003),
        (102, Decimal("550"), 3, 2004, 1004),
        (201, Decimal("550"), 3, 2005, 1005),
        (401, Decimal("1000"), 0, None, None),
        (401, Decimal("2000"), 0, None, None),
        (402, Decimal("-500"), 0, None, None),
        (302, Decimal("0"), 0, None, None),
    ]
    assert all((e.store_code, e.terminal_no, e.business_date, e.open_counter, e.business_counter)
               == ("5678", 5555, "20250110", 1, 1001) for e in stored())
    assert all(journal_status(record.event_id) == ("received", None) for record in published)
    by_type = {e.transaction_type: e for e in stored()}
    assert "【 精 算  レ ポ ー ト 】" in by_type[302].journal_text
    assert by_type[301].receipt_text == published[0].payload["receipt_text"]


def test_a_cancelled_sale_is_journaled_as_minus_101(tenant_a, stored):
    record = publish("tranlog", TranlogPayloadFactory(cancelled=True, transaction_no=1006, receipt_no=2006))
    events.event_deliver(event_id=record.event_id, services=["journal"])
    [entry] = stored()
    assert (entry.transaction_type, entry.amount, entry.receipt_no) == (-101, Decimal("550"), 2006)


def test_same_event_twice_through_the_outbox_and_once_over_http_is_one_entry(
    tenant_a, token_a, api, stored, other_consumers
):
    calls, _ = other_consumers
    record = publish("tranlog", TranlogPayloadFactory())
    first = events.event_deliver(event_id=record.event_id)
    second = events.event_deliver(event_id=record.event_id)
    assert first == {"journal": "received", "report": "received", "stock": "received"}
    assert second == {}  # nothing left to deliver
    # A forced second run of the journal consumer is a no-op: the processed marker stops it.
    assert events.event_consume(service="journal", event_type="tranlog", payload=record.payload) is False
    response = api.post("/journal/api/v1/tranlog", {"data": record.payload}, format="json", **bearer(token_a))
    assert response.status_code == 200
    assert response.json() == [{"status": "SUCCESS", "operation": "handle_log"}, 200]
    assert len(stored()) == 1
    assert journal_status(record.event_id) == ("received", None)
    assert overall(record.event_id)[0] == "delivered"
    assert ConsumedEvent.objects.filter(consumer="journal", event_id=record.event_id).count() == 1
    assert calls == {"report": [record.event_id], "stock": [record.event_id]}


def test_a_new_event_for_the_same_log_is_a_silent_duplicate(tenant_a, stored):
    payload = CashlogPayloadFactory(amount=1000.0)
    first = publish("cashlog", payload)
    again = publish("cashlog", {**payload, "event_id": None, "journal_text": "a later rendering"})
    assert first.event_id != again.event_id
    for record in (first, again):
        events.event_deliver(event_id=record.event_id, services=["journal"])
    [entry] = stored()
    assert entry.journal_text == payload["journal_text"]  # the first version wins
    assert journal_status(first.event_id) == ("received", None)
    assert journal_status(again.event_id) == ("received", None)


def test_a_payload_that_fails_parsing_fails_only_the_journal_and_redelivery_completes_it_once_repaired(
    tenant_a, stored, other_consumers
):
    calls, _ = other_consumers
    payload = {**OpenCloseLogPayloadFactory(), "business_counter": "1001-A"}
    record = publish("opencloselog", payload)
    assert events.event_deliver(event_id=record.event_id) == {"journal": "failed", "report": "received"}
    status, message = journal_status(record.event_id)
    assert status == "failed"
    assert message.startswith("Invalid opencloselog payload: businessCounter: A valid integer is required.")
    assert overall(record.event_id) == ("partially_delivered", {"journal": "failed", "report": "received"})
    assert stored() == []
    assert not ConsumedEvent.objects.filter(consumer="journal", event_id=record.event_id).exists()

    # Not before the 5-minute grace period; then the same payload fails the same way (poison message).
    assert events.event_redeliver_undelivered(now=timezone.now())["redelivered"] == 0
    assert events.event_redeliver_undelivered(now=timezone.now() + timedelta(minutes=6))["redelivered"] == 1
    assert journal_status(record.event_id)[0] == "failed"
    assert stored() == []

    # Support repairs the stored payload; the next run delivers it to the journal only.
    EventRecord.objects.filter(pk=record.pk).update(payload={**record.payload, "business_counter": 1001})
    assert events.event_redeliver_undelivered(now=timezone.now() + timedelta(minutes=6))["redelivered"] == 1
    assert overall(record.event_id) == ("delivered", {"journal": "received", "report": "received"})
    assert [(e.transaction_type, e.business_counter) for e in stored()] == [(301, 1001)]
    assert calls["report"] == [record.event_id]  # the report consumer was not run again


def test_a_database_refusal_fails_the_delivery_and_the_next_run_completes_it(
    tenant_a, stored, other_consumers, refusing_storage
):
    calls, _ = other_consumers
    record = publish("tranlog", TranlogPayloadFactory())
    events.event_deliver(event_id=record.event_id)
    status, message = journal_status(record.event_id)
    assert status == "failed" and message.startswith("Failed to create journal: tenant_id->T1001 store_code->5678")
    assert overall(record.event_id)[0] == "partially_delivered"

    refusing_storage()  # the database is back
    counts = events.event_redeliver_undelivered(now=timezone.now() + timedelta(minutes=6))
    assert counts["redelivered"] == 1
    assert overall(record.event_id) == ("delivered", {"journal": "received", "report": "received",
                                                      "stock": "received"})
    assert len(stored()) == 1
    assert calls == {"report": [record.event_id], "stock": [record.event_id]}


def test_entries_land_in_the_payload_tenant_only(tenant_a, tenant_b, stored):
    record = publish("tranlog", TranlogPayloadFactory(tenant_id=TENANT_B))
    events.event_deliver(event_id=record.event_id, services=["journal"])
    assert stored(TENANT_A) == []
    assert [e.tenant_id for e in stored(TENANT_B)] == [TENANT_B]


def test_a_consumer_run_writes_nothing_when_the_entry_fails(tenant_a, stored):
    payload = {**TranlogPayloadFactory(), "sales": {"total_amount_with_tax": "NaN", "total_quantity": 3}}
    with pytest.raises(JournalValidationError):
        events.event_consume(service="journal", event_type="tranlog", payload=payload)
    assert stored() == []
    assert not ConsumedEvent.objects.filter(event_id=payload["event_id"]).exists()
