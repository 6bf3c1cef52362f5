"""Scheduled snapshots and retention (spec/50 §5.6): the services and the Celery tasks (eager in tests)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.stock import services, tasks
from apps.stock.beat import STOCK_BEAT_SCHEDULE
from apps.stock.models import Snapshot, SnapshotRun, SnapshotSchedule
from tests.support import TENANT_A, TENANT_B

from .conftest import in_tenant_a
from .factories import SnapshotFactory, SnapshotScheduleFactory, StockFactory

pytestmark = pytest.mark.django_db

FIRE = datetime(2025, 1, 15, 2, 0, tzinfo=UTC)


def save(values=None, *, now=FIRE - timedelta(hours=1)):
    base = {"enabled": True, "schedule_interval": "daily", "schedule_hour": 2, "schedule_minute": 0,
            "schedule_day_of_week": None, "schedule_day_of_month": None, "retention_days": 30,
            "target_stores": ["all"]}
    return services.snapshot_schedule_save(tenant_id=TENANT_A, values={**base, **(values or {})},
                                           updated_by="admin", now=now)


@pytest.fixture
def stores(tenant_a):
    with in_tenant_a():
        StockFactory(store_code="S1", item_code="A", current_quantity=3.0)
        StockFactory(store_code="S1", item_code="B", current_quantity=-1.0)
        StockFactory(store_code="S2", item_code="A", current_quantity=7.0)


def test_due_run_snapshots_every_store_once_and_moves_on(stores):
    with in_tenant_a():
        schedule = save()
        assert schedule.next_execution_at == FIRE
        assert services.snapshot_schedule_run_due(tenant_id=TENANT_A, now=FIRE - timedelta(seconds=1)) is None
        taken = services.snapshot_schedule_run_due(tenant_id=TENANT_A, now=FIRE + timedelta(seconds=20))
        assert sorted((s.store_code, s.total_items, s.total_quantity) for s in taken) == [
            ("S1", 2, 2.0), ("S2", 1, 7.0)]
        assert {s.created_by for s in taken} == {"scheduled_system"}
        schedule.refresh_from_db()
        assert schedule.next_execution_at == FIRE + timedelta(days=1)
        assert schedule.last_executed_at is not None
        # a second worker at the same moment finds nothing due
        assert services.snapshot_schedule_run_due(tenant_id=TENANT_A, now=FIRE + timedelta(seconds=21)) is None
        assert Snapshot.objects.count() == 2


def test_the_same_fire_time_never_runs_twice(stores):
    with in_tenant_a():
        save()
        SnapshotRun.objects.create(fire_time=FIRE, started_at=FIRE)  # another worker got there first
        assert services.snapshot_schedule_run_due(tenant_id=TENANT_A, now=FIRE + timedelta(seconds=5)) is None
        assert Snapshot.objects.count() == 0
        assert SnapshotSchedule.objects.get().next_execution_at == FIRE + timedelta(days=1)


def test_listed_stores_are_used_as_given(stores):
    with in_tenant_a():
        save({"target_stores": ["S2", "NOSTOCK"]})
        taken = services.snapshot_schedule_run_due(tenant_id=TENANT_A, now=FIRE)
        assert [(s.store_code, s.total_items) for s in taken] == [("S2", 1), ("NOSTOCK", 0)]


def test_a_run_up_to_an_hour_late_executes_later_is_skipped(stores):
    with in_tenant_a():
        save()
        assert len(services.snapshot_schedule_run_due(tenant_id=TENANT_A, now=FIRE + timedelta(minutes=59))) == 2
        SnapshotSchedule.objects.update(next_execution_at=FIRE + timedelta(days=1))
        late = FIRE + timedelta(days=1, hours=1, minutes=1)
        assert services.snapshot_schedule_run_due(tenant_id=TENANT_A, now=late) is None
        assert Snapshot.objects.count() == 2
        assert SnapshotSchedule.objects.get().next_execution_at == FIRE + timedelta(days=2)


def test_disabled_or_deleted_schedules_never_run(stores):
    with in_tenant_a():
        save({"enabled": False})
        assert SnapshotSchedule.objects.get().next_execution_at is None
        assert services.snapshot_schedule_run_due(tenant_id=TENANT_A, now=FIRE + timedelta(days=3)) is None
        services.snapshot_schedule_delete()
        assert services.snapshot_schedule_run_due(tenant_id=TENANT_A, now=FIRE + timedelta(days=3)) is None
        assert Snapshot.objects.count() == 0


def test_one_failing_store_does_not_stop_the_others(stores, monkeypatch):
    original = services.snapshot_create

    def fail_for_s1(**kwargs):
        if kwargs["store_code"] == "S1":
            raise RuntimeError("boom")
        return original(**kwargs)

    monkeypatch.setattr(services, "snapshot_create", fail_for_s1)
    with in_tenant_a():
        save()
        taken = services.snapshot_schedule_run_due(tenant_id=TENANT_A, now=FIRE)
        assert [s.store_code for s in taken] == ["S2"]
        assert SnapshotSchedule.objects.get().last_executed_at is not None


def test_retention_purges_old_snapshots_only_under_an_enabled_schedule(tenant_a):
    now = timezone.now()
    with in_tenant_a():
        old = SnapshotFactory(created_at=now - timedelta(days=31))
        manual_old = SnapshotFactory(store_code="9", created_by="mgr", created_at=now - timedelta(days=90))
        recent = SnapshotFactory(created_at=now - timedelta(days=29))
        assert services.snapshot_purge_expired(now=now) == 0  # no stored schedule: nothing purged
        SnapshotScheduleFactory(enabled=False)
        assert services.snapshot_purge_expired(now=now) == 0
        SnapshotSchedule.objects.update(enabled=True)
        assert services.snapshot_purge_expired(now=now) == 2
        remaining = set(Snapshot.objects.values_list("pk", flat=True))
        assert remaining == {recent.pk} and old.pk not in remaining and manual_old.pk not in remaining


def test_dispatchers_enqueue_per_tenant_work(stores):
    with in_tenant_a():
        save(now=timezone.now() - timedelta(days=2))
        SnapshotSchedule.objects.update(next_execution_at=timezone.now() - timedelta(minutes=1))
        SnapshotFactory(created_at=timezone.now() - timedelta(days=40))
    assert tasks.dispatch_snapshot_schedules() == [TENANT_A]  # eager: the run happened as well
    with in_tenant_a():
        assert Snapshot.objects.filter(created_by="scheduled_system").count() == 2
    assert tasks.dispatch_snapshot_schedules() == []
    assert tasks.dispatch_snapshot_purge() == [TENANT_A]
    with in_tenant_a():
        assert Snapshot.objects.count() == 2
    assert TENANT_B not in tasks.dispatch_snapshot_purge()


def test_beat_entries_name_registered_tasks():
    from celery import current_app

    registered = current_app.tasks
    for entry in STOCK_BEAT_SCHEDULE.values():
        assert entry["task"] in registered


def test_health_reports_the_snapshot_scheduler(api, settings):
    settings.CELERY_BEAT_SCHEDULE = {**settings.CELERY_BEAT_SCHEDULE, **STOCK_BEAT_SCHEDULE}
    body = api.get("/stock/health").json()
    assert body["service"] == "stock"
    check = body["checks"]["snapshot_scheduler"]
    assert check["status"] == "healthy" and check["details"]["scheduler_running"] is True
    assert check["details"]["job_count"] == 2
