"""Public-schema models: the tenant registry and the terminal API-key index.

Everything a tenant owns lives in its own schema; these tables are what must be read before a tenant is known.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django_tenants.models import DomainMixin, TenantMixin


class Tenant(TenantMixin):
    """One retail chain. ``tenant_id`` is the exact, case-sensitive Kugelpos id; the schema name derives from it."""

    tenant_id = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        constraints = [
            # A1234 and a1234 would share a schema name: a case-insensitive clash counts as taken (spec/10 §2).
            models.UniqueConstraint(Lower("tenant_id"), name="core_tenant_tenant_id_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.tenant_id


class Domain(DomainMixin):
    """Required by django-tenants. Tenants are resolved from credentials, never from the host name."""


class ApiKeyIndex(models.Model):
    """Terminal API key lookup before the tenant is known: SHA-256 of the key -> tenant and terminal.

    Only the hash is stored here; the retrievable (encrypted) copy lives with the terminal in the tenant schema.
    """

    key_hash = models.CharField(max_length=64, unique=True)
    tenant_id = models.CharField(max_length=50)
    terminal_id = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "API key index entry"
        verbose_name_plural = "API key index"

    def __str__(self) -> str:
        return self.terminal_id
