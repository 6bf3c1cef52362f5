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
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from .models import CashLog, OpenCloseLog, Terminal
from .selectors import TerminalInfo, terminal_infos

# fn(store code, terminals) -> {terminal no: expected cash in its drawer (the current session's logical cash)}
ExpectedCashProvider = Callable[[str, list[TerminalInfo]], dict[int, Decimal]]
_expected_cash_provider: ExpectedCashProvider | None = None


def register_expected_cash_provider(provider: ExpectedCashProvider | None) -> None:
    """The report app registers how the expected cash of a terminal is computed; ``None`` unregisters."""
    global _expected_cash_provider
    _expected_cash_provider = provider


def expected_cash_of(terminals: list[TerminalInfo]) -> dict[int, Decimal | None]:
    """Each terminal's expected cash in drawer, read for all of them at once (terminals of one store); None for
    one never opened, or when no report app computes it."""
    opened = [terminal for terminal in terminals if terminal.business_date]
    known = _expected_cash_provider(opened[0].store_code, opened) if _expected_cash_provider and opened else {}
    return {terminal.terminal_no: known.get(terminal.terminal_no) for terminal in terminals}


def expected_cash(terminal: TerminalInfo) -> Decimal | None:
    """The terminal's expected cash in drawer; None when it has never been opened or no report app computes it."""
    return expected_cash_of([terminal])[terminal.terminal_no]


@dataclass(frozen=True)
class LastAction:
    """The latest cash or open/close log of a terminal, whoever wrote it (a POS client or the back office)."""

    at: datetime
    kind: str  # "open", "close", "cash"
    amount: Decimal | None
    description: str | None
    receipt_query: str  # the log on the receipt page: ``cash=<pk>`` or ``session=<pk>``


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


def _latest_per_terminal(model, *, store_code: str) -> dict[int, object]:
    """The latest row of ``model`` per terminal number of a store, in one query."""
    rank = Window(RowNumber(), partition_by=[F("terminal_no")], order_by=F("generate_date_time").desc())
    rows = model.objects.filter(store_code=store_code).annotate(rank=rank).filter(rank=1)
    return {row.terminal_no: row for row in rows}


def last_actions(*, store_code: str) -> dict[int, LastAction]:
    """The latest cash or open/close log of each terminal of a store, by terminal number."""
    cash = _latest_per_terminal(CashLog, store_code=store_code)
    sessions = _latest_per_terminal(OpenCloseLog, store_code=store_code)
    actions: dict[int, LastAction] = {}
    for number in {*cash, *sessions}:
        money_log, session = cash.get(number), sessions.get(number)
        if session is not None and (money_log is None or session.generate_date_time >= money_log.generate_date_time):
            actions[number] = LastAction(session.generate_date_time, session.operation, None, None,
                                         f"session={session.pk}")
        else:
            actions[number] = LastAction(money_log.generate_date_time, "cash", money_log.amount,
                                         money_log.description, f"cash={money_log.pk}")
    return actions


def terminal_trails(*, terminal_pks: list[int], limit: int = TRAIL_LENGTH) -> dict[int, list[TrailEntry]]:
    """The back office's audit trail of each terminal (the admin's log entries on it), newest first, in one
    query: at most ``limit`` entries per terminal."""
    content_type = ContentType.objects.get_for_model(Terminal)
    rank = Window(RowNumber(), partition_by=[F("object_id")], order_by=[F("action_time").desc(), F("pk").desc()])
    entries = (
        LogEntry.objects.filter(content_type=content_type, object_id__in=[str(pk) for pk in terminal_pks])
        .select_related("user")
        .annotate(rank=rank)
        .filter(rank__lte=limit)
        .order_by("-action_time", "-pk")
    )
    trails: dict[int, list[TrailEntry]] = {pk: [] for pk in terminal_pks}
    for entry in entries:
        trails[int(entry.object_id)].append(
            TrailEntry(entry.action_time, entry.user.get_username(), entry.get_change_message())
        )
    return trails


def terminal_rows(*, store_code: str) -> list[TerminalRow]:
    """Every terminal of a store, by number, with what the terminal page shows of it."""
    infos = terminal_infos(store_code=store_code)
    pks = dict(Terminal.objects.filter(store_code=store_code).values_list("terminal_id", "pk"))
    actions = last_actions(store_code=store_code)
    trails = terminal_trails(terminal_pks=list(pks.values()))
    cash = expected_cash_of(infos)
    return [
        TerminalRow(
            terminal=info,
            pk=pks[info.terminal_id],
            expected_cash=cash[info.terminal_no],
            last_action=actions.get(info.terminal_no),
            trail=trails[pks[info.terminal_id]],
        )
        for info in infos
        if info.terminal_id in pks
    ]
