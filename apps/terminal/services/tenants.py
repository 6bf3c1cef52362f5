"""Tenant info and stores (spec/10 §5.1, T1-T9).

A tenant's terminal-side "tenant info" (name, tags) and its stores. Creating it also ensures the tenant's schema
exists, which initialises every app of the tenant at once (Kugelpos calls each service's ``POST /tenants``).
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from apps.core import tenancy

from .. import clock, selectors
from ..errors import (
    StoreNotFoundError,
    TenantAlreadyExistsError,
    TenantCreateError,
    TenantDeleteError,
    TenantNotFoundError,
    TenantUpdateError,
)
from ..models import Store, TenantInfo

logger = logging.getLogger(__name__)


def _tenant_info_required(tenant_id: str, *, for_update: bool = False) -> TenantInfo:
    query = TenantInfo.objects.filter(tenant_id=tenant_id)
    if for_update:
        query = query.select_for_update(of=("self",))
    tenant_info = query.first()
    if tenant_info is None:
        raise TenantNotFoundError(f"Tenant not found: {tenant_id}")
    return tenant_info


def tenant_info_create(*, tenant_id: str, tenant_name: str, tags: list[str]) -> TenantInfo:
    """T1: ensure the tenant (registry row + schema) and create its tenant info; a repeat is 400 ``407002``."""
    if not tenancy.is_valid_tenant_id(tenant_id):
        raise TenantCreateError(f"Failed to create tenant: {tenant_id}")
    try:
        tenancy.tenant_ensure(tenant_id=tenant_id)
    except Exception as exc:  # noqa: BLE001 - spec: any other failure is 400 407006
        logger.exception("tenant set-up failed for %s", tenant_id)
        raise TenantCreateError(f"Failed to create tenant: {tenant_id}") from exc
    with tenancy.tenant_context(tenant_id):
        try:
            with transaction.atomic():
                TenantInfo.objects.create(
                    tenant_id=tenant_id, tenant_name=tenant_name, tags=list(tags), created_at=clock.now()
                )
        except IntegrityError:
            raise TenantAlreadyExistsError(f"Tenant already exists: {tenant_id}") from None
        return selectors.tenant_info_find(tenant_id=tenant_id)


def tenant_info_get(*, tenant_id: str) -> TenantInfo:
    """T2: the tenant info with its stores; 404 ``407001`` if there is none yet."""
    tenant_info = selectors.tenant_info_find(tenant_id=tenant_id)
    if tenant_info is None:
        raise TenantNotFoundError(f"Tenant not found: {tenant_id}")
    return tenant_info


@transaction.atomic
def tenant_info_update(*, tenant_id: str, tenant_name: str, tags: list[str]) -> TenantInfo:
    """T3: replace name and tags. Every failure, "no tenant info" included, is 400 ``407003``."""
    updated = TenantInfo.objects.filter(tenant_id=tenant_id).update(
        tenant_name=tenant_name, tags=list(tags), updated_at=clock.now()
    )
    if not updated:
        raise TenantUpdateError(f"Failed to update tenant: {tenant_id}")
    return selectors.tenant_info_find(tenant_id=tenant_id)


@transaction.atomic
def tenant_info_delete(*, tenant_id: str) -> None:
    """T4: delete the tenant info and its stores; users, terminals, logs and the schema stay."""
    deleted, _ = TenantInfo.objects.filter(tenant_id=tenant_id).delete()
    if not deleted:
        raise TenantDeleteError(f"Failed to delete tenant: {tenant_id}")


def store_create(*, tenant_id: str, store_code: str, store_name: str, tags: list[str] | None) -> TenantInfo:
    """T5: add a store (status ``Idle``, no business date); returns the whole tenant info."""
    with transaction.atomic():
        tenant_info = _tenant_info_required(tenant_id, for_update=True)
        now = clock.now()
        try:
            with transaction.atomic():
                Store.objects.create(
                    tenant_info=tenant_info,
                    store_code=store_code,
                    store_name=store_name,
                    tags=None if tags is None else list(tags),
                    created_at=now,
                )
        except IntegrityError:
            raise TenantUpdateError(
                f"Failed to update tenant: {tenant_id}, store already exists: {store_code}"
            ) from None
        TenantInfo.objects.filter(pk=tenant_info.pk).update(updated_at=now)
    return selectors.tenant_info_find(tenant_id=tenant_id)


def store_list(*, tenant_id: str) -> list[Store]:
    """T6: every store of the tenant info (paging parameters are accepted and ignored by the endpoint)."""
    return list(_tenant_info_required(tenant_id).stores.all())


def store_get(*, tenant_id: str, store_code: str) -> Store:
    """T7: 404 ``407001`` without tenant info, 404 ``407101`` for an unknown store."""
    store = selectors.store_find(tenant_info=_tenant_info_required(tenant_id), store_code=store_code)
    if store is None:
        raise StoreNotFoundError(f"Store not found: {store_code}")
    return store


@transaction.atomic
def store_update(
    *,
    tenant_id: str,
    store_code: str,
    store_name: str | None,
    status: str | None = None,
    business_date: str | None = None,
    tags: list[str] | None = None,
) -> Store:
    """T8: apply only truthy values (``""`` and ``[]`` leave a field as it is)."""
    tenant_info = _tenant_info_required(tenant_id, for_update=True)
    store = Store.objects.select_for_update(of=("self",)).filter(tenant_info=tenant_info, store_code=store_code).first()
    if store is None:
        raise TenantUpdateError(f"Failed to update tenant: {tenant_id}, store not found: {store_code}")
    for field, value in (
        ("store_name", store_name),
        ("status", status),
        ("business_date", business_date),
        ("tags", tags),
    ):
        if value:
            setattr(store, field, list(value) if field == "tags" else value)
    store.updated_at = clock.now()
    store.save()
    TenantInfo.objects.filter(pk=tenant_info.pk).update(updated_at=store.updated_at)
    return store


@transaction.atomic
def store_delete(*, tenant_id: str, store_code: str) -> None:
    """T9: remove the store if present (an unknown store is not an error); its terminals are not touched."""
    tenant_info = _tenant_info_required(tenant_id, for_update=True)
    deleted, _ = Store.objects.filter(tenant_info=tenant_info, store_code=store_code).delete()
    if deleted:
        TenantInfo.objects.filter(pk=tenant_info.pk).update(updated_at=clock.now())
