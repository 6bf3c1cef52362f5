"""Retention of the outbox (issue #26): a delivered event's record, its deliveries and its consumers' processed
markers are kept ``EVENT_RETENTION_DAYS`` (30; 0 keeps them for ever), then purged by beat, oldest first, in
batches of ``batch`` so no purge holds a long lock. Undelivered and failed records are never purged: they are what
redelivery and an operator still need.

The processed markers are what makes a consumer idempotent; after the retention a log with the same event id
pushed again over HTTP would be new to the stock consumer (journal and report also refuse it by its natural key).
Redelivery stops after ``UNDELIVERED_CHECK_PERIOD_IN_HOURS`` (24), so the retention must be well beyond it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ConsumedEvent, EventDelivery, EventRecord


def events_purge_delivered(*, now: datetime | None = None, batch: int = 5000) -> int:
    """Purge delivered event records older than the retention, with their deliveries and processed markers.
    Returns the number of records purged."""
    days = settings.EVENT_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    purged = 0
    while True:
        with transaction.atomic():
            rows = list(EventRecord.objects.filter(status=EventRecord.Status.DELIVERED, published_at__lt=cutoff)
                        .order_by("published_at").values_list("id", "tenant_id", "event_id")[:batch])
            if not rows:
                return purged
            ids = [row[0] for row in rows]
            consumers = list(EventDelivery.objects.filter(record_id__in=ids).values_list("service_name", flat=True)
                             .distinct())
            by_tenant: dict[str, list[str]] = defaultdict(list)
            for _, tenant_id, event_id in rows:
                by_tenant[tenant_id].append(event_id)
            for tenant_id, event_ids in by_tenant.items():
                ConsumedEvent.objects.filter(tenant_id=tenant_id, consumer__in=consumers,
                                             event_id__in=event_ids).delete()
            EventDelivery.objects.filter(record_id__in=ids).delete()
            EventRecord.objects.filter(id__in=ids).delete()
            purged += len(ids)
        if len(rows) < batch:
            return purged
