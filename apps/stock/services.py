"""Stock commands (spec/50 §5): quantity changes, thresholds, tranlog consumption, snapshots and their schedule.

Every command owns its transaction; alerts are evaluated on the rows it wrote and sent once it commits
(``alerts.alerts_send_on_commit``), so a rolled-back change never alerts anybody.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.core import sql
from apps.core.events import EventNotFound, delivery_status_update, event_consume
from apps.core.formats import iso_app

from . import calculations
from .alerts import alerts_send_on_commit, levels_send_on_commit
from .calculations import QUANTITY_LIMIT, LineChange, ScheduleTimes, StockAlert, StockLevel, quantity_in_range
from .errors import StockQuantityRangeError
from .models import Snapshot, SnapshotRun, SnapshotSchedule, Stock, StockUpdate

logger = logging.getLogger(__name__)

SERVICE_NAME = "stock"
SCHEDULED_CREATOR = "scheduled_system"


def _level(tenant_id: str, store_code: str, item_code: str, row: Iterable[float]) -> StockLevel:
    current, minimum, reorder_point, reorder_quantity = row
    return StockLevel(tenant_id, store_code, item_code, current, minimum, reorder_point, reorder_quantity)


# --- quantity changes ---------------------------------------------------------------------------------------
@functools.cache
def _add_sql() -> str:
    """Add each item's change (rows created at the change, thresholds 0) and return the levels after it."""
    quantity = sql.column(Stock, "current_quantity")
    return sql.insert(
        Stock,
        ("tenant_id", "store_code", "item_code", "current_quantity", "minimum_quantity", "reorder_point",
         "reorder_quantity", "last_transaction_id", "created_at", "updated_at"),
        alias="s",
        source="SELECT %s, %s, change.item_code, change.quantity, 0, 0, 0, %s, %s, %s "
        "FROM unnest(%s::varchar[], %s::float8[]) AS change (item_code, quantity) ORDER BY change.item_code",
        conflict="stock_stock_store_item_unique",
        update=(("current_quantity", f"s.{quantity} + EXCLUDED.{quantity}"), "last_transaction_id", "updated_at"),
        returning=("item_code", "current_quantity", "minimum_quantity", "reorder_point", "reorder_quantity"),
    )


def _apply_item_totals(
    *, tenant_id: str, store_code: str, totals: Mapping[str, float], reference_id: str | None, now: datetime
) -> dict[str, StockLevel]:
    """Add each item's change in one statement (rows created as needed) and return the levels after it; the
    increment happens in the database, so concurrent changes never lose one.

    The rows are written, and so locked, in item-code order, so two logs touching the same items in a different
    order wait for each other instead of deadlocking.

    A change or a level beyond ``QUANTITY_LIMIT`` is refused (``StockQuantityRangeError``; the caller's transaction
    rolls the statement back): the changes are checked before the sum, so the sum itself can never overflow."""
    for code, total in totals.items():
        if not quantity_in_range(total):
            raise _out_of_range(code, total)
    codes = sorted(totals)
    with connection.cursor() as cursor:
        cursor.execute(
            _add_sql(), [tenant_id, store_code, reference_id, now, now, codes, [float(totals[code]) for code in codes]]
        )
        rows = cursor.fetchall()
    for code, current, *_ in rows:
        if not quantity_in_range(current):
            raise _out_of_range(code, current)
    return {row[0]: _level(tenant_id, store_code, row[0], row[1:]) for row in rows}


def _out_of_range(item_code: str, quantity: float) -> StockQuantityRangeError:
    return StockQuantityRangeError(
        f"Stock quantity out of range: item_code {item_code} would have {quantity} (at most {QUANTITY_LIMIT:g})"
    )


def _history(
    level: StockLevel, *, update_type: str, change: float, reference_id: str | None, operator_id: str | None,
    note: str | None, now: datetime,
) -> StockUpdate:
    """The (unsaved) history row of one change that left ``level``; a change that leaves stock negative is
    allowed, and logged."""
    after = level.current_quantity
    if after < 0:
        logger.warning("stock of %s/%s/%s is negative: %s", level.tenant_id, level.store_code, level.item_code, after)
    return StockUpdate(
        tenant_id=level.tenant_id,
        store_code=level.store_code,
        item_code=level.item_code,
        update_type=update_type,
        quantity_change=change,
        before_quantity=after - change,
        after_quantity=after,
        reference_id=reference_id,
        timestamp=now,
        operator_id=operator_id,
        note=note,
        created_at=now,
        updated_at=now,
    )


