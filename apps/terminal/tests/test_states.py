"""The state table (spec/10 §6.1) and function-mode gate (§6.2), table-driven, no database."""

from __future__ import annotations

import pytest

from apps.terminal.errors import AlreadySignedInError, NotSignedInError, TerminalStatusError
from apps.terminal.states import Operation, Status, function_mode_check, operation_apply

TID = "A1234-5678-9"


@pytest.mark.parametrize(
    ("status", "operation", "signed_in", "expected"),
    [
        ("Idle", Operation.SIGN_IN, False, "Idle"),
        ("Opened", Operation.SIGN_IN, False, "Opened"),
        ("Closed", Operation.SIGN_IN, False, "Closed"),
        ("Idle", Operation.SIGN_OUT, True, "Idle"),
        ("Opened", Operation.SIGN_OUT, False, "Opened"),
        ("Closed", Operation.SIGN_OUT, True, "Closed"),
        ("Idle", Operation.OPEN, False, "Opened"),
        ("Closed", Operation.OPEN, True, "Opened"),
        ("Opened", Operation.CLOSE, False, "Closed"),
        ("Opened", Operation.CASH_IN, True, "Opened"),
        ("Opened", Operation.CASH_OUT, True, "Opened"),
    ],
)
def test_allowed_operations_and_their_next_status(status, operation, signed_in, expected):
    assert operation_apply(status=status, operation=operation, is_signed_in=signed_in, terminal_id=TID) == expected


@pytest.mark.parametrize(
    ("status", "operation", "signed_in", "error", "message"),
    [
        ("Opened", Operation.OPEN, True, TerminalStatusError, "Terminal is already opened: A1234-5678-9"),
        ("Idle", Operation.CLOSE, True, TerminalStatusError, "Terminal is not opened: A1234-5678-9"),
        ("Closed", Operation.CLOSE, True, TerminalStatusError, "Terminal is already closed: A1234-5678-9"),
        ("Idle", Operation.CASH_IN, True, TerminalStatusError, "Terminal is not opened: A1234-5678-9"),
        ("Closed", Operation.CASH_IN, True, TerminalStatusError, "Terminal is not opened: A1234-5678-9"),
        ("Idle", Operation.CASH_OUT, True, TerminalStatusError, "Terminal is not opened: A1234-5678-9"),
        ("Closed", Operation.CASH_OUT, True, TerminalStatusError, "Terminal is not opened: A1234-5678-9"),
        # staff rules come before status rules
        ("Idle", Operation.CASH_IN, False, NotSignedInError, "Terminal is not signed in: A1234-5678-9"),
        ("Opened", Operation.CASH_OUT, False, NotSignedInError, "Terminal is not signed in: A1234-5678-9"),
        ("Opened", Operation.SIGN_IN, True, AlreadySignedInError, "Terminal is already signed in: A1234-5678-9"),
        ("Idle", Operation.SIGN_IN, True, AlreadySignedInError, "Terminal is already signed in: A1234-5678-9"),
    ],
)
def test_refused_operations_raise_the_spec_error(status, operation, signed_in, error, message):
    with pytest.raises(error) as raised:
        operation_apply(status=status, operation=operation, is_signed_in=signed_in, terminal_id=TID)
    assert raised.value.message == message
    assert (raised.value.status_code, raised.value.error_code) == {
        TerminalStatusError: (400, "406003"),
        NotSignedInError: (401, "406013"),
        AlreadySignedInError: (400, "406014"),
    }[error]


def test_every_status_operation_pair_is_decided():
    from apps.terminal.states import REFUSALS, TRANSITIONS

    for status in Status:
        for operation in Operation:
            assert ((status, operation) in TRANSITIONS) != ((status, operation) in REFUSALS), (status, operation)


@pytest.mark.parametrize(
    ("mode", "allowed_in"),
    [
        ("OpenTerminal", {"Idle", "Closed"}),
        ("Sales", {"Opened"}),
        ("Returns", {"Opened"}),
        ("Void", {"Opened"}),
        ("CloseTerminal", {"Opened"}),
        ("CashInOut", {"Opened"}),
        ("MainMenu", {"Idle", "Opened", "Closed"}),
        ("Reports", {"Idle", "Opened", "Closed"}),
        ("Journal", {"Idle", "Opened", "Closed"}),
        ("Maintenance", {"Idle", "Opened", "Closed"}),
        ("SomethingElse", {"Idle", "Opened", "Closed"}),
    ],
)
def test_function_mode_gate(mode, allowed_in):
    for status in ("Idle", "Opened", "Closed"):
        if status in allowed_in:
            function_mode_check(status=status, function_mode=mode, terminal_id=TID)
        else:
            with pytest.raises(TerminalStatusError) as raised:
                function_mode_check(status=status, function_mode=mode, terminal_id=TID)
            expected = "already opened" if mode == "OpenTerminal" else "not opened"
            assert raised.value.message == f"Terminal is {expected}: {TID}"
