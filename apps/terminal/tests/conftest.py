"""Fixtures of the terminal tests: a steppable business clock, master-data staff, a ready terminal."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.terminal import services
from apps.terminal.tests.factories import TerminalFactory, tenant_with_store
from tests.support import TENANT_A

TOKYO = ZoneInfo("Asia/Tokyo")


class Clock:
    """The terminal service's business clock, frozen at a given instant and moved by the test."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def set(self, text: str) -> datetime:
        """``"2025-01-15 10:30"`` (Asia/Tokyo)."""
        self.current = datetime.fromisoformat(text).replace(tzinfo=TOKYO)
        return self.current

    def tick(self, **delta) -> datetime:
        self.current += timedelta(**(delta or {"seconds": 1}))
        return self.current


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(datetime(2025, 1, 15, 9, 0, tzinfo=TOKYO))
    monkeypatch.setattr("apps.terminal.clock.now", clock.now)
    return clock


@pytest.fixture
def staff_master():
    """Staff in a tenant's master data, created with apps.masterdata's own service (sign-in reads them through
    its ``staff_get`` selector): ``staff_master.add(tenant_id, staff_id, name, pin)``."""
    from apps.core.tenancy import tenant_context
    from apps.masterdata.services import staff_create

    class Master:
        def add(self, tenant_id: str, staff_id: str, name: str, pin: str = "1234") -> None:
            with tenant_context(tenant_id):
                staff_create(staff_id=staff_id, name=name, pin=pin, roles=["staff"])

    return Master()


@pytest.fixture
def opened_terminal(tenant_a, clock, staff_master):
    """Terminal ``T1001-5678-1`` of store ``5678`` (テスト店舗), staff S001 "Taro" signed in, opened."""
    from apps.core.tenancy import tenant_context

    staff_master.add(TENANT_A, "S001", "Taro")
    with tenant_context(TENANT_A):
        tenant_with_store()
        terminal = TerminalFactory(terminal_no=1)
        services.terminal_sign_in(terminal_id=terminal.terminal_id, staff_id="S001")
        services.terminal_open(terminal_id=terminal.terminal_id, initial_amount=None)
    return terminal


@pytest.fixture
def term_a(tenant_a, token_a, clock, staff_master):
    """Tenant info + store ``5678`` and terminal ``T1001-5678-1`` (Idle) of tenant A; staff S001 "Taro".

    ``T`` is the user JWT, ``K`` the terminal's API key, ``url`` the terminal's API path.
    """
    from types import SimpleNamespace

    from apps.core.tenancy import tenant_context

    staff_master.add(TENANT_A, "S001", "Taro")
    with tenant_context(TENANT_A):
        tenant_with_store()
        terminal = TerminalFactory(terminal_no=1)
        api_key = services.terminal_api_key(terminal)
    return SimpleNamespace(
        T=token_a,
        K=api_key,
        terminal_id=terminal.terminal_id,
        url=f"/terminal/api/v1/terminals/{terminal.terminal_id}",
    )
