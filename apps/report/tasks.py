"""Thin Celery tasks of the report app: the nightly reconciliation (issue #24, ours).

Beat runs the dispatcher (``apps.report.beat``); it enqueues one task per tenant with the tenant id passed
explicitly; each enters that tenant's schema and calls one service.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from apps.core import tenancy
from apps.core.formats import app_now
from apps.core.models import Tenant

from .services.reconciliation import previous_business_date, reconciliation_run_stores

logger = logging.getLogger(__name__)


@shared_task(name="report.dispatch_reconciliations")
def dispatch_reconciliations(business_date: str | None = None) -> list[str]:
    """Hourly from beat, working only in the stores' hour ``RECONCILIATION_HOUR`` (03 by default): reconcile every
    tenant's stores for the previous business date. Given ``business_date`` (by hand), that date, at once."""
    if business_date is None and app_now().hour != settings.RECONCILIATION_HOUR:
        return []
    business_date = business_date or previous_business_date()
    with schema_context(get_public_schema_name()):
        tenant_ids = list(Tenant.objects.exclude(schema_name=get_public_schema_name())
                          .order_by("tenant_id").values_list("tenant_id", flat=True))
    for tenant_id in tenant_ids:
        reconcile_tenant.delay(tenant_id, business_date)
    connection.set_schema_to_public()
    return tenant_ids


@shared_task(name="report.reconcile_tenant", acks_late=True)
def reconcile_tenant(tenant_id: str, business_date: str) -> dict[str, str]:
    """One tenant's stores for one business date (a repeat replaces the stored results: idempotent)."""
    with tenancy.tenant_context(tenant_id):
        outcome = reconciliation_run_stores(tenant_id=tenant_id, business_date=business_date)
    logger.info("reconciliation of tenant %s for %s: %s", tenant_id, business_date, outcome)
    return outcome
