"""Stock reads for the API, the WebSocket session, the dashboard and the admin (spec/50 §5.3, §6, §7.3)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from . import conf
from .calculations import StockAlert, StockLevel, initial_alerts
from .errors import SnapshotNotFoundError, StockNotFoundError
from .models import Snapshot, SnapshotSchedule, Stock, StockUpdate


def stock_get(*, store_code: str, item_code: str) -> Stock:
    stock = Stock.objects.filter(store_code=store_code, item_code=item_code).first()
    if stock is None:
        raise StockNotFoundError(f"Stock not found for item {item_code} in store {store_code}")
    return stock


def stock_list(*, store_code: str) -> QuerySet[Stock]:
    """All rows of a store, by item code."""
    return Stock.objects.of_store(store_code).order_by("item_code")


def stock_low_list(*, store_code: str) -> list[Stock]:
    return list(Stock.objects.of_store(store_code).below_minimum().order_by("item_code"))


def stock_low_count(*, store_code: str) -> int:
    """How many items of a store are below their minimum (the low-stock list's length, counted in SQL)."""
    return Stock.objects.of_store(store_code).below_minimum().count()


def stock_reorder_list(*, store_code: str) -> list[Stock]:
    return list(Stock.objects.of_store(store_code).at_or_below_reorder_point().order_by("item_code"))


def stock_history(*, store_code: str, item_code: str) -> QuerySet[StockUpdate]:
    """History of one item, newest first (id breaks ties between changes of the same instant)."""
    return StockUpdate.objects.filter(store_code=store_code, item_code=item_code).order_by("-timestamp", "-id")


def stock_store_codes() -> list[str]:
    """Store codes that have stock rows (dashboard index)."""
    return list(Stock.objects.order_by("store_code").values_list("store_code", flat=True).distinct())


def stock_initial_alerts(*, store_code: str) -> list[StockAlert]:
    """What a newly connected socket is told at once (spec/50 §7.3): reorder list, then low-stock list."""
    return initial_alerts(
        [StockLevel.of(row) for row in stock_reorder_list(store_code=store_code)],
        [StockLevel.of(row) for row in stock_low_list(store_code=store_code)],
    )


# --- snapshots ----------------------------------------------------------------------------------------------
def snapshot_list(*, store_code: str, start_date: str | None, end_date: str | None) -> QuerySet[Snapshot]:
    """Snapshots of a store by generation time (spec/50 §6.9): inclusive bounds compared as plain strings
    (the column's collation is "C"), newest first."""
    snapshots = Snapshot.objects.filter(store_code=store_code, generate_date_time__isnull=False)
    if start_date is not None:
        snapshots = snapshots.filter(generate_date_time__gte=start_date)
    if end_date is not None:
        snapshots = snapshots.filter(generate_date_time__lte=end_date)
    return snapshots.order_by("-generate_date_time", "-id")


def snapshot_get(*, snapshot_id: str) -> Snapshot:
    """A snapshot of the tenant by id (the store is not checked); unknown or malformed id -> 414202."""
    snapshot = None
    if snapshot_id.isdigit() and len(snapshot_id) < 19:
        snapshot = Snapshot.objects.filter(pk=int(snapshot_id)).first()
    if snapshot is None:
        raise SnapshotNotFoundError(f"Snapshot {snapshot_id} not found")
    return snapshot


def snapshot_schedule_view(*, tenant_id: str, now: datetime | None = None) -> dict:
    """The stored schedule, or the defaults a tenant without one sees (spec/50 §6.11 GET). Never missing."""
    schedule = SnapshotSchedule.objects.filter(pk=SnapshotSchedule.SINGLETON_ID).first()
    if schedule is not None:
        return {
            "enabled": schedule.enabled,
            "schedule_interval": schedule.schedule_interval,
            "schedule_hour": schedule.schedule_hour,
            "schedule_minute": schedule.schedule_minute,
            "schedule_day_of_week": schedule.schedule_day_of_week,
            "schedule_day_of_month": schedule.schedule_day_of_month,
            "retention_days": schedule.retention_days,
            "target_stores": list(schedule.target_stores),
            "tenant_id": schedule.tenant_id,
            "last_executed_at": schedule.last_executed_at,
            "next_execution_at": schedule.next_execution_at,
            "created_at": schedule.created_at,
            "updated_at": schedule.updated_at,
            "created_by": schedule.created_by,
            "updated_by": schedule.updated_by,
        }
    now = now or timezone.now()
    return {
        **conf.default_schedule(),
        "tenant_id": tenant_id,
        "last_executed_at": None,
        "next_execution_at": None,
        "created_at": now,
        "updated_at": now,
        "created_by": "system",
        "updated_by": "system",
    }


def snapshot_schedule_is_due(*, now: datetime | None = None) -> bool:
    """True when the tenant has an enabled schedule whose next fire time has come (cheap check for the beat)."""
    now = now or timezone.now()
    return SnapshotSchedule.objects.filter(
        pk=SnapshotSchedule.SINGLETON_ID, enabled=True, next_execution_at__lte=now
    ).exists()


def snapshot_retention_applies() -> bool:
    return SnapshotSchedule.objects.filter(pk=SnapshotSchedule.SINGLETON_ID, enabled=True).exists()