def _apply_change(
    *,
    tenant_id: str,
    store_code: str,
    item_code: str,
    quantity_change: float,
    update_type: str,
    reference_id: str | None,
    operator_id: str | None,
    note: str | None,
) -> tuple[StockUpdate, StockLevel]:
    """Spec/50 §5.1 steps 1–4 for one manual change, in the caller's transaction: the upsert-and-add
    (``_apply_item_totals``, as for a tranlog), the history row to write (unsaved: the caller saves it) and the
    level it left (its alerts: ``calculations.alerts_for``)."""
    now = timezone.now()
    change = float(quantity_change)
    level = _apply_item_totals(
        tenant_id=tenant_id, store_code=store_code, totals={item_code: change}, reference_id=reference_id, now=now
    )[item_code]
    update = _history(level, update_type=update_type, change=change, reference_id=reference_id,
                      operator_id=operator_id, note=note, now=now)
    return update, level


def stock_apply_change(
    *,
    tenant_id: str,
    store_code: str,
    item_code: str,
    quantity_change: float,
    update_type: str,
    reference_id: str | None = None,
    operator_id: str | None = None,
    note: str | None = None,
) -> StockUpdate:
    """A manual quantity change (spec/50 §6.4): creates the row if needed, adds the change as sent (the type is a
    label only), writes a history row, and alerts after commit. Negative stock is allowed."""
    with transaction.atomic():
        update, level = _apply_change(
            tenant_id=tenant_id,
            store_code=store_code,
            item_code=item_code,
            quantity_change=quantity_change,
            update_type=update_type,
            reference_id=reference_id,
            operator_id=operator_id,
            note=note,
        )
        update.save(force_insert=True)
        alerts_send_on_commit(calculations.alerts_for(level))
        levels_send_on_commit([level])
    return update


def stock_apply_tranlog(*, payload: Mapping[str, Any]) -> list[StockUpdate]:
    """Apply a transaction log (spec/50 §5.4.2): one change per eligible line, all in one transaction.

    Called by the event consumer (``apps.core.events``), which runs it in the payload's tenant schema together
    with the processed marker; cancelled logs, unknown types and empty logs change nothing. Two statements
    whatever the number of lines: every item's total change, then every line's history row (the lines of one
    item apply one after the other, in line order), each evaluated for alerts on the level it left.
    """
    changes: list[LineChange] = calculations.tranlog_line_changes(payload)
    if not changes:
        return []
    tenant_id = payload["tenant_id"]
    store_code = payload.get("store_code")
    if not isinstance(store_code, str) or not store_code:
        raise ValueError("tranlog without store_code")
    reference_id = calculations.tranlog_reference_id(payload)
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        levels = _apply_item_totals(
            tenant_id=tenant_id,
            store_code=store_code,
            totals=calculations.item_totals(changes),
            reference_id=reference_id,
            now=now,
        )
        after = {code: level.current_quantity for code, level in levels.items()}
        updates: list[StockUpdate] = []
        alerts: list[StockAlert] = []
        for change, (_, after_line) in zip(changes, calculations.line_levels(changes, after), strict=True):
            # each line is evaluated on the level it left, even for an item on several lines (spec/50 §5.4.2)
            level = replace(levels[change.item_code], current_quantity=after_line)
            updates.append(_history(level, update_type=change.update_type, change=change.quantity_change,
                                    reference_id=reference_id, operator_id=None, note=None, now=now))
            alerts.extend(calculations.alerts_for(level))
        StockUpdate.objects.bulk_create(updates)
        alerts_send_on_commit(alerts)
        levels_send_on_commit(list(levels.values()))
    return updates


def _acknowledge(event_id: str | None, status: str, message: str | None) -> None:
    """Record stock's delivery status of one of our events; fire-and-forget (spec/50 §5.4.4)."""
    if not event_id:
        return
    try:
        delivery_status_update(event_id=event_id, service=SERVICE_NAME, status=status, message=message)
    except EventNotFound:
        pass  # pushed by somebody else's publisher: nothing of ours to acknowledge
    except Exception:  # noqa: BLE001 - a failed acknowledgement never fails the processing
        logger.exception("delivery status of event %s not recorded", event_id)


