"""Terminal context of a cart request (spec/30 §1): from the terminal JWT's claims, or the terminal row."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from django.db.models.expressions import RawSQL

from apps.core.auth import Credential
from apps.core.errors import AuthenticationError
from apps.core.fields import loads as json_loads


@dataclass(frozen=True)
class PreloadedCart:
    """The cart a request's path names, as it was when the request's API key was checked (same query):
    ``revision`` and ``document`` (parsed JSON), or both None when there is no live cart with this id."""

    cart_id: uuid.UUID
    revision: int | None
    document: dict | None


@dataclass(frozen=True)
class TerminalContext:
    tenant_id: str
    store_code: str
    terminal_no: int
    terminal_id: str
    status: str | None
    business_date: str | None
    open_counter: int | None
    business_counter: int | None
    staff_id: str | None
    staff_name: str | None
    # The tenant's data version read with the terminal (``apps.core.cache``); None: read master data uncached.
    cache_version: int | None = None
    # The request's cart, read with the key (``api_key_entry_and_context``): saves the command a round trip.
    preloaded_cart: PreloadedCart | None = field(default=None, compare=False, repr=False)

    @property
    def staff(self) -> dict | None:
        return {"id": self.staff_id, "name": self.staff_name} if self.staff_id else None


def terminal_context(credential: Credential) -> TerminalContext:
    """The context a terminal JWT carries: claims are trusted as issued (a token from before the open still says
    "not opened"). An API-key request's context is read with its key, as the terminal is now, together with the
    tenant's data version (``api_key_entry_and_context``); a key whose terminal row is gone has none: 401."""
    if credential.kind == "terminal":
        claims = credential.claims
        return TerminalContext(
            tenant_id=claims["tenant_id"],
            store_code=str(claims.get("store_code")),
            terminal_no=int(claims.get("terminal_no") or 0),
            terminal_id=claims.get("terminal_id") or "",
            status=claims.get("status"),
            business_date=claims.get("business_date"),
            open_counter=claims.get("open_counter"),
            business_counter=claims.get("business_counter"),
            staff_id=claims.get("staff_id"),
            staff_name=claims.get("staff_name"),
        )
    raise AuthenticationError("Invalid API Key")


def api_key_entry_and_context(
    api_key: str, terminal_id: str, *, cart_id: str | None = None, also: dict[str, RawSQL] | None = None,
    also_read: dict | None = None,
) -> tuple[tuple[str, str] | None, TerminalContext | None]:
    """The key's index entry and the terminal's context, read together (``CartTerminalAuthentication``); with
    ``cart_id`` (a request on one cart), that cart too, as the context's ``preloaded_cart``; with ``also``, those
    columns too, their values put in ``also_read`` (the Idempotency-Key's claim, issue #23)."""
    from apps.terminal.selectors import terminal_get_by_api_key

    cart, extra = _read_with_the_check(cart_id)
    entry, terminal, columns = terminal_get_by_api_key(api_key=api_key, terminal_id=terminal_id, **extra,
                                                       **(also or {}))
    if also_read is not None:
        also_read.update({name: columns.get(name) for name in also or {}})
    if terminal is None:
        return entry, None
    return entry, _context_of(terminal, columns["cache_version"], _preloaded(cart, columns))


def live_terminal_jwt_context(
    credential: Credential, *, cart_id: str | None = None, also: dict[str, RawSQL] | None = None,
    also_read: dict | None = None,
) -> TerminalContext | None:
    """A terminal JWT's context (its claims, as ``terminal_context``) when its terminal still exists, else None;
    the check reads the tenant's data version and, with ``cart_id``, the cart in the same query, as an API key's
    does: the terminal's deletion takes effect on the next request at no extra round trip (issue #20). ``also``:
    as ``api_key_entry_and_context``'s."""
    from apps.terminal.selectors import terminal_exists_with

    cart, extra = _read_with_the_check(cart_id)
    found, columns = terminal_exists_with(terminal_id=credential.terminal_id or "", **extra, **(also or {}))
    if also_read is not None:
        also_read.update({name: columns.get(name) for name in also or {}})
    if not found:
        return None
    return replace(terminal_context(credential), cache_version=columns["cache_version"],
                   preloaded_cart=_preloaded(cart, columns))


def _read_with_the_check(cart_id: str | None) -> tuple[tuple | None, dict]:
    """The columns a credential check of the cart path reads besides: the data version, and the cart."""
    from .cache_version import cache_version_expression
    from .live_cart import live_cart_expression

    extra = {"cache_version": cache_version_expression()}
    cart = None if cart_id is None else live_cart_expression(cart_id)
    if cart is not None:
        extra["cart"] = cart[1]
    return cart, extra


def _preloaded(cart: tuple | None, columns: dict) -> PreloadedCart | None:
    if cart is None:
        return None
    found = columns["cart"]
    revision, document = json_loads(found) if found is not None else (None, None)
    return PreloadedCart(cart[0], revision, document)


def _context_of(terminal, cache_version: int | None, preloaded_cart: PreloadedCart | None = None) -> TerminalContext:
    return TerminalContext(
        tenant_id=terminal.tenant_id,
        store_code=terminal.store_code,
        terminal_no=terminal.terminal_no,
        terminal_id=terminal.terminal_id,
        status=terminal.status,
        business_date=terminal.business_date,
        open_counter=terminal.open_counter,
        business_counter=terminal.business_counter,
        staff_id=terminal.staff_id,
        staff_name=terminal.staff_name,
        cache_version=cache_version,
        preloaded_cart=preloaded_cart,
    )
