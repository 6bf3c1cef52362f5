"""Authentication of the cart's terminal endpoints: the API-key check reads the terminal along with the key."""

from __future__ import annotations

from apps.cart.context import (
    TerminalContext,
    api_key_entry_and_context,
    live_terminal_jwt_context,
    terminal_context,
)
from apps.core import idempotency, tenancy
from apps.core.api.authentication import TerminalAuthentication, enter_claimed_tenant
from apps.core.auth import Credential, credential_from_key_entry

PRELOADED = "kugelpos_terminal_context"


class CartTerminalAuthentication(TerminalAuthentication):
    """``TerminalAuthentication`` (same rules, same answers) whose API-key check also reads the terminal and the
    tenant's data version in the same query: every cart request needs them, and this saves it a round trip. A
    terminal JWT's check (does its terminal still exist) reads the data version and the cart the same way.

    The key is checked exactly as core checks it (``credential_from_key_entry``); the context read with it is
    kept on the request only when the key is good, and ``request_terminal_context`` hands it to the view. A
    request with an ``Idempotency-Key`` has its claim's lock and lookup read in the same query too (issue #23).
    """

    def api_key_credential(self, request, key: str, terminal_id: str) -> Credential | None:
        if not enter_claimed_tenant(terminal_id):  # no such tenant: the plain check, without tenant tables
            return super().api_key_credential(request, key, terminal_id)
        also, also_read = idempotency.claim_columns(request, terminal_id), {}
        entry, context = api_key_entry_and_context(key, terminal_id, cart_id=_cart_read_with_key(request),
                                                   also=also, also_read=also_read)
        if also:
            idempotency.claim_prefetched(request, also_read)
        credential = credential_from_key_entry(entry, terminal_id)
        if credential is not None and context is not None:
            setattr(request, PRELOADED, (credential, context))
        return credential

    def terminal_exists(self, request, credential: Credential) -> bool:
        tenant = tenancy.tenant_get(credential.tenant_id)
        if tenant is None:
            return False
        tenancy.activate(tenant)
        also, also_read = idempotency.claim_columns(request, credential.terminal_id or ""), {}
        context = live_terminal_jwt_context(credential, cart_id=_cart_read_with_key(request), also=also,
                                            also_read=also_read)
        if also:
            idempotency.claim_prefetched(request, also_read)
        if context is None:
            return False
        setattr(request, PRELOADED, (credential, context))
        return True


def _cart_read_with_key(request) -> str | None:
    """The cart id of the request's path when its view reads that cart unlocked (``cart_read_with_key``, a set of
    actions): the key's query reads it too. Bill and cancel read it under a row lock, in their transaction."""
    context = getattr(request, "parser_context", None) or {}
    view = context.get("view")
    if view is None or getattr(view, "action", None) not in getattr(view, "cart_read_with_key", ()):
        return None
    return context.get("kwargs", {}).get("cart_id")


def request_terminal_context(request, credential: Credential) -> TerminalContext:
    """The terminal context of this request, read with its credential's check (the API key's: the terminal row;
    a terminal JWT's: its claims)."""
    preloaded = getattr(request, PRELOADED, None)
    if preloaded is not None and preloaded[0] is credential:
        return preloaded[1]
    return terminal_context(credential)  # an API key without a terminal row: 401 there
