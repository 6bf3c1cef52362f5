"""Terminal JWT (spec/10 §3.2, spec/00 §4.4): claims built from the terminal's stored state.

Tokens are signed against the wall clock (``iat``/``exp``), not the business clock of ``clock.now``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from apps.core.tokens import TerminalToken

from .models import Terminal

ISSUER = "terminal-service"


def token_lifetime_seconds() -> int:
    return settings.TERMINAL_TOKEN_EXPIRE_HOURS * 3600


def terminal_claims(terminal: Terminal) -> dict[str, Any]:
    """The claims naming the terminal and its state; the token adds ``iat`` and ``exp``."""
    claims: dict[str, Any] = {
        "sub": f"terminal:{terminal.terminal_id}",
        "tenant_id": terminal.tenant_id,
        "store_code": terminal.store_code,
        "terminal_no": terminal.terminal_no,
        "terminal_id": terminal.terminal_id,
        "status": terminal.status,
        "token_type": "terminal",
        "iss": ISSUER,
    }
    if terminal.business_date is not None:
        claims["business_date"] = terminal.business_date
    if terminal.open_counter is not None:
        claims["open_counter"] = terminal.open_counter
    if terminal.business_counter is not None:
        claims["business_counter"] = terminal.business_counter
    if terminal.staff_id is not None:
        claims["staff_id"] = terminal.staff_id
        claims["staff_name"] = terminal.staff_name
    return claims


def terminal_token(terminal: Terminal) -> str:
    """A terminal JWT reflecting ``terminal`` as it is now (sent as ``X-New-Token`` after lifecycle calls)."""
    return TerminalToken.issue(terminal_claims(terminal))
