"""Thin Celery tasks over ``apps.core.events``. Each is idempotent: a repeat delivers nothing twice."""

from __future__ import annotations

import structlog
from celery import shared_task
from django.db import connection

from . import events, registry

logger = structlog.get_logger(__name__)


@shared_task(name="core.deliver_event", bind=True, max_retries=3, default_retry_delay=1, acks_late=True)
def deliver_event(self, event_id: str, tenant_id: str | None = None) -> dict[str, str]:
    """Deliver one event to its consumers; retry (bounded) while a consumer fails. ``tenant_id`` is the event's
    (messages enqueued before it was sent along carry none)."""
    try:
        outcome = events.event_deliver(event_id=event_id, tenant_id=tenant_id)
    except events.EventNotFound:
        logger.warning("event not found", event_id=event_id)
        return {}
    logger.info("event delivered", event_id=event_id, outcome=outcome)
    if "failed" in outcome.values() and self.request.retries < self.max_retries and not self.request.is_eager:
        raise self.retry()
    return outcome


def _send(event_id: str, tenant_id: str | None) -> None:
    deliver_event.apply_async(args=[event_id], kwargs={"tenant_id": tenant_id} if tenant_id else {}, retry=False)


registry.register_sender(_send)  # how events.event_enqueue reaches the workers, without importing this module

REDELIVERY_LOCK_ID = 0x6B75_6765  # pg advisory lock: one redelivery run at a time across all workers


@shared_task(name="core.redeliver_undelivered")
def redeliver_undelivered() -> dict[str, int] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REDELIVERY_LOCK_ID])
        if not cursor.fetchone()[0]:
            return None
    try:
        return events.event_redeliver_undelivered()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REDELIVERY_LOCK_ID])


@shared_task(name="core.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> None:
    """Scheduled by beat every 30 s, run by a worker. Beat records its own heartbeat on every tick
    (``apps.core.heartbeat``); this entry keeps it ticking at least that often."""
    from .health import record_heartbeat

    record_heartbeat()


@shared_task(name="core.purge_idempotency_records", ignore_result=True)
def purge_idempotency_records() -> int:
    """Scheduled by beat every hour: forget the Idempotency-Key answers past their time to live."""
    from .idempotency import idempotency_purge_expired

    deleted = idempotency_purge_expired()
    logger.info("idempotency records purged", deleted=deleted)
    return deleted


@shared_task(name="core.purge_delivered_events", ignore_result=True)
def purge_delivered_events() -> int:
    """Scheduled by beat every hour: delivered event records past ``EVENT_RETENTION_DAYS`` (``retention``)."""
    from .retention import events_purge_delivered

    purged = events_purge_delivered()
    logger.info("delivered event records purged", purged=purged)
    return purged
