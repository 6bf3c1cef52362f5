"""Reads of the terminal service, for its endpoints, its admin and the apps above it (cart, report).

Every function reads the current tenant schema (the caller's). ``terminal_get`` and ``store_get`` return frozen
dataclasses: the stable interface other apps code against, independent of the models.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Max, QuerySet
from django.db.models.expressions import RawSQL

from apps.core import cache
from apps.core.auth import api_key_hash, api_key_index_table

from .models import CashLog, Store, TenantInfo, Terminal


@dataclass(frozen=True)
class TerminalInfo:
    terminal_id: str
    tenant_id: str
    store_code: str
    terminal_no: int
    description: str
    function_mode: str
    status: str
    business_date: str | None
    open_counter: int
    business_counter: int
    staff_id: str | None
    staff_name: str | None
    initial_amount: Decimal | None
    physical_amount: Decimal | None

    @property
    def is_opened(self) -> bool:
        return self.status == Terminal.Status.OPENED

    @property
    def is_signed_in(self) -> bool:
        return self.staff_id is not None


@dataclass(frozen=True)
class StoreInfo:
    store_code: str
    store_name: str
    status: str
    business_date: str | None
    tags: tuple[str, ...] | None


_INFO_FIELDS = tuple(f.name for f in fields(TerminalInfo))


def _terminal_info(terminal: Terminal) -> TerminalInfo:
    return TerminalInfo(
        terminal_id=terminal.terminal_id,
        tenant_id=terminal.tenant_id,
        store_code=terminal.store_code,
        terminal_no=terminal.terminal_no,
        description=terminal.description,
        function_mode=terminal.function_mode,
        status=terminal.status,
        business_date=terminal.business_date,
        open_counter=terminal.open_counter,
        business_counter=terminal.business_counter,
        staff_id=terminal.staff_id,
        staff_name=terminal.staff_name,
        initial_amount=terminal.initial_amount,
        physical_amount=terminal.physical_amount,
    )


def terminal_get(*, terminal_id: str) -> TerminalInfo | None:
    """The terminal's current state (read fresh, never cached), or None if it is not in this tenant."""
    terminal = terminal_find(terminal_id=terminal_id)
    return None if terminal is None else _terminal_info(terminal)


def terminal_exists(*, terminal_id: str) -> bool:
    """Whether the terminal is in this tenant (a terminal JWT names one, apps.core.auth)."""
    return Terminal.objects.filter(terminal_id=terminal_id).exists()


_exists_sql: dict[tuple, str] = {}


def terminal_exists_with(*, terminal_id: str, **columns: RawSQL) -> tuple[bool, dict]:
    """``terminal_exists`` and ``columns`` (scalar subqueries) in one round trip: a terminal JWT's check on the
    cart path reads what the request needs with it, as the API key's does (``terminal_get_by_api_key``)."""
    ordered = sorted(columns.items())
    key = tuple((name, column.sql) for name, column in ordered)
    sql = _exists_sql.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        extra = "".join(f", ({sql})" for _, sql in key)
        sql = _exists_sql.setdefault(key, (
            f"SELECT EXISTS (SELECT 1 FROM {quote(Terminal._meta.db_table)} "
            f"WHERE {quote(Terminal._meta.get_field('terminal_id').column)} = %s){extra}"
        ))
    with connection.cursor() as cursor:
        cursor.execute(sql, [terminal_id, *(param for _, column in ordered for param in column.params)])
        found, *values = cursor.fetchone()
    return found, {name: value for (name, _), value in zip(key, values, strict=True)}


_by_api_key_sql: dict[tuple, str] = {}


