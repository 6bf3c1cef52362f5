"""Reads of the terminal service, for its endpoints, its admin and the apps above it (cart, report).

Every function reads the current tenant schema (the caller's). ``terminal_get`` and ``store_get`` return frozen
dataclasses: the stable interface other apps code against, independent of the models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Max, QuerySet
from django.db.models.expressions import RawSQL

from apps.core import cache

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


# --- the terminal as part of a query of an app above (the cart reads it with the request's credential) ---------
def _terminal_sql(selected: str) -> str:
    quote = connection.ops.quote_name
    return (f"SELECT {selected} FROM {quote(Terminal._meta.db_table)} "
            f"WHERE {quote(Terminal._meta.get_field('terminal_id').column)} = %s")


_INFO_SQL = _terminal_sql(", ".join(connection.ops.quote_name(Terminal._meta.get_field(name).column)
                                    for name in _INFO_FIELDS))
_EXISTS_SQL = _terminal_sql("1")
# How many columns ``terminal_info_subquery`` selects (``terminal_info_from_row`` reads that many).
TERMINAL_INFO_WIDTH = len(_INFO_FIELDS)


def terminal_info_subquery(*, terminal_id: str) -> RawSQL:
    """The terminal ``terminal_id`` of the current tenant as a subquery: one row of ``TERMINAL_INFO_WIDTH``
    columns, or none. A caller that reads it along with other things in one statement (the cart's request
    context) hands the row to ``terminal_info_from_row``."""
    return RawSQL(_INFO_SQL, [terminal_id])


def terminal_info_from_row(values: Sequence) -> TerminalInfo | None:
    """The ``TerminalInfo`` of the columns ``terminal_info_subquery`` selected (all NULL: no such terminal)."""
    if values[0] is None:  # the terminal id, which every terminal has
        return None
    return TerminalInfo(**dict(zip(_INFO_FIELDS, values, strict=True)))


def terminal_exists_subquery(*, terminal_id: str) -> RawSQL:
    """A subquery with a row when the terminal is in this tenant (``EXISTS (...)``: ``terminal_exists``)."""
    return RawSQL(_EXISTS_SQL, [terminal_id])


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
