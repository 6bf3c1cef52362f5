"""Demo seed: tenant info, store S001 "Demo Store" and terminal 1 with its API key (idempotent)."""

from __future__ import annotations

from apps.core.seed import DEMO_STORE_CODE

from . import selectors, services

DEMO_STORE_NAME = "Demo Store"
DEMO_TERMINAL_NO = 1


def seed(tenant_id: str) -> list[str]:
    if selectors.tenant_info_find(tenant_id=tenant_id) is None:
        services.tenant_info_create(tenant_id=tenant_id, tenant_name="Demo Tenant", tags=["demo"])
    if selectors.store_get(store_code=DEMO_STORE_CODE) is None:
        services.store_create(tenant_id=tenant_id, store_code=DEMO_STORE_CODE, store_name=DEMO_STORE_NAME, tags=None)
    terminal_id = services.terminal_id_for(
        tenant_id=tenant_id, store_code=DEMO_STORE_CODE, terminal_no=DEMO_TERMINAL_NO
    )
    terminal = selectors.terminal_find(terminal_id=terminal_id)
    if terminal is None:
        terminal = services.terminal_create(
            tenant_id=tenant_id,
            store_code=DEMO_STORE_CODE,
            terminal_no=DEMO_TERMINAL_NO,
            description="Demo terminal",
        )
    return [
        f"demo store: {DEMO_STORE_CODE} ({DEMO_STORE_NAME})",
        f"demo terminal: {terminal_id}  X-API-KEY: {services.terminal_api_key(terminal)}",
    ]
