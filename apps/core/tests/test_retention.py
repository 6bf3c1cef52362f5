"""Outbox retention (issue #26): delivered records older than EVENT_RETENTION_DAYS go with their deliveries and
processed markers, oldest first, in batches; undelivered and failed ones stay, as does anything younger."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.core.models import ConsumedEvent, EventDelivery, EventRecord
from apps.core.retention import events_purge_delivered
from apps.core.tasks import purge_delivered_events

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CONSUMERS = ("journal", "report", "stock")


def record(event_id: str, *, days_old: float, status: str = "delivered", tenant: str = "A1") -> EventRecord:
    published = NOW - timedelta(days=days_old)
    row = EventRecord.objects.create(event_id=event_id, event_type="tranlog", topic="tranlog_report",
                                     tenant_id=tenant, payload={}, status=status, published_at=published,
                                     last_updated_at=published)
    for consumer in CONSUMERS:
        EventDelivery.objects.create(record=row, service_name=consumer,
                                     status="received" if status == "delivered" else "pending")
        if status == "delivered":
            ConsumedEvent.objects.create(tenant_id=tenant, consumer=consumer, event_id=event_id)
    return row


def test_delivered_records_past_the_retention_go_with_their_deliveries_and_markers(settings):
    settings.EVENT_RETENTION_DAYS = 30
    record("old-1", days_old=31)
    record("old-2", days_old=45, tenant="B1")
    record("young", days_old=29)
    record("old-failed", days_old=60, status="failed")
    record("old-pending", days_old=60, status="published")
    ConsumedEvent.objects.create(tenant_id="B1", consumer="stock", event_id="old-1")  # another tenant's same id

    assert events_purge_delivered(now=NOW, batch=1) == 2
    assert sorted(EventRecord.objects.values_list("event_id", flat=True)) == ["old-failed", "old-pending", "young"]
    assert EventDelivery.objects.count() == 9
    assert sorted(ConsumedEvent.objects.values_list("tenant_id", "event_id").distinct()) == [
        ("A1", "young"), ("B1", "old-1")]
    assert events_purge_delivered(now=NOW) == 0


def test_zero_keeps_everything_and_beat_runs_the_purge_hourly(settings):
    settings.EVENT_RETENTION_DAYS = 0
    record("ancient", days_old=3650)
    assert events_purge_delivered(now=NOW) == 0
    assert purge_delivered_events.apply().get() == 0
    assert EventRecord.objects.filter(event_id="ancient").exists()
    entry = settings.CELERY_BEAT_SCHEDULE["purge-delivered-events"]
    assert (entry["task"], entry["schedule"]) == ("core.purge_delivered_events", 3600)


def test_the_default_retention_is_well_beyond_redelivery(settings):
    assert settings.EVENT_RETENTION_DAYS * 24 > 10 * settings.UNDELIVERED_CHECK_PERIOD_IN_HOURS
