"""Stock reads for the API, the WebSocket session, the dashboard and the admin (spec/50 §5.3, §6, §7.3)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Case, CharField, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.core.formats import app_zone
from apps.masterdata.models import Item
from apps.masterdata.selectors import categories_map, items_descriptions

from . import conf
from .calculations import (
    STATUS_BELOW_MINIMUM,
    STATUS_BELOW_REORDER_POINT,
    STATUS_OK,
    StockAlert,
    StockLevel,
    initial_alerts,
)
from .errors import SnapshotNotFoundError, StockNotFoundError
from .models import Snapshot, SnapshotSchedule, Stock, StockAlertRecord, StockUpdate


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


# --- back office (issue #22) --------------------------------------------------------------------------------
def _item_name() -> Subquery:
    # Item names live in master data. A correlated subquery keeps the stock list one query that can be searched
    # and sorted by name; masterdata sits below stock in the app layers, and no masterdata selector returns an
    # expression, so the model is read here, for its description column only.
    return Subquery(Item.objects.filter(item_code=OuterRef("item_code")).values("description")[:1])


STATUS_RANK = {STATUS_BELOW_MINIMUM: 0, STATUS_BELOW_REORDER_POINT: 1, STATUS_OK: 2}


def stock_annotate(queryset: QuerySet[Stock]) -> QuerySet[Stock]:
    """Stock rows with ``item_name`` (master data; empty for an unknown item), ``status`` (as
    ``calculations.stock_status`` says) and ``status_rank`` (worst first) for filtering and sorting in SQL."""
    status = Case(
        When(current_quantity__lt=F("minimum_quantity"), then=Value(STATUS_BELOW_MINIMUM)),
        When(reorder_point__gt=0, current_quantity__lte=F("reorder_point"), then=Value(STATUS_BELOW_REORDER_POINT)),
        default=Value(STATUS_OK),
        output_field=CharField(),
    )
    rank = Case(
        *(When(status=Value(name), then=Value(value)) for name, value in STATUS_RANK.items()),
        output_field=IntegerField(),
    )
    return queryset.annotate(item_name=Coalesce(_item_name(), Value("")), status=status).annotate(status_rank=rank)


def item_names(*, item_codes: Iterable[str]) -> dict[str, str]:
    """Item names by code (logically deleted items too: their stock is still counted)."""
    return items_descriptions(item_codes=item_codes)


def item_choices() -> list[tuple[str, str]]:
    """``(item_code, name)`` of every live item, for the back office's item pickers."""
    return list(Item.objects.live().order_by("item_code").values_list("item_code", "description"))


def live_item_codes(*, item_codes: Iterable[str]) -> set[str]:
    """Those of ``item_codes`` that are live master-data items."""
    return set(Item.objects.live().filter(item_code__in=set(item_codes)).values_list("item_code", flat=True))


def category_choices() -> list[tuple[str, str]]:
    return [(code, info.description) for code, info in categories_map().items()]


def stocktake_items(*, store_code: str, category_code: str | None) -> list[tuple[str, str, float]]:
    """What a count sheet lists, ``(item_code, name, expected)`` by item code: the live items of the category, or
    for a whole-store count every live item and every item with stock in the store (expected 0 without a row)."""
    items = Item.objects.live()
    if category_code:
        items = items.filter(category_code=category_code)
    names = dict(items.values_list("item_code", "description"))
    levels = dict(Stock.objects.of_store(store_code).values_list("item_code", "current_quantity"))
    codes = set(names) | (set() if category_code else set(levels))
    if not category_code:
        names.update({code: name for code, name in items_descriptions(item_codes=codes - set(names)).items()})
    return [(code, names.get(code, ""), levels.get(code, 0.0)) for code in sorted(codes)]


def stock_movements(
    *, store_code: str, item_code: str, update_type: str | None = None, date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[StockUpdate]:
    """One item's movements, newest first, narrowed by type and by store-time dates (inclusive). Each row's
    ``after_quantity`` is the running quantity after that movement."""
    rows = stock_history(store_code=store_code, item_code=item_code)
    zone = app_zone()
    if update_type:
        rows = rows.filter(update_type=update_type)
    if date_from:
        rows = rows.filter(timestamp__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to:
        rows = rows.filter(timestamp__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone))
    return rows


def alert_records(*, store_code: str, limit: int = 50) -> list[StockAlertRecord]:
    """The store's latest alerts as they were sent, newest first (the dashboard's alert list)."""
    return list(StockAlertRecord.objects.filter(store_code=store_code).order_by("-sent_at", "-id")[:limit])
