"""Test data of the terminal app: tenant info, stores, terminals (through the real services) and staff."""

from __future__ import annotations

import factory

from apps.terminal import services
from apps.terminal.models import Terminal
from tests.support import TENANT_A


class TerminalFactory(factory.Factory):
    """A terminal created by ``terminal_create`` (key generated, encrypted, indexed). Run in the tenant schema."""

    class Meta:
        model = Terminal

    tenant_id = TENANT_A
    store_code = "5678"
    terminal_no = factory.Sequence(lambda n: n + 1)
    description = factory.Faker("sentence", nb_words=3)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.terminal_create(**kwargs)


def tenant_with_store(tenant_id: str = TENANT_A, store_code: str = "5678", store_name: str = "テスト店舗"):
    """Tenant info with one store (T1 + T5 through the services)."""
    from apps.terminal import selectors

    if selectors.tenant_info_find(tenant_id=tenant_id) is None:
        services.tenant_info_create(tenant_id=tenant_id, tenant_name="Test Tenant", tags=["Test"])
    if selectors.store_get(store_code=store_code) is None:
        services.store_create(tenant_id=tenant_id, store_code=store_code, store_name=store_name, tags=None)
