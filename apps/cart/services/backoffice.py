"""Void and return from the back office (issue #22): the API's own services, run as a terminal of the store.

The page acts as a terminal, as the API's caller is one: the terminal that owns the transaction for a void, any
terminal of its store for a return. The void/return itself is ``tranlogs.transaction_void`` /
``tranlogs.transaction_return``, unchanged: same checks, same error codes, same tranlog, outbox event and status
record as a terminal's request. The one rule added here is the back office's own: the acting terminal must be
open (a closed terminal's session is over and its day may be reported; a void there would change a closed day).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from apps.cart.context import TerminalContext, context_of_terminal
from apps.cart.errors import CartError
from apps.cart.models import Transaction
from apps.core.errors import NotFoundError
from apps.terminal import selectors as terminals

from . import tranlogs


def store_terminals(*, store_code: str) -> list[terminals.TerminalInfo]:
    """The terminals of a store, by number: the ones a return may be made at."""
    return terminals.terminal_infos(store_code=store_code)


def back_office_terminal_context(*, store_code: str, terminal_no: int) -> TerminalContext:
    """The context of terminal ``terminal_no`` of ``store_code`` as it is now, as its API key would give it.

    Refused when the terminal does not exist (404 ``100001``) or is not open (400 ``404001``, the code a cart
    on a terminal that is not open gets)."""
    info = next((t for t in store_terminals(store_code=store_code) if t.terminal_no == terminal_no), None)
    if info is None:
        raise NotFoundError(_("Terminal %(terminal_no)s of store %(store_code)s does not exist.")
                            % {"terminal_no": terminal_no, "store_code": store_code})
    if not info.is_opened:
        raise CartError(_("Terminal %(terminal_no)s is not open: open it first (it is %(status)s).")
                        % {"terminal_no": terminal_no, "status": info.status}, code="404001", status=400)
    return context_of_terminal(info)


def transaction_void_at_back_office(*, original: Transaction,
                                    payments: Sequence[tranlogs.RefundPayment]) -> Transaction:
    """Void ``original`` at the terminal that owns it (``tranlogs.transaction_void``)."""
    context = back_office_terminal_context(store_code=original.store_code, terminal_no=original.terminal_no)
    return tranlogs.transaction_void(
        context=context, tenant_id=context.tenant_id, store_code=original.store_code,
        terminal_no=original.terminal_no, transaction_no=original.transaction_no, payments=payments,
    )


def transaction_return_at_back_office(*, original: Transaction, terminal_no: int,
                                      payments: Sequence[tranlogs.RefundPayment]) -> Transaction:
    """Return ``original`` at terminal ``terminal_no`` of its store (``tranlogs.transaction_return``)."""
    context = back_office_terminal_context(store_code=original.store_code, terminal_no=terminal_no)
    return tranlogs.transaction_return(
        context=context, tenant_id=context.tenant_id, store_code=original.store_code,
        terminal_no=original.terminal_no, transaction_no=original.transaction_no, payments=payments,
    )
