"""The back office's terminal actions (issue #22): a person in the back office signs staff in and out, opens a
terminal, puts cash in or takes it out, and closes with the counted cash.

Each command checks who may act (``terminal.operate_terminal`` and the terminal's store in the user's stores),
then calls the very service the API's action calls, with the same arguments, so it writes the same terminal
state, logs, receipts and outbox events under the same rules and error codes. In the same transaction it writes
an audit entry (the admin's ``LogEntry``) on the terminal saying what was done; a refused action writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction

from apps.account.access import require_store
from apps.core.admin import money
from apps.core.errors import NotFoundError

from .. import desk, selectors
from ..models import CashLog, Terminal
from .sessions import SessionResult, terminal_cash_in, terminal_cash_out, terminal_close, terminal_open
from .terminals import terminal_locked, terminal_sign_in, terminal_sign_out

OPERATE_PERMISSION = "terminal.operate_terminal"
VIEW_PERMISSION = "terminal.view_terminal"

T = TypeVar("T")


@dataclass(frozen=True)
class CloseResult:
    """A close from the back office: the session result and the drawer count it recorded."""

    session: SessionResult
    counted: Decimal
    expected: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        return None if self.expected is None else self.counted - self.expected


def may_operate(user: object) -> bool:
    return bool(getattr(user, "has_perm", None) and user.has_perm(OPERATE_PERMISSION))


def terminal_for_user(*, user: object, terminal_id: str, permission: str = VIEW_PERMISSION) -> Terminal:
    """The terminal, if ``user`` holds ``permission`` and works in its store: ``PermissionDenied`` otherwise,
    ``NotFoundError`` (404 ``100001``) for a terminal that is not here."""
    if not user.has_perm(permission):
        raise PermissionDenied("You may not do this.")
    terminal = selectors.terminal_find(terminal_id=terminal_id)
    if terminal is None:
        raise NotFoundError(f"Terminal not found: {terminal_id}")
    require_store(user, terminal.store_code)
    return terminal


def signed_amount(value: Decimal) -> str:
    """``+¥345``, ``-¥20``, ``¥0``: a difference as a cashier reads it."""
    return ("+" if value > 0 else "") + money(value)


def _audited(*, user: object, terminal_id: str, run: Callable[[], T], message: Callable[[T], str]) -> T:
    """Check, run the API's service, and write the audit entry, all or nothing. The terminal row is locked first,
    so what ``run`` reads before the service (the expected cash of a close) is the state the service acts on."""
    with transaction.atomic():
        terminal_for_user(user=user, terminal_id=terminal_id, permission=OPERATE_PERMISSION)
        terminal = terminal_locked(terminal_id=terminal_id)
        result = run()
        LogEntry.objects.create(
            user_id=user.pk,
            content_type=ContentType.objects.get_for_model(Terminal),
            object_id=str(terminal.pk),
            object_repr=str(terminal)[:200],
            action_flag=CHANGE,
            change_message=message(result),
        )
    return result


def backoffice_sign_in(*, user: object, terminal_id: str, staff_id: str) -> Terminal:
    return _audited(
        user=user,
        terminal_id=terminal_id,
        run=lambda: terminal_sign_in(terminal_id=terminal_id, staff_id=staff_id),
        message=lambda terminal: f"Signed in: staff {terminal.staff_id} {terminal.staff_name}",
    )


def backoffice_sign_out(*, user: object, terminal_id: str) -> Terminal:
    staff: list[str] = []

    def run() -> Terminal:
        before = selectors.terminal_get(terminal_id=terminal_id)
        if before is not None and before.staff_id:
            staff.append(f"{before.staff_id} {before.staff_name}")
        return terminal_sign_out(terminal_id=terminal_id)

    return _audited(
        user=user,
        terminal_id=terminal_id,
        run=run,
        message=lambda terminal: f"Signed out: staff {staff[0]}" if staff else "Signed out (nobody was signed in)",
    )


def backoffice_open(*, user: object, terminal_id: str, initial_amount: Decimal | None) -> SessionResult:
    def message(result: SessionResult) -> str:
        amount = "none" if initial_amount is None else money(initial_amount)
        t = result.terminal
        return f"Opened: business date {t.business_date}, session {t.open_counter}, initial amount {amount}"

    return _audited(
        user=user,
        terminal_id=terminal_id,
        run=lambda: terminal_open(terminal_id=terminal_id, initial_amount=initial_amount),
        message=message,
    )


def backoffice_cash_in(*, user: object, terminal_id: str, amount: Decimal, description: str | None) -> CashLog:
    return _audited(
        user=user,
        terminal_id=terminal_id,
        run=lambda: terminal_cash_in(terminal_id=terminal_id, amount=amount, description=description),
        message=lambda log: f"Cash in: {money(log.amount)} ({log.description})",
    )


def backoffice_cash_out(*, user: object, terminal_id: str, amount: Decimal, description: str | None) -> CashLog:
    return _audited(
        user=user,
        terminal_id=terminal_id,
        run=lambda: terminal_cash_out(terminal_id=terminal_id, amount=amount, description=description),
        message=lambda log: f"Cash out: {money(-log.amount)} ({log.description})",
    )


def backoffice_close(*, user: object, terminal_id: str, physical_amount: Decimal) -> CloseResult:
    """Close with the counted cash; the audit entry compares it with the expected cash just before the close."""
    expected: list[Decimal | None] = []

    def run() -> CloseResult:
        before = selectors.terminal_get(terminal_id=terminal_id)
        expected.append(desk.expected_cash(before) if before is not None and before.is_opened else None)
        session = terminal_close(terminal_id=terminal_id, physical_amount=physical_amount)
        return CloseResult(session=session, counted=physical_amount, expected=expected[0])

    def message(result: CloseResult) -> str:
        if result.expected is None:
            return f"Closed: counted {money(result.counted)}"
        return (
            f"Closed: counted {money(result.counted)}, expected {money(result.expected)}, "
            f"difference {signed_amount(result.difference)}"
        )

    return _audited(user=user, terminal_id=terminal_id, run=run, message=message)
