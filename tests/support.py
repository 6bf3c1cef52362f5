"""Helpers for tests of every app (imported by the root ``conftest.py`` and by test modules).

They live outside the kernel (``apps.core``) because they reach into other apps (``make_superuser`` creates an
``apps.account`` user).
"""

from __future__ import annotations

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
