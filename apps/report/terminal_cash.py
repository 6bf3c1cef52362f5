"""The expected cash in a terminal's drawer, for the terminal app's "Terminals and cash" page (issue #22).

The terminal app sits below the report app, so it cannot ask the report directly: ``ReportConfig.ready``
registers ``expected_cash`` with it. The number is the home page's (``services.home``): the sales report's
logical cash over the terminal's current session, computed there and nowhere else.
"""

from __future__ import annotations

from decimal import Decimal

from apps.terminal.selectors import TerminalInfo

from .services.home import terminal_states


def expected_cash(store_code: str, terminals: list[TerminalInfo]) -> dict[int, Decimal]:
    """``{terminal no: expected cash}`` of terminals of one store, in the home page's three queries."""
    return {state.terminal.terminal_no: state.expected_cash for state in terminal_states(store_code, terminals, {})}
