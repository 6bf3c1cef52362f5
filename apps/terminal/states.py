"""Terminal state machine (spec/10 §6.1) and function-mode gate (§6.2) as tables.

``operation_apply`` is the one function that decides whether an operation is legal for a terminal and what its
status becomes; services call it after locking the row and before writing anything. Check order is the spec's:
staff rule first (406014 / 406013), then the status rule (406003).
"""

from __future__ import annotations

from enum import StrEnum

from .errors import AlreadySignedInError, NotSignedInError, TerminalStatusError


class Status(StrEnum):
    IDLE = "Idle"
    OPENED = "Opened"
    CLOSED = "Closed"


class Operation(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    OPEN = "open"
    CLOSE = "close"
    CASH_IN = "cash_in"
    CASH_OUT = "cash_out"


class StaffRule(StrEnum):
    ANY = "any"
    SIGNED_OUT = "signed_out"  # sign-in: nobody may be signed in yet
    SIGNED_IN = "signed_in"  # cash: somebody must be signed in


ALREADY_OPENED = "Terminal is already opened: {terminal_id}"
NOT_OPENED = "Terminal is not opened: {terminal_id}"
ALREADY_CLOSED = "Terminal is already closed: {terminal_id}"

STAFF_RULES: dict[Operation, StaffRule] = {
    Operation.SIGN_IN: StaffRule.SIGNED_OUT,
    Operation.SIGN_OUT: StaffRule.ANY,
    Operation.OPEN: StaffRule.ANY,
    Operation.CLOSE: StaffRule.ANY,
    Operation.CASH_IN: StaffRule.SIGNED_IN,
    Operation.CASH_OUT: StaffRule.SIGNED_IN,
}

# (status, operation) -> next status. A pair that is absent is refused with the message in REFUSALS.
TRANSITIONS: dict[tuple[Status, Operation], Status] = {
    **{(status, Operation.SIGN_IN): status for status in Status},
    **{(status, Operation.SIGN_OUT): status for status in Status},
    (Status.IDLE, Operation.OPEN): Status.OPENED,
    (Status.CLOSED, Operation.OPEN): Status.OPENED,
    (Status.OPENED, Operation.CLOSE): Status.CLOSED,
    (Status.OPENED, Operation.CASH_IN): Status.OPENED,
    (Status.OPENED, Operation.CASH_OUT): Status.OPENED,
}

REFUSALS: dict[tuple[Status, Operation], str] = {
    (Status.OPENED, Operation.OPEN): ALREADY_OPENED,
    (Status.IDLE, Operation.CLOSE): NOT_OPENED,
    (Status.CLOSED, Operation.CLOSE): ALREADY_CLOSED,
    (Status.IDLE, Operation.CASH_IN): NOT_OPENED,
    (Status.CLOSED, Operation.CASH_IN): NOT_OPENED,
    (Status.IDLE, Operation.CASH_OUT): NOT_OPENED,
    (Status.CLOSED, Operation.CASH_OUT): NOT_OPENED,
}

STAFF_REFUSALS = {
    StaffRule.SIGNED_OUT: (AlreadySignedInError, "Terminal is already signed in: {terminal_id}"),
    StaffRule.SIGNED_IN: (NotSignedInError, "Terminal is not signed in: {terminal_id}"),
}


def operation_apply(*, status: str, operation: Operation, is_signed_in: bool, terminal_id: str) -> Status:
    """The status after ``operation``; raises the spec's error if the operation is not allowed now."""
    rule = STAFF_RULES[operation]
    if (rule is StaffRule.SIGNED_OUT and is_signed_in) or (rule is StaffRule.SIGNED_IN and not is_signed_in):
        error_class, text = STAFF_REFUSALS[rule]
        raise error_class(text.format(terminal_id=terminal_id))
    current = Status(status)
    next_status = TRANSITIONS.get((current, operation))
    if next_status is None:
        raise TerminalStatusError(REFUSALS[(current, operation)].format(terminal_id=terminal_id))
    return next_status


# --- function modes (§6.2) ----------------------------------------------------------------------------------
class FunctionMode(StrEnum):
    MAIN_MENU = "MainMenu"
    OPEN_TERMINAL = "OpenTerminal"
    SALES = "Sales"
    RETURNS = "Returns"
    VOID = "Void"
    REPORTS = "Reports"
    CLOSE_TERMINAL = "CloseTerminal"
    JOURNAL = "Journal"
    MAINTENANCE = "Maintenance"
    CASH_IN_OUT = "CashInOut"


# requested mode -> (statuses in which it is allowed, refusal message). Modes not listed (the always-allowed
# ones and any unknown string, which Kugelpos stores verbatim) are allowed in every status.
FUNCTION_MODE_GATES: dict[str, tuple[frozenset[Status], str]] = {
    FunctionMode.OPEN_TERMINAL: (frozenset({Status.IDLE, Status.CLOSED}), ALREADY_OPENED),
    **{
        mode: (frozenset({Status.OPENED}), NOT_OPENED)
        for mode in (
            FunctionMode.SALES,
            FunctionMode.RETURNS,
            FunctionMode.VOID,
            FunctionMode.CLOSE_TERMINAL,
            FunctionMode.CASH_IN_OUT,
        )
    },
}


def function_mode_check(*, status: str, function_mode: str, terminal_id: str) -> None:
    """Raise 406003 when ``function_mode`` may not be selected in ``status``."""
    gate = FUNCTION_MODE_GATES.get(function_mode)
    if gate is not None and Status(status) not in gate[0]:
        raise TerminalStatusError(gate[1].format(terminal_id=terminal_id))
