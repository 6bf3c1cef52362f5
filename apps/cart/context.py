"""The terminal context of a cart request (spec/30 §1), read with the request's credential: the cart's selector.

Every cart request needs the terminal, the tenant's data version (``apps.core.cache``) and, for a command on one
cart, that cart; its credential check reads the API key's index entry (or, for a terminal JWT, whether its
terminal still exists) anyway. This module sends all of it as **one** statement, composed here from the reads
the apps below offer as subqueries (``apps.core.auth``'s key index, ``apps.terminal.selectors``' terminal,
``apps.masterdata.selectors``' data version) and the cart's own live-cart read; a caller may add columns of its
own (``also``: the ``Idempotency-Key`` claim). Nothing here writes, and nothing here imports a service.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.cart.models import CART_TTL, Cart
from apps.core.auth import Credential, api_key_hash, api_key_index_table
from apps.core.errors import AuthenticationError
from apps.core.fields import loads as json_loads
from apps.masterdata.selectors import data_version_column
from apps.terminal.selectors import (
    TERMINAL_INFO_WIDTH,
    TerminalInfo,
    terminal_exists_subquery,
    terminal_info_from_row,
    terminal_info_subquery,
)


@dataclass(frozen=True)
class PreloadedCart:
    """The cart a request's path names, as it was when the request's credential was checked (same query):
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
    # The request's cart, read with the credential (``context_by_api_key``): saves the command a round trip.
    preloaded_cart: PreloadedCart | None = field(default=None, compare=False, repr=False)

    @property
    def staff(self) -> dict | None:
        return {"id": self.staff_id, "name": self.staff_name} if self.staff_id else None

    def without_preloaded_cart(self) -> TerminalContext:
        """This context for a command that must read its cart again (it changed since it was read)."""
        return self if self.preloaded_cart is None else replace(self, preloaded_cart=None)


def terminal_context(credential: Credential) -> TerminalContext:
    """The context a terminal JWT carries: claims are trusted as issued (a token from before the open still says
    "not opened"). An API-key request's context is read with its key, as the terminal is now, together with the
    tenant's data version (``context_by_api_key``); a key whose terminal row is gone has none: 401."""
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


# --- the live cart ---------------------------------------------------------------------------------------------
def _column(name: str) -> str:
    return connection.ops.quote_name(Cart._meta.get_field(name).column)


_LIVE_CART_COLUMN = (
    f"SELECT json_build_array({_column('revision')}, {_column('document')}) "
    f"FROM {connection.ops.quote_name(Cart._meta.db_table)} "
    f"WHERE {_column('cart_id')} = %s AND {_column('updated_at')} >= %s"
)


def live_cart_column(cart_id: str) -> tuple[uuid.UUID, RawSQL] | None:
    """The live cart ``cart_id`` (as the cart service loads it: changed within ``CART_TTL``) as a column of
    another query: its revision and document as a JSON array, NULL when there is none. None when ``cart_id`` is
    not a cart id."""
    try:
        key = uuid.UUID(str(cart_id))
    except ValueError:
        return None
    return key, RawSQL(_LIVE_CART_COLUMN, [key, timezone.now() - CART_TTL])


def _preloaded(cart: tuple[uuid.UUID, RawSQL] | None, value: str | None) -> PreloadedCart | None:
    if cart is None:
        return None
    revision, document = json_loads(value) if value is not None else (None, None)
    return PreloadedCart(cart[0], revision, document)


# --- one statement per request ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CredentialRead:
    """What one credential check of the cart path read: the API key's index entry ``(tenant_id, terminal_id)``
    (None: unknown key; always None for a terminal JWT), the context (None: no such terminal), and the values of
    the caller's ``also`` columns (each None when the statement found no key)."""

    key_entry: tuple[str, str] | None
    context: TerminalContext | None
    also: dict[str, object]


def _columns(cart_id: str | None, also: Mapping[str, RawSQL] | None) -> tuple[tuple | None, list[tuple[str, RawSQL]]]:
    cart = None if cart_id is None else live_cart_column(cart_id)
    columns = [("cache_version", data_version_column())]
    if cart is not None:
        columns.append(("cart", cart[1]))
    columns.extend(sorted((also or {}).items()))
    return cart, columns


_statements: dict[tuple, str] = {}


def _statement(kind: str, subquery: str, columns: list[tuple[str, RawSQL]]) -> str:
    """The SQL of one shape of the check (its columns' SQL is fixed per process: a handful of shapes)."""
    key = (kind, subquery, *(column.sql for _, column in columns))
    sql = _statements.get(key)
    if sql is None:
        extra = "".join(f", ({column.sql})" for _, column in columns)
        if kind == "api_key":
            sql = (f"SELECT k.tenant_id, k.terminal_id, t.*{extra} FROM {api_key_index_table()} AS k "
                   f"LEFT JOIN ({subquery}) AS t ON true WHERE k.key_hash = %s")
        else:
            sql = f"SELECT EXISTS ({subquery}){extra}"
        sql = _statements.setdefault(key, sql)
    return sql


def context_by_api_key(*, api_key: str, terminal_id: str, cart_id: str | None = None,
                       also: Mapping[str, RawSQL] | None = None) -> CredentialRead:
    """An API-key request's check and context in one round trip: the key's index entry, the terminal
    ``terminal_id`` of the current tenant (its context, as the terminal is now), the data version, with
    ``cart_id`` that live cart (the context's ``preloaded_cart``), and ``also``. The caller checks the entry
    (``apps.core.auth.credential_from_key_entry``) before it trusts the context."""
    cart, columns = _columns(cart_id, also)
    terminal = terminal_info_subquery(terminal_id=terminal_id)
    sql = _statement("api_key", terminal.sql, columns)
    params = [*(param for _, column in columns for param in column.params), *terminal.params,
              api_key_hash(api_key)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return CredentialRead(None, None, {})
    entry = (row[0], row[1])
    info = terminal_info_from_row(row[2:2 + TERMINAL_INFO_WIDTH])
    values = dict(zip((name for name, _ in columns), row[2 + TERMINAL_INFO_WIDTH:], strict=True))
    extra = {name: values[name] for name in also or {}}
    if info is None:
        return CredentialRead(entry, None, extra)
    return CredentialRead(entry, _context_of(info, values["cache_version"], _preloaded(cart, values.get("cart"))),
                          extra)


def context_of_terminal_jwt(credential: Credential, *, cart_id: str | None = None,
                            also: Mapping[str, RawSQL] | None = None) -> CredentialRead:
    """A terminal JWT's context (its claims, as ``terminal_context``) when its terminal still exists, else None,
    read in one round trip with the data version, with ``cart_id`` that cart, and ``also``, as an API key's: the
    terminal's deletion takes effect on the next request at no extra round trip (issue #20)."""
    cart, columns = _columns(cart_id, also)
    exists = terminal_exists_subquery(terminal_id=credential.terminal_id or "")
    sql = _statement("jwt", exists.sql, columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*exists.params, *(param for _, column in columns for param in column.params)])
        found, *row = cursor.fetchone()
    values = dict(zip((name for name, _ in columns), row, strict=True))
    extra = {name: values[name] for name in also or {}}
    if not found:
        return CredentialRead(None, None, extra)
    context = replace(terminal_context(credential), cache_version=values["cache_version"],
                      preloaded_cart=_preloaded(cart, values.get("cart")))
    return CredentialRead(None, context, extra)


def _context_of(terminal: TerminalInfo, cache_version: int | None,
                preloaded_cart: PreloadedCart | None) -> TerminalContext:
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
