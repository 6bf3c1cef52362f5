"""Terminal JWT (spec/10 §3.2, spec/00 §4.4): claims built from the terminal's stored state.

Tokens are signed against the wall clock (``iat``/``exp``), not the business clock of ``clock.now``.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

from apps.core.auth import encode_jwt

from .models import Terminal

ISSUER = "terminal-service"


def token_lifetime_seconds() -> int:
    return settings.TERMINAL_TOKEN_EXPIRE_HOURS * 3600


def terminal_claims(terminal: Terminal, *, issued_at: int | None = None) -> dict[str, Any]:
    issued_at = int(time.time()) if issued_at is None else issued_at
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
    claims["iat"] = issued_at
    claims["exp"] = issued_at + token_lifetime_seconds()
    return claims


def terminal_token(terminal: Terminal) -> str:
    """A terminal JWT reflecting ``terminal`` as it is now (sent as ``X-New-Token`` after lifecycle calls)."""
    return encode_jwt(terminal_claims(terminal))
