"""Reads of the back office's terminal page ("Terminals and cash", issue #22): a store's terminals with their
state, expected cash in the drawer and last action, and each terminal's audit trail.

The expected cash is the sales report's logical cash of the terminal's current session. The report app (a layer
above) computes it and registers how (``register_expected_cash_provider``, from its ``AppConfig.ready``), so the
page shows the number the home page and the report show, computed once, in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from .models import CashLog, OpenCloseLog, Terminal
from .selectors import TerminalInfo, terminal_infos

# fn(terminal) -> expected cash in its drawer (the current session's logical cash)
ExpectedCashProvider = Callable[[TerminalInfo], Decimal]
_expected_cash_provider: ExpectedCashProvider | None = None


def register_expected_cash_provider(provider: ExpectedCashProvider | None) -> None:
    """The report app registers how the expected cash of a terminal is computed; ``None`` unregisters."""
    global _expected_cash_provider
    _expected_cash_provider = provider


def expected_cash(terminal: TerminalInfo) -> Decimal | None:
    """The terminal's expected cash in drawer; None when it has never been opened or no report app computes it."""
    if _expected_cash_provider is None or not terminal.business_date:
        return None
    return _expected_cash_provider(terminal)


@dataclass(frozen=True)
class LastAction:
    """The latest cash or open/close log of a terminal, whoever wrote it (a POS client or the back office)."""

    at: datetime
    kind: str  # "open", "close", "cash"
    amount: Decimal | None
    description: str | None


@dataclass(frozen=True)
class TrailEntry:
    at: datetime
    username: str
    message: str


@dataclass(frozen=True)
class TerminalRow:
    terminal: TerminalInfo
    pk: int
    expected_cash: Decimal | None
    last_action: LastAction | None
    trail: list[TrailEntry]


TRAIL_LENGTH = 10


def last_action(terminal: TerminalInfo) -> LastAction | None:
    where = {"store_code": terminal.store_code, "terminal_no": terminal.terminal_no}
    cash = CashLog.objects.filter(**where).order_by("-generate_date_time").first()
    session = OpenCloseLog.objects.filter(**where).order_by("-generate_date_time").first()
    if session is not None and (cash is None or session.generate_date_time >= cash.generate_date_time):
        return LastAction(session.generate_date_time, session.operation, None, None)
    if cash is not None:
        return LastAction(cash.generate_date_time, "cash", cash.amount, cash.description)
    return None


def terminal_trail(*, terminal_pk: int, limit: int = TRAIL_LENGTH) -> list[TrailEntry]:
    """The back office's audit trail of one terminal (the admin's log entries on it), newest first."""
    content_type = ContentType.objects.get_for_model(Terminal)
    entries = (
        LogEntry.objects.filter(content_type=content_type, object_id=str(terminal_pk))
        .select_related("user")
        .order_by("-action_time", "-pk")[:limit]
    )
    return [TrailEntry(entry.action_time, entry.user.get_username(), entry.get_change_message()) for entry in entries]


def terminal_rows(*, store_code: str) -> list[TerminalRow]:
    """Every terminal of a store, by number, with what the terminal page shows of it."""
    infos = terminal_infos(store_code=store_code)
    pks = dict(Terminal.objects.filter(store_code=store_code).values_list("terminal_id", "pk"))
    return [
        TerminalRow(
            terminal=info,
            pk=pks[info.terminal_id],
            expected_cash=expected_cash(info),
            last_action=last_action(info),
            trail=terminal_trail(terminal_pk=pks[info.terminal_id]),
        )
        for info in infos
        if info.terminal_id in pks
    ]
