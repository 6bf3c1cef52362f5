"""Schema-per-tenant helpers over django-tenants.

A request's tenant comes from its credential (spec/00 §6.2), never from the host name. Code that runs outside a
request (Celery tasks, management commands, consumers) enters a tenant with ``tenant_context(tenant_id)``.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from .models import Tenant

TENANT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,50}$")
TEMPLATE_TENANT_ID = "__template__"


def schema_name_for(tenant_id: str) -> str:
    """Schema of a tenant: ``t_`` + lower-case id (case-insensitive clashes are refused at creation)."""
    return "t_" + tenant_id.lower()


def is_valid_tenant_id(tenant_id: object) -> bool:
    return isinstance(tenant_id, str) and bool(TENANT_ID_PATTERN.match(tenant_id))


_CACHE_SECONDS = 30.0
_cache: dict[str, tuple[float, Tenant]] = {}
# Tenants this thread created in its open transaction (``tenant_create``): not cached until that commits, so a
# creation rolled back (a failed registration, a keyed request that lost its race or failed) leaves no tenant
# behind in the cache either.
_uncommitted = threading.local()


def _uncommitted_ids() -> set[str]:
    ids = getattr(_uncommitted, "ids", None)
    if ids is None:
        ids = _uncommitted.ids = set()
    return ids


def tenant_get(tenant_id: str) -> Tenant | None:
    """The registered tenant with exactly this id, or None.

    Found tenants are cached in the process for a few seconds: every request resolves its tenant, and the
    registry row never changes (tenants are not renamed; a deleted tenant stops resolving within the TTL).
    """
    if not is_valid_tenant_id(tenant_id):
        return None
    now = time.monotonic()
    hit = _cache.get(tenant_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    with schema_context(get_public_schema_name()):
        tenant = Tenant.objects.filter(tenant_id=tenant_id).first()
    uncommitted = _uncommitted_ids()
    if tenant is None or not connection.in_atomic_block:  # rolled back, or committed: no longer pending here
        uncommitted.discard(tenant_id)
    if tenant is not None and tenant_id not in uncommitted:
        _cache[tenant_id] = (now + _CACHE_SECONDS, tenant)
    else:
        _cache.pop(tenant_id, None)
    return tenant


def tenant_cache_clear() -> None:
    _cache.clear()


def tenant_id_taken(tenant_id: str) -> bool:
    """True when this id, or one differing only in case, is registered."""
    with schema_context(get_public_schema_name()):
        return Tenant.objects.annotate(lower_id=Lower("tenant_id")).filter(lower_id=tenant_id.lower()).exists()


def ensure_template_schema() -> None:
    """Create and migrate the template schema that new tenant schemas are cloned from (idempotent)."""
    from django.conf import settings
    from django.core.management import call_command

    base = settings.TENANT_BASE_SCHEMA
    with schema_context(get_public_schema_name()):
        if not schema_exists(base):
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{base}"')
        call_command("migrate_schemas", schema_name=base, tenant=True, interactive=False, verbosity=0)
    transaction.on_commit(_template_is_checked)  # rolled back (inside a failed request): check it again


def _template_is_checked() -> None:
    global _template_checked
    _template_checked = True


_template_checked = False


def _template_ready() -> None:
    """Bring the template up to date once per process: a stale template would be cloned with faked migrations."""
    if not _template_checked:
        ensure_template_schema()


def tenant_create(*, tenant_id: str, name: str = "") -> Tenant:
    """Register a tenant and create its schema (cloned from the template, then any newer migrations applied).

    Raises ``IntegrityError`` when the id (case-insensitively) is taken; callers decide what that means.
    """
    connection.set_schema_to_public()
    _template_ready()
    with transaction.atomic():
        tenant = Tenant(tenant_id=tenant_id, schema_name=schema_name_for(tenant_id), name=name)
        try:
            tenant.save(verbosity=0)
        except ValidationError as exc:  # django-tenants' own case-insensitive schema clash check
            raise IntegrityError(str(exc)) from exc
        uncommitted = _uncommitted_ids()
        uncommitted.add(tenant_id)
        transaction.on_commit(lambda: uncommitted.discard(tenant_id))
    connection.set_schema_to_public()
    return tenant


def tenant_ensure(*, tenant_id: str) -> Tenant:
    """The tenant with this id, created with its schema if it does not exist yet (per-service ``POST /tenants``)."""
    tenant = tenant_get(tenant_id)
    if tenant is not None:
        return tenant
    try:
        return tenant_create(tenant_id=tenant_id)
    except IntegrityError:
        # Created concurrently (or a case-variant exists): use what is there.
        tenant = tenant_get(tenant_id)
        if tenant is None:
            raise
        return tenant


def activate(tenant: Tenant) -> None:
    """Enter the tenant's schema; nothing to do when the connection is in it already (entering again would make
    the next query set the same search path once more)."""
    if connection.tenant is None or connection.schema_name != tenant.schema_name:
        connection.set_tenant(tenant)


def deactivate() -> None:
    connection.set_schema_to_public()


@contextmanager
def tenant_context(tenant_id: str) -> Iterator[Tenant]:
    """Run a block in the tenant's schema (Celery tasks, commands). Raises ``Tenant.DoesNotExist`` if unknown."""
    tenant = tenant_get(tenant_id)
    if tenant is None:
        raise Tenant.DoesNotExist(tenant_id)
    previous = connection.tenant
    connection.set_tenant(tenant)
    try:
        yield tenant
    finally:
        if previous is None:
            connection.set_schema_to_public()
        else:
            connection.set_tenant(previous)
