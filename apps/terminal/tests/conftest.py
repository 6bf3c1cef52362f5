"""Fixtures of the terminal tests: a steppable business clock, master-data staff, a ready terminal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.core.testing import TENANT_A
from apps.terminal import services
from apps.terminal.tests.factories import TerminalFactory, tenant_with_store

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


@dataclass(frozen=True)
class StaffRow:
    staff_id: str
    name: str
    pin: str


def _masterdata_staff_create():
    """apps.masterdata's ``staff_create`` once that app provides it, else None."""
    try:
        from apps.masterdata.services import staff_create
    except ImportError:
        return None
    return staff_create


@pytest.fixture
def staff_master(monkeypatch):
    """Staff in a tenant's master data: ``staff_master.add(tenant_id, staff_id, name, pin)``.

    Rows are created with apps.masterdata's own service, and sign-in reads them through its ``staff_get``
    selector. Until that app is in the tree (it is written in parallel), the same ``staff_find`` seam of the
    terminal service reads a directory kept here instead.
    """
    from django.db import connection

    from apps.core.tenancy import tenant_context

    staff_create = _masterdata_staff_create()
    directory: dict[str, dict[str, StaffRow]] = {}

    if staff_create is None:
        def staff_find(*, staff_id: str):
            row = directory.get(connection.tenant.tenant_id, {}).get(staff_id)
            return None if row is None else services.Staff(staff_id=row.staff_id, name=row.name, pin=row.pin)

        monkeypatch.setattr("apps.terminal.services.terminals.staff_find", staff_find)

    class Master:
        def add(self, tenant_id: str, staff_id: str, name: str, pin: str = "1234") -> None:
            if staff_create is None:
                directory.setdefault(tenant_id, {})[staff_id] = StaffRow(staff_id, name, pin)
            else:
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
