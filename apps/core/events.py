"""Inter-app events: outbox, fan-out to consumers, delivery tracking and redelivery (spec/00 §10, DESIGN "Events").

1. A producer calls ``event_publish`` inside its own transaction: the delivery record (with every consumer
   ``pending``) is written next to the log, and delivery is enqueued only after commit.
2. The Celery task ``deliver_event`` calls ``event_deliver``: the consumers not yet ``received`` run in one
   transaction with their processed markers and statuses (each in its own transaction if that one fails), so a
   log delivered twice is counted once.
3. ``event_redeliver_undelivered`` (Celery beat) re-sends what is still undelivered after the grace period.
Enqueueing goes through a circuit breaker: a broker outage never fails the producing request.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import OuterRef
from django.utils import timezone

from . import metrics, sql, tenancy
from .compiled import CompiledSelect
from .models import ConsumedEvent, EventDelivery, EventRecord
from .registry import broker_breaker, consumer_handler, consumers_of, send

logger = logging.getLogger(__name__)

TOPICS = {"tranlog": "topic-tranlog", "cashlog": "topic-cashlog", "opencloselog": "topic-opencloselog"}


class EventNotFound(Exception):
    pass


@dataclass(frozen=True)
class EventKeys:
    """Support-query keys of a delivery record (taken from the payload by ``event_publish``)."""

    tenant_id: str
    store_code: str | None = None
    terminal_no: int | None = None
    business_date: str | None = None
    open_counter: int | None = None
    transaction_no: int | None = None


# --- publishing ---------------------------------------------------------------------------------------------
def event_publish(*, event_type: str, payload: dict[str, Any]) -> EventRecord:
    """Write the delivery record of a log in the caller's transaction; enqueue delivery once it commits.

    ``payload`` is the log as snake_case JSON-safe data; ``event_id`` is added here (and returned in the record).
    """
    now = timezone.now()
    payload = {**payload, "event_id": payload.get("event_id") or str(uuid.uuid4())}
    record = EventRecord(
        event_id=payload["event_id"],
        event_type=event_type,
        topic=TOPICS[event_type],
        tenant_id=payload["tenant_id"],
        store_code=payload.get("store_code"),
        terminal_no=payload.get("terminal_no"),
        business_date=payload.get("business_date"),
        open_counter=payload.get("open_counter"),
        transaction_no=payload.get("transaction_no") if event_type == "tranlog" else None,
        payload=payload,
        published_at=now,
        last_updated_at=now,
    )
    _insert_with_deliveries(record, consumers_of(event_type))
    event_id, tenant_id = record.event_id, record.tenant_id
    transaction.on_commit(lambda: event_enqueue(event_id=event_id, tenant_id=tenant_id))
    return record


def _insert_with_deliveries(record: EventRecord, services: tuple[str, ...]) -> None:
    """Insert the record and a ``pending`` delivery per consumer in one statement (the deliveries take the new
    record's id from a CTE); ``record`` becomes the saved instance."""
    fields, values = sql.insert_values(record)
    with connection.cursor() as cursor:
        cursor.execute(
            _record_with_deliveries_sql(fields), [*values, EventDelivery.Status.PENDING.value, list(services)]
        )
        record.pk = cursor.fetchone()[0]
    record._state.adding, record._state.db = False, connection.alias


@functools.cache
def _record_with_deliveries_sql(fields: tuple[str, ...]) -> str:
    record = sql.insert(EventRecord, fields, returning=("pk",))
    deliveries = sql.insert(
        EventDelivery,
        ("record", "service_name", "status"),
        source="SELECT record.id, s.service, %s FROM record "
        "CROSS JOIN unnest(%s::varchar[]) WITH ORDINALITY AS s(service, n) ORDER BY s.n",
    )
    return f"WITH record AS ({record}), deliveries AS ({deliveries}) SELECT id FROM record"


def _send_to_broker(event_id: str, tenant_id: str | None) -> None:
    send(event_id, tenant_id)  # the Celery task, registered by apps.core.tasks (this module imports no task)


def event_enqueue(*, event_id: str, tenant_id: str | None = None) -> bool:
    """Hand an event (of ``tenant_id``, when the caller knows it) to the workers. On a broker failure (or an open
    breaker) mark the record ``failed``.

    Never raises: the request that produced the event has already succeeded.
    """
    try:
        broker_breaker.call(_send_to_broker, event_id, tenant_id)
    except Exception as exc:  # noqa: BLE001 - broker down, breaker open: redelivery picks it up later
        logger.warning("event %s not enqueued: %s", event_id, exc)
        EventRecord.objects.filter(event_id=event_id).update(
            status=EventRecord.Status.FAILED, last_error=f"publish failed: {exc}", last_updated_at=timezone.now()
        )
        return False
    return True


# --- consuming ----------------------------------------------------------------------------------------------
def event_consume(*, service: str, event_type: str, payload: dict[str, Any]) -> bool:
    """Run one consumer on one payload, at most once per ``(tenant_id, service, event_id)``.

    Returns True if the work ran now, False if it had already been done. Raises what the handler raises.
    Used by the fan-out and by the HTTP compatibility receivers alike.
    """
    handler = consumer_handler(service, event_type)
    if handler is None:
        raise LookupError(f"no {service} consumer for {event_type}")
    event_id, tenant_id = payload.get("event_id"), payload.get("tenant_id")
    if not event_id or not tenant_id:
        raise ValueError("payload without event_id or tenant_id")
    with tenancy.tenant_context(tenant_id), transaction.atomic():
        if not _mark_consumed(tenant_id, service, event_id):
            return False
        handler(payload)
    return True


def _mark_consumed(tenant_id: str, service: str, event_id: str) -> bool:
    """Insert the processed marker; False when it is there already. A concurrent delivery of the same event
    waits on the unique index until the first one commits (then finds the marker) or rolls back (then inserts).
    One statement, where catching ``IntegrityError`` would cost a savepoint and its release."""
    return service in _mark_consumed_many(tenant_id, [service], event_id)


def _mark_consumed_many(tenant_id: str, services: list[str], event_id: str) -> set[str]:
    """``_mark_consumed`` for several consumers in one statement: the set of those marked now."""
    with connection.cursor() as cursor:
        cursor.execute(_mark_consumed_sql(), [tenant_id, services, event_id, timezone.now()])
        return {row[0] for row in cursor.fetchall()}


def _mark_consumed_sql() -> str:
    return sql.insert(
        ConsumedEvent,
        ("tenant_id", "consumer", "event_id", "processed_at"),
        source="SELECT %s, unnest(%s::varchar[]), %s, %s",
        conflict="core_consumedevent_tenant_unique",
        returning=("consumer",),
    )


def event_receive(*, service: str, event_type: str, payload: dict[str, Any]) -> bool:
    """A log received over a Kugelpos HTTP compatibility endpoint: consume it (idempotently) and, when the
    event is one of ours, acknowledge it on its delivery record as the fan-out would.

    Returns True if processed now, False if it had been processed already. Raises what the consumer raises,
    after recording ``failed`` on the delivery record.
    """
    event_id, tenant_id = payload.get("event_id"), payload.get("tenant_id")
    try:
        processed = event_consume(service=service, event_type=event_type, payload=payload)
    except Exception as exc:
        _acknowledge_if_known(event_id, tenant_id, service, "failed", str(exc)[:1000])
        raise
    _acknowledge_if_known(event_id, tenant_id, service, "received", None)
    return processed


def _acknowledge_if_known(
    event_id: str | None, tenant_id: str | None, service: str, status: str, message: str | None
) -> None:
    """Only a record of the log's own tenant: another tenant's log with the same id acknowledges nothing of ours."""
    if event_id and EventRecord.objects.filter(event_id=event_id, tenant_id=tenant_id).exists():
        delivery_status_update(event_id=event_id, service=service, status=status, message=message)


def event_deliver(
    *, event_id: str, services: Iterable[str] | None = None, tenant_id: str | None = None
) -> dict[str, str]:
    """Deliver a stored event to each consumer not yet ``received`` (optionally only ``services``).

    ``tenant_id`` (the event's, sent along with the task) lets the whole delivery run in the tenant's schema from
    its first statement; without it the record is read once more to find the tenant.

    The consumers due run together in one transaction that locks the record, writes their processed markers,
    does their work and records their statuses: one commit per event. If anything in it fails, it is rolled
    back and each consumer runs again on its own (``_deliver_one_by_one``), so a failing consumer never holds
    back the others and its failure is recorded. Either way a log is processed once per consumer.
    Consumers with no registered handler yet stay ``pending``. Returns ``{service: status}`` of this run.
    """
    wanted = set(services) if services is not None else None
    if tenant_id is None:
        record = _delivery_state(event_id, lock=False)
        if record is None:
            raise EventNotFound(event_id)
        tenant_id = record.tenant_id
    outcome = _deliver_together(event_id, tenant_id, wanted)
    if outcome is None:
        outcome = _deliver_one_by_one(event_id, wanted)
    return outcome


def _with_delivery_state(event_id: str):
    deliveries = EventDelivery.objects.filter(record=OuterRef("pk")).order_by("pk")
    return EventRecord.objects.filter(event_id=event_id).annotate(
        services=ArraySubquery(deliveries.values("service_name")),
        service_statuses=ArraySubquery(deliveries.values("status")),
    )[:1]


# Every delivery reads its record this way: the SQL is compiled once per worker process.
_MARKER = {"event_id": "00000000-0000-4000-8000-00000000e1d0"}
_STATE_QUERY = CompiledSelect(_with_delivery_state, **_MARKER)
_STATE_QUERY_LOCKED = CompiledSelect(
    lambda event_id: _with_delivery_state(event_id).select_for_update(of=("self",)), **_MARKER
)


def _delivery_state(event_id: str, *, lock: bool) -> EventRecord | None:
    """The record with its consumers' names and statuses (``services``, ``service_statuses``) in one query;
    ``lock`` locks the record (not its deliveries) until the transaction ends."""
    found = (_STATE_QUERY_LOCKED if lock else _STATE_QUERY).fetch(event_id=event_id)
    return found[0] if found else None


def _due(record: EventRecord, wanted: set[str] | None) -> list[str]:
    return sorted(
        service
        for service, status in zip(record.services, record.service_statuses, strict=True)
        if status != EventDelivery.Status.RECEIVED
        and (wanted is None or service in wanted)
        and consumer_handler(service, record.event_type) is not None
    )


def _deliver_together(event_id: str, tenant_id: str, wanted: set[str] | None) -> dict[str, str] | None:
    """All due consumers in one transaction; None when it failed and was rolled back (or the record names
    another tenant than ``tenant_id``). Raises ``EventNotFound``."""
    try:
        with tenancy.tenant_context(tenant_id), transaction.atomic():
            record = _delivery_state(event_id, lock=True)
            if record is None:
                raise EventNotFound(event_id)
            if record.tenant_id != tenant_id or record.payload.get("tenant_id") != tenant_id:
                return None
            due = _due(record, wanted)
            if not due:
                return {}
            fresh = _mark_consumed_many(tenant_id, due, event_id)
            for service in due:
                if service in fresh:
                    consumer_handler(service, record.event_type)(record.payload)
            current = dict(zip(record.services, record.service_statuses, strict=True))
            current.update(dict.fromkeys(due, EventDelivery.Status.RECEIVED))
            _record_received(record.pk, due, overall_status(list(current.values()), record.status))
    except EventNotFound:
        raise
    except Exception as exc:  # noqa: BLE001 - rolled back; each consumer is tried again on its own
        logger.info("event %s: delivery to all consumers at once failed (%s); one by one", event_id, exc)
        return None
    _observe_lag(record, due)
    return dict.fromkeys(due, "received")


def _record_received(record_pk: int, services: list[str], record_status: str) -> None:
    """Mark ``services`` received on the record's deliveries and set the record's overall status: one statement
    (the deliveries' ``UPDATE`` in a CTE), where two ``QuerySet.update`` calls would cost two round trips."""
    quote = connection.ops.quote_name
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH received AS (UPDATE {quote(EventDelivery._meta.db_table)} SET status = %s, received_at = %s "
            "WHERE record_id = %s AND service_name = ANY(%s::varchar[])) "
            f"UPDATE {quote(EventRecord._meta.db_table)} SET status = %s, last_updated_at = %s WHERE id = %s",
            [EventDelivery.Status.RECEIVED.value, now, record_pk, services, record_status, now, record_pk],
        )


def _observe_lag(record: EventRecord, services: Iterable[str]) -> None:
    lag = max((timezone.now() - record.published_at).total_seconds(), 0.0)
    for service in services:
        metrics.DELIVERY_LAG.labels(service, record.event_type).observe(lag)


def _deliver_one_by_one(event_id: str, wanted: set[str] | None) -> dict[str, str]:
    """Each due consumer in its own transaction; their outcomes are then recorded together in one status update.
    A worker that dies in between leaves the statuses behind, never the work: the redelivery finds the
    processed markers, runs nothing twice and records ``received``."""
    record = _delivery_state(event_id, lock=False)
    if record is None:
        raise EventNotFound(event_id)
    outcome: dict[str, str] = {}
    errors: dict[str, str] = {}
    for service in _due(record, wanted):
        try:
            event_consume(service=service, event_type=record.event_type, payload=record.payload)
        except Exception as exc:  # noqa: BLE001 - a failing consumer is recorded and retried, others go on
            logger.exception("consumer %s failed on event %s", service, event_id)
            outcome[service] = "failed"
            errors[service] = str(exc)[:1000]
        else:
            outcome[service] = "received"
            _observe_lag(record, [service])
    if outcome:
        delivery_statuses_update(event_id=event_id, statuses=outcome, messages=errors)
    return outcome


# --- delivery status ----------------------------------------------------------------------------------------
def overall_status(statuses: list[str], current: str, *, extended: bool = False) -> str:
    """Spec/00 §10.6 rule 4; ``extended`` adds the cart repository's further rules (spec/30 §10.6)."""
    if statuses and all(status == "received" for status in statuses):
        return EventRecord.Status.DELIVERED
    if any(status == "received" for status in statuses):
        return EventRecord.Status.PARTIALLY_DELIVERED
    if statuses and all(status == "failed" for status in statuses):
        return EventRecord.Status.FAILED
    if extended:
        if any(status == "failed" for status in statuses):
            return EventRecord.Status.PARTIALLY_DELIVERED
        if statuses and all(status == "delivered" for status in statuses):
            return EventRecord.Status.DELIVERED
        if any(status == "pending" for status in statuses):
            return EventRecord.Status.PUBLISHED
    return current


def delivery_status_update(
    *, event_id: str, service: str, status: str, message: str | None = None, extended_rules: bool = False
) -> EventRecord:
    """Record one consumer's acknowledgement and recompute the overall status (spec/10 §5.5, spec/30 §10.6).

    An unknown ``event_id`` raises ``EventNotFound``; a service with no entry changes nothing but the overall
    status recomputation.
    """
    messages = {service: message} if message is not None else {}
    return delivery_statuses_update(
        event_id=event_id, statuses={service: status}, messages=messages, extended_rules=extended_rules
    )


@transaction.atomic
def delivery_statuses_update(
    *,
    event_id: str,
    statuses: dict[str, str],
    messages: dict[str, str] | None = None,
    extended_rules: bool = False,
) -> EventRecord:
    """Record several consumers' acknowledgements (``{service: status}``, optional ``{service: message}``) under
    one lock of the record, then recompute its overall status once."""
    record = EventRecord.objects.select_for_update(of=("self",)).filter(event_id=event_id).first()
    if record is None:
        raise EventNotFound(event_id)
    messages = messages or {}
    now = timezone.now()
    plain: dict[str, list[str]] = {}
    for service, status in statuses.items():
        if service in messages:
            EventDelivery.objects.filter(record=record, service_name=service).update(
                status=status, received_at=now, message=messages[service]
            )
        else:
            plain.setdefault(status, []).append(service)
    for status, services in plain.items():
        EventDelivery.objects.filter(record=record, service_name__in=services).update(status=status, received_at=now)
    current = list(record.deliveries.values_list("status", flat=True))
    record.status = overall_status(current, record.status, extended=extended_rules)
    record.last_updated_at = now
    record.save(update_fields=["status", "last_updated_at"])
    return record


def delivery_record(*, event_id: str) -> EventRecord | None:
    return EventRecord.objects.filter(event_id=event_id).prefetch_related("deliveries").first()


# --- redelivery ---------------------------------------------------------------------------------------------
def event_redeliver_undelivered(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic job of spec/00 §10.6 rule 5. Returns counts for logging and tests."""
    now = now or timezone.now()
    grace = timedelta(minutes=settings.UNDELIVERED_CHECK_INTERVAL_IN_MINUTES)
    failed_after = timedelta(minutes=settings.UNDELIVERED_CHECK_FAILED_PERIOD_IN_MINUTES)
    window = timedelta(hours=settings.UNDELIVERED_CHECK_PERIOD_IN_HOURS)
    counts = {"checked": 0, "completed": 0, "redelivered": 0, "marked_failed": 0}
    candidates = EventRecord.objects.filter(published_at__gte=now - window).exclude(
        status=EventRecord.Status.DELIVERED
    )
    for record in candidates.prefetch_related("deliveries").order_by("published_at"):
        counts["checked"] += 1
        statuses = [delivery.status for delivery in record.deliveries.all()]
        if statuses and all(status == "received" for status in statuses):
            EventRecord.objects.filter(pk=record.pk).update(status=EventRecord.Status.DELIVERED, last_updated_at=now)
            counts["completed"] += 1
            continue
        if record.created_at > now - grace:
            continue
        if record.created_at < now - failed_after:
            EventRecord.objects.filter(pk=record.pk).update(status=EventRecord.Status.FAILED, last_updated_at=now)
            counts["marked_failed"] += 1
            logger.warning(
                "event %s (%s, tenant %s) undelivered for over %s minutes; redelivering",
                record.event_id,
                record.event_type,
                record.tenant_id,
                settings.UNDELIVERED_CHECK_FAILED_PERIOD_IN_MINUTES,
            )
        if event_enqueue(event_id=record.event_id, tenant_id=record.tenant_id):
            EventRecord.objects.filter(pk=record.pk).exclude(status=EventRecord.Status.DELIVERED).exclude(
                created_at__lt=now - failed_after
            ).update(status=EventRecord.Status.PUBLISHED, last_updated_at=now)
            counts["redelivered"] += 1
    return counts