def terminal_get_by_api_key(
    *, api_key: str, terminal_id: str, **columns: RawSQL
) -> tuple[tuple[str, str] | None, TerminalInfo | None, dict]:
    """An API-key request's authentication and its terminal in one round trip (every cart request needs both).

    Returns the key's index entry ``(tenant_id, terminal_id)`` (None: unknown key), for the caller to check with
    ``apps.core.auth.credential_from_key_entry``; the terminal ``terminal_id`` of the current tenant (None if it
    is not there or the key is unknown); and ``columns`` (scalar subqueries) computed in the same query.
    """
    ordered = sorted(columns.items())
    key = tuple((name, column.sql) for name, column in ordered)
    sql = _by_api_key_sql.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        selected = ", ".join(f"t.{quote(Terminal._meta.get_field(name).column)}" for name in _INFO_FIELDS)
        extra = "".join(f", ({sql})" for _, sql in key)
        sql = _by_api_key_sql.setdefault(key, (
            f"SELECT k.tenant_id, k.terminal_id, t.{quote(Terminal._meta.pk.column)} IS NOT NULL, {selected}{extra} "
            f"FROM {api_key_index_table()} k LEFT JOIN {quote(Terminal._meta.db_table)} t "
            f"ON t.{quote(Terminal._meta.get_field('terminal_id').column)} = %s WHERE k.key_hash = %s"
        ))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(param for _, column in ordered for param in column.params), terminal_id,
                             api_key_hash(api_key)])
        row = cursor.fetchone()
    if row is None:
        return None, None, {}
    entry, found, values = (row[0], row[1]), row[2], row[3:]
    if not found:
        return entry, None, {}
    info = TerminalInfo(**dict(zip(_INFO_FIELDS, values[: len(_INFO_FIELDS)], strict=True)))
    return entry, info, {name: value for (name, _), value in zip(key, values[len(_INFO_FIELDS):], strict=True)}


def store_get(*, store_code: str, cache_version: int | None = None) -> StoreInfo | None:
    """A store of this tenant's tenant info, or None (also when there is no tenant info)."""

    def load() -> StoreInfo | None:
        store = Store.objects.filter(store_code=store_code).first()
        if store is None:
            return None
        return StoreInfo(
            store_code=store.store_code,
            store_name=store.store_name,
            status=store.status,
            business_date=store.business_date,
            tags=None if store.tags is None else tuple(store.tags),
        )

    return cache.cached(cache_version, ("store", store_code), load)


def store_list() -> list[StoreInfo]:
    """Every store of this tenant, by store code (the back office's store picker)."""
    return [
        StoreInfo(
            store_code=store.store_code,
            store_name=store.store_name,
            status=store.status,
            business_date=store.business_date,
            tags=None if store.tags is None else tuple(store.tags),
        )
        for store in Store.objects.order_by("store_code")
    ]


def terminal_infos(*, store_code: str) -> list[TerminalInfo]:
    """The terminals of a store, by terminal number, as ``TerminalInfo`` (state, staff, counters)."""
    return [_terminal_info(t) for t in Terminal.objects.filter(store_code=store_code).order_by("terminal_no")]


def store_names() -> list[tuple[str, str]]:
    """Every store of this tenant as (code, name), by code: the back office's store pickers."""
    return [(store.store_code, store.store_name) for store in store_list()]


# --- for the terminal service itself -------------------------------------------------------------------------
def terminal_find(*, terminal_id: str) -> Terminal | None:
    return Terminal.objects.filter(terminal_id=terminal_id).first()


def terminal_list(*, tenant_id: str, store_code: str | None = None) -> QuerySet[Terminal]:
    terminals = Terminal.objects.filter(tenant_id=tenant_id)
    if store_code is not None:
        terminals = terminals.filter(store_code=store_code)
    return terminals


def tenant_info_find(*, tenant_id: str) -> TenantInfo | None:
    """The tenant info with its stores prefetched (rendering it needs no further query)."""
    return TenantInfo.objects.filter(tenant_id=tenant_id).prefetch_related("stores").first()


def store_find(*, tenant_info: TenantInfo, store_code: str) -> Store | None:
    return Store.objects.filter(tenant_info=tenant_info, store_code=store_code).first()


@dataclass(frozen=True)
class CashStats:
    count: int
    last_generate_date_time: datetime | None


def cash_log_stats(
    *, tenant_id: str, store_code: str, terminal_no: int, business_date: str | None, open_counter: int | None
) -> CashStats:
    """Cash logs of one session (the opening "Initial amount" log included): count and latest time."""
    stats = CashLog.objects.filter(
        tenant_id=tenant_id,
        store_code=store_code,
        terminal_no=terminal_no,
        business_date=business_date,
        open_counter=open_counter,
    ).aggregate(count=Count("id"), last=Max("generate_date_time"))
    return CashStats(count=stats["count"], last_generate_date_time=stats["last"])


def cash_log_ledger(
    *, store_code: str, business_date: str, terminal_no: int | None = None
) -> list[tuple[int, int | None, datetime, Decimal]]:
    """The store-day's cash logs (opening floats included): ``(terminal_no, open_counter, generate_date_time,
    amount)``, one query (reconciliation, issue #24)."""
    rows = CashLog.objects.filter(store_code=store_code, business_date=business_date)
    if terminal_no is not None:
        rows = rows.filter(terminal_no=terminal_no)
    return list(rows.order_by().values_list("terminal_no", "open_counter", "generate_date_time", "amount"))
