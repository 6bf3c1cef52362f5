"""factory-boy factories of the stock models (create inside ``tenant_context``)."""

from __future__ import annotations

import factory
from django.utils import timezone

from apps.core.formats import iso_app
from tests.support import TENANT_A

from ..models import Snapshot, SnapshotSchedule, Stock, StockUpdate

STORE = "5678"


class StockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stock

    tenant_id = TENANT_A
    store_code = STORE
    item_code = factory.Sequence(lambda n: f"ITEM{n:04d}")
    current_quantity = 0.0
    minimum_quantity = 0.0
    reorder_point = 0.0
    reorder_quantity = 0.0
    last_transaction_id = None
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class StockUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockUpdate

    tenant_id = TENANT_A
    store_code = STORE
    item_code = "ITEM0001"
    update_type = "adjustment"
    quantity_change = 1.0
    before_quantity = 0.0
    after_quantity = 1.0
    reference_id = None
    timestamp = factory.LazyFunction(timezone.now)
    operator_id = None
    note = None
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Snapshot

    tenant_id = TENANT_A
    store_code = STORE
    total_items = 0
    total_quantity = 0.0
    stocks = factory.LazyFunction(list)
    created_by = "system"
    created_at = factory.LazyFunction(timezone.now)
    updated_at = None
    generate_date_time = factory.LazyAttribute(lambda snapshot: iso_app(snapshot.created_at))


class SnapshotScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SnapshotSchedule
        django_get_or_create = ("id",)

    id = SnapshotSchedule.SINGLETON_ID
    tenant_id = TENANT_A
    enabled = True
    schedule_interval = "daily"
    schedule_hour = 2
    schedule_minute = 0
    retention_days = 30
    target_stores = factory.LazyFunction(lambda: ["all"])
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
