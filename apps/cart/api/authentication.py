"""Authentication of the cart's terminal endpoints: the credential check reads the request's context with it."""

from __future__ import annotations

from apps.cart.context import (
    CredentialRead,
    TerminalContext,
    context_by_api_key,
    context_of_terminal_jwt,
    terminal_context,
)
from apps.core import idempotency, tenancy
from apps.core.api.authentication import TerminalAuthentication, enter_claimed_tenant
from apps.core.auth import Credential, credential_from_key_entry

PRELOADED = "kugelpos_terminal_context"


class CartTerminalAuthentication(TerminalAuthentication):
    """``TerminalAuthentication`` (same rules, same answers) whose check also reads the request's terminal
    context in the same query (``apps.cart.context``): the terminal, the tenant's data version and, when the view
    names one (``cart_id``: a command that reads its cart without a lock), that cart. A request with an
    ``Idempotency-Key`` has its claim's lock and lookup read in the same query too (issue #23).

    The key is checked exactly as core checks it (``credential_from_key_entry``); the context read with it is
    kept on the request only when the check succeeds, and ``request_terminal_context`` hands it to the view.
    """

    def __init__(self, *, cart_id: str | None = None) -> None:
        self.cart_id = cart_id

    def api_key_credential(self, request, key: str, terminal_id: str) -> Credential | None:
        if not enter_claimed_tenant(terminal_id):  # no such tenant: the plain check, without tenant tables
            return super().api_key_credential(request, key, terminal_id)
        claim = idempotency.claim_columns(request, terminal_id)
        read = context_by_api_key(api_key=key, terminal_id=terminal_id, cart_id=self.cart_id, also=claim)
        _keep_claim(request, claim, read)
        credential = credential_from_key_entry(read.key_entry, terminal_id)
        if credential is not None and read.context is not None:
            setattr(request, PRELOADED, (credential, read.context))
        return credential

    def terminal_exists(self, request, credential: Credential) -> bool:
        tenant = tenancy.tenant_get(credential.tenant_id)
        if tenant is None:
            return False
        tenancy.activate(tenant)
        claim = idempotency.claim_columns(request, credential.terminal_id or "")
        read = context_of_terminal_jwt(credential, cart_id=self.cart_id, also=claim)
        _keep_claim(request, claim, read)
        if read.context is None:
            return False
        setattr(request, PRELOADED, (credential, read.context))
        return True


def _keep_claim(request, claim: dict | None, read: CredentialRead) -> None:
    if claim:
        idempotency.claim_prefetched(request, read.also)


def request_terminal_context(request, credential: Credential) -> TerminalContext:
    """The terminal context of this request, read with its credential's check (the API key's: the terminal row;
    a terminal JWT's: its claims)."""
    preloaded = getattr(request, PRELOADED, None)
    if preloaded is not None and preloaded[0] is credential:
        return preloaded[1]
    return terminal_context(credential)  # an API key without a terminal row: 401 there
