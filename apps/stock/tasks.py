"""Thin Celery tasks of the stock app: scheduled snapshots and their retention (spec/50 §5.6).

Beat runs the two dispatchers (entries in ``apps.stock.beat``); they look at every tenant and enqueue per-tenant
work with the tenant id passed explicitly. Each per-tenant task enters that tenant's schema and calls one service.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from apps.core import tenancy
from apps.core.models import Tenant

from . import selectors, services

logger = logging.getLogger(__name__)


def _tenant_ids() -> list[str]:
    with schema_context(get_public_schema_name()):
        return list(
            Tenant.objects.exclude(schema_name=get_public_schema_name())
            .order_by("tenant_id")
            .values_list("tenant_id", flat=True)
        )


@shared_task(name="stock.dispatch_snapshot_schedules")
def dispatch_snapshot_schedules() -> list[str]:
    """Every minute: enqueue a run for each tenant whose scheduled snapshot is due."""
    due = []
    for tenant_id in _tenant_ids():
        try:
            with tenancy.tenant_context(tenant_id):
                is_due = selectors.snapshot_schedule_is_due()
        except Exception:  # noqa: BLE001 - one broken tenant must not stop the others
            logger.exception("snapshot schedule of tenant %s not checked", tenant_id)
            continue
        if is_due:
            due.append(tenant_id)
            run_snapshot_schedule.delay(tenant_id)
    connection.set_schema_to_public()
    return due


@shared_task(name="stock.run_snapshot_schedule", acks_late=True)
def run_snapshot_schedule(tenant_id: str) -> int | None:
    """One tenant's due snapshot run (no double run: the service keys each run by its fire time)."""
    with tenancy.tenant_context(tenant_id):
        snapshots = services.snapshot_schedule_run_due(tenant_id=tenant_id)
    return None if snapshots is None else len(snapshots)


@shared_task(name="stock.dispatch_snapshot_purge")
def dispatch_snapshot_purge() -> list[str]:
    """Hourly: enqueue the retention purge for each tenant with a stored, enabled schedule."""
    queued = []
    for tenant_id in _tenant_ids():
        try:
            with tenancy.tenant_context(tenant_id):
                applies = selectors.snapshot_retention_applies()
        except Exception:  # noqa: BLE001 - one broken tenant must not stop the others
            logger.exception("snapshot retention of tenant %s not checked", tenant_id)
            continue
        if applies:
            queued.append(tenant_id)
            purge_expired_snapshots.delay(tenant_id)
    connection.set_schema_to_public()
    return queued


@shared_task(name="stock.purge_expired_snapshots", acks_late=True)
def purge_expired_snapshots(tenant_id: str) -> int:
    with tenancy.tenant_context(tenant_id):
        return services.snapshot_purge_expired()