def stock_receive_tranlog(*, payload: Mapping[str, Any]) -> bool:
    """A tranlog pushed to the HTTP compatibility receiver: consume it idempotently and acknowledge it
    (``received``, message ``"Duplicate event"`` on a repeat; ``failed`` with the error, then re-raise).

    Returns True if processed now, False for a duplicate.
    """
    event_id = payload.get("event_id")
    try:
        processed = event_consume(service=SERVICE_NAME, event_type="tranlog", payload=dict(payload))
    except Exception as exc:
        _acknowledge(event_id, "failed", str(exc)[:1000])
        raise
    _acknowledge(event_id, "received", "" if processed else "Duplicate event")
    return processed


def handle_tranlog_event(payload: dict[str, Any]) -> None:
    """Consumer registered with ``apps.core.events`` (runs inside the consumer's transaction)."""
    stock_apply_tranlog(payload=payload)


# --- thresholds ---------------------------------------------------------------------------------------------
def _upsert_thresholds(*, tenant_id: str, store_code: str, item_code: str, **values: float) -> Stock:
    now = timezone.now()
    Stock.objects.bulk_create(
        [Stock(tenant_id=tenant_id, store_code=store_code, item_code=item_code, created_at=now, updated_at=now,
               **values)],
        update_conflicts=True,
        unique_fields=["store_code", "item_code"],
        update_fields=[*values, "updated_at"],
    )
    return Stock.objects.get(store_code=store_code, item_code=item_code)


def stock_set_minimum(*, tenant_id: str, store_code: str, item_code: str, minimum_quantity: float) -> Stock:
    """Set the minimum stock (spec/50 §5.2); creates the row at quantity 0 if needed. No alert, no history."""
    with transaction.atomic():
        return _upsert_thresholds(
            tenant_id=tenant_id, store_code=store_code, item_code=item_code, minimum_quantity=float(minimum_quantity)
        )


def stock_set_reorder(
    *, tenant_id: str, store_code: str, item_code: str, reorder_point: float, reorder_quantity: float
) -> Stock:
    """Set reorder point and quantity (spec/50 §5.2), then evaluate both alert conditions on the row."""
    with transaction.atomic():
        stock = _upsert_thresholds(
            tenant_id=tenant_id,
            store_code=store_code,
            item_code=item_code,
            reorder_point=float(reorder_point),
            reorder_quantity=float(reorder_quantity),
        )
        alerts_send_on_commit(calculations.alerts_for(StockLevel.of(stock)))
    return stock


# --- snapshots ----------------------------------------------------------------------------------------------
def snapshot_create(*, tenant_id: str, store_code: str, created_by: str) -> Snapshot:
    """Capture all stock rows of a store (spec/50 §5.5); an empty store gives an empty snapshot."""
    rows = list(
        Stock.objects.of_store(store_code)
        .order_by("item_code")
        .values_list("item_code", "current_quantity", "minimum_quantity", "reorder_point", "reorder_quantity")
    )
    now = timezone.now()
    return Snapshot.objects.create(
        tenant_id=tenant_id,
        store_code=store_code,
        total_items=len(rows),
        total_quantity=float(sum(row[1] for row in rows)),
        stocks=[
            {"item_code": code, "quantity": quantity, "minimum_quantity": minimum, "reorder_point": point,
             "reorder_quantity": reorder}
            for code, quantity, minimum, point, reorder in rows
        ],
        created_by=created_by,
        created_at=now,
        updated_at=None,
        generate_date_time=iso_app(now),
    )


def _times(schedule: SnapshotSchedule) -> ScheduleTimes:
    return ScheduleTimes(
        interval=schedule.schedule_interval,
        hour=schedule.schedule_hour,
        minute=schedule.schedule_minute,
        day_of_week=schedule.schedule_day_of_week,
        day_of_month=schedule.schedule_day_of_month,
    )


