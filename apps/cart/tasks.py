"""Thin Celery tasks of the cart app."""

from __future__ import annotations

from celery import shared_task

from apps.core.models import Tenant
from apps.core.tenancy import tenant_context

from .services.carts import cart_purge_expired


@shared_task(name="cart.purge_expired_carts")
def purge_expired_carts() -> int:
    """Delete carts idle for more than 10 hours, tenant by tenant."""
    removed = 0
    for tenant_id in Tenant.objects.values_list("tenant_id", flat=True):
        with tenant_context(tenant_id):
            removed += cart_purge_expired()
    return removed
