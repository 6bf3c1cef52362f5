"""Helpers for tests of every app (imported by the root ``conftest.py`` and by test modules).

They live outside the kernel (``apps.core``) because they reach into other apps (``make_superuser`` creates an
``apps.account`` user).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import connection

TENANT_A = "T1001"
TENANT_B = "T2002"


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def make_superuser(tenant_id: str, username: str = "admin", password: str = "admin"):
    from apps.account.models import User
    from apps.core.tenancy import tenant_context

    with tenant_context(tenant_id):
        user = User.objects.create_superuser(username, password, tenant_id=tenant_id)
    connection.set_schema_to_public()
    return user


def register_api_key(*, tenant_id: str, terminal_id: str, api_key: str) -> None:
    """Put a key in the public API-key index, as terminal creation does."""
    from apps.core.auth import api_key_hash
    from apps.core.models import ApiKeyIndex

    connection.set_schema_to_public()
    ApiKeyIndex.objects.create(key_hash=api_key_hash(api_key), tenant_id=tenant_id, terminal_id=terminal_id)


def run_in_threads(count: int, work, *, tenant_id: str | None = None) -> list:
    """Start ``count`` threads together (a barrier); each runs ``work(index)`` on its own database connection, in
    ``tenant_id``'s schema when given. Returns each thread's result, or the exception it raised."""
    from apps.core.tenancy import tenant_context

    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(index: int) -> None:
        try:
            barrier.wait()
            if tenant_id is None:
                results[index] = work(index)
            else:
                with tenant_context(tenant_id):
                    results[index] = work(index)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@contextmanager
def committed_tenant(tenant_id: str, *, consumer: str, event_ids: list[str]):
    """A tenant created for real (tests whose threads commit), dropped afterwards with the processed markers of
    ``consumer`` for ``event_ids``."""
    from apps.core import tenancy
    from apps.core.models import ConsumedEvent, Tenant

    connection.set_schema_to_public()
    tenant = tenancy.tenant_create(tenant_id=tenant_id)
    try:
        yield tenant_id
    finally:
        connection.set_schema_to_public()
        ConsumedEvent.objects.filter(consumer=consumer, event_id__in=event_ids).delete()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
        Tenant.objects.filter(tenant_id=tenant_id).delete()
        tenancy.tenant_cache_clear()