def snapshot_schedule_save(
    *, tenant_id: str, values: Mapping[str, Any], updated_by: str, now: datetime | None = None
) -> SnapshotSchedule:
    """Replace the tenant's schedule (spec/50 §6.11 PUT) and apply it at once: an enabled schedule gets its next
    fire time, a disabled one none. ``values`` holds the 8 input fields, defaults already applied.
    Keeps the stored ``created_at``, ``created_by`` and ``last_executed_at``."""
    now = now or timezone.now()
    fields = {
        "enabled": values["enabled"],
        "schedule_interval": values["schedule_interval"],
        "schedule_hour": values["schedule_hour"],
        "schedule_minute": values["schedule_minute"],
        "schedule_day_of_week": values["schedule_day_of_week"],
        "schedule_day_of_month": values["schedule_day_of_month"],
        "retention_days": values["retention_days"],
        "target_stores": list(values["target_stores"]),
    }
    with transaction.atomic():
        schedule, _ = SnapshotSchedule.objects.select_for_update().get_or_create(
            pk=SnapshotSchedule.SINGLETON_ID,
            defaults={**fields, "tenant_id": tenant_id, "created_at": now, "updated_at": now,
                      "created_by": "system", "updated_by": updated_by},
        )
        for name, value in fields.items():
            setattr(schedule, name, value)
        schedule.tenant_id = tenant_id
        schedule.updated_at = now
        schedule.updated_by = updated_by
        schedule.next_execution_at = (
            calculations.next_fire_time(_times(schedule), after=now) if schedule.enabled else None
        )
        schedule.save()
    return schedule


def snapshot_schedule_delete() -> None:
    """Remove the stored schedule (spec/50 §6.11 DELETE): no more scheduled runs, no more retention purge."""
    SnapshotSchedule.objects.filter(pk=SnapshotSchedule.SINGLETON_ID).delete()


def _known_store_codes() -> list[str]:
    # Stores with stock rows. Stores registered in the terminal app are out of reach: terminal sits above stock
    # in the app layers (STYLE.md), so stock may not import it.
    return list(Stock.objects.order_by().values_list("store_code", flat=True).distinct())


def snapshot_schedule_run_due(*, tenant_id: str, now: datetime | None = None) -> list[Snapshot] | None:
    """Run the tenant's scheduled snapshot if its fire time has come (spec/50 §5.6).

    At most one run per fire time (a unique ``SnapshotRun`` row, under a lock on the schedule); a run more than
    an hour late is skipped. Each target store is captured on its own, so one failing store does not stop the
    others. Returns the snapshots taken, or None when nothing was due.
    """
    now = now or timezone.now()
    with transaction.atomic():
        schedule = (
            SnapshotSchedule.objects.select_for_update()
            .filter(pk=SnapshotSchedule.SINGLETON_ID, enabled=True, next_execution_at__lte=now)
            .first()
        )
        if schedule is None:
            return None
        fire_time = schedule.next_execution_at
        schedule.next_execution_at = calculations.next_fire_time(_times(schedule), after=now)
        schedule.save(update_fields=["next_execution_at"])
        if calculations.is_misfired(fire_time, now=now):
            logger.warning("scheduled snapshot of %s at %s missed by over an hour; skipped", tenant_id, fire_time)
            return None
        try:
            with transaction.atomic():
                SnapshotRun.objects.create(fire_time=fire_time, started_at=now)
        except IntegrityError:
            return None
        target_stores = list(schedule.target_stores)
    snapshots = []
    for store_code in calculations.resolve_target_stores(target_stores, _known_store_codes()):
        try:
            with transaction.atomic():
                snapshots.append(
                    snapshot_create(tenant_id=tenant_id, store_code=store_code, created_by=SCHEDULED_CREATOR)
                )
        except Exception:  # noqa: BLE001 - one store failing must not stop the others
            logger.exception("scheduled snapshot of %s/%s failed", tenant_id, store_code)
    try:
        SnapshotSchedule.objects.filter(pk=SnapshotSchedule.SINGLETON_ID).update(last_executed_at=timezone.now())
    except Exception:  # noqa: BLE001 - spec: failing to record the run is only logged
        logger.exception("last_executed_at of %s not saved", tenant_id)
    return snapshots


def snapshot_purge_expired(*, now: datetime | None = None) -> int:
    """Retention (spec/50 §5.6): with a stored enabled schedule, delete every snapshot of the tenant older than
    ``retention_days``. No stored schedule, or a disabled one: nothing is purged. Returns the number deleted."""
    now = now or timezone.now()
    schedule = SnapshotSchedule.objects.filter(pk=SnapshotSchedule.SINGLETON_ID, enabled=True).first()
    if schedule is None:
        return 0
    cutoff = now - timedelta(days=schedule.retention_days)
    deleted, _ = Snapshot.objects.filter(created_at__lt=cutoff).delete()
    return deleted
