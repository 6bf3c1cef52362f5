"""Reads of the report service: SQL aggregates over the stored log copies, returned as the dataclasses of
``calculations``.

Every report runs a fixed number of grouped queries (by transaction type, and code where it matters) whatever
the number of transactions; the signs and formulas are then applied in ``calculations`` over a few rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, CharField, Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.expressions import Col
from django.db.models.functions import Substr

from .calculations import (
    ZERO,
    CloseSnapshot,
    LineGroup,
    PaymentGroup,
    PromotionGroup,
    SessionLogs,
    TaxGroup,
    TranlogTotals,
    TypeTotals,
    header_type_parts,
    line_type_parts,
    merge_type_totals,
    tax_amount_by_type,
)
from .models import (
    DailyInfo,
    ReportCashLog,
    ReportOpenCloseLog,
    ReportTranlog,
    ReportTranlogDiscount,
    ReportTranlogLine,
    ReportTranlogPayment,
    ReportTranlogTax,
)


@dataclass(frozen=True)
class ReportScope:
    """The data scope of §3.3: a store, optionally one terminal, one date or an inclusive range, a session."""

    store_code: str
    terminal_no: int | None = None
    business_date: str | None = None
    business_date_from: str | None = None
    business_date_to: str | None = None
    open_counter: int | None = None

    @property
    def is_range(self) -> bool:
        return self.business_date_from is not None and self.business_date_to is not None

    def log_filter(self) -> Q:
        """Store / terminal / date / session filter over the scope keys (every log table and tranlog row has them)."""
        q = Q(store_code=self.store_code)
        if self.terminal_no is not None:
            q &= Q(terminal_no=self.terminal_no)
        if self.is_range:
            q &= Q(business_date__gte=self.business_date_from, business_date__lte=self.business_date_to)
        else:
            q &= Q(business_date=self.business_date)
        if self.open_counter is not None:
            q &= Q(open_counter=self.open_counter)
        return q

    def tranlog_filter(self) -> Q:
        """Included tranlogs (never a cancelled sale), on the header table."""
        return self.log_filter() & Q(is_cancelled=False)

    def row_filter(self) -> Q:
        """Rows of included tranlogs (lines, payments, taxes, discounts), through their own copy of the keys."""
        return self.log_filter() & Q(tranlog_cancelled=False)


class First(Aggregate):
    """The value of ``expression`` in the group's row with the smallest ``order_by`` ("first seen").

    ``order_by`` must be a unique column of the same table (the primary key): the value is then looked up by
    ``MIN(order_by)``, one index probe per group, instead of ``(ARRAY_AGG(value ORDER BY id))[1]``, which sorts
    every row of the scope (over 10,000 tranlogs the sort was most of a report's time: EXPLAIN ANALYZE).
    """

    function = "MIN"
    name = "First"
    output_field = CharField()

    def __init__(self, expression, order_by, **extra):
        super().__init__(expression, order_by, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        value, key = self.source_expressions
        if not (isinstance(value, Col) and isinstance(key, Col) and value.alias == key.alias):
            raise TypeError("First() takes two columns of the same table")
        quote = compiler.quote_name_unless_alias
        key_sql, key_params = compiler.compile(key)
        table = quote(value.target.model._meta.db_table)
        return (
            f"(SELECT first_row.{quote(value.target.column)} FROM {table} first_row "
            f"WHERE first_row.{quote(key.target.column)} = MIN({key_sql}))",
            key_params,
        )


def _money(value: Decimal | None) -> Decimal:
    return ZERO if value is None else value


def _int(value: int | None) -> int:
    return 0 if value is None else int(value)


# --- sales ----------------------------------------------------------------------------------------------------
def tranlogs_in_scope(scope: ReportScope) -> QuerySet[ReportTranlog]:
    return ReportTranlog.objects.filter(scope.tranlog_filter())


def tax_groups(scope: ReportScope) -> list[TaxGroup]:
    rows = (
        ReportTranlogTax.objects.filter(scope.row_filter())
        .values("transaction_type", code=F("tax_code"))
        .annotate(
            name=First("tax_name", "id"),
            first_seen=Min("id"),
            tax=Sum("tax_amount"),
            target=Sum("target_amount"),
            target_qty=Sum("target_quantity"),
        )
        .order_by()
    )
    return [
        TaxGroup(
            transaction_type=row["transaction_type"],
            tax_code=row["code"],
            tax_name=row["name"],
            first_seen=row["first_seen"],
            tax_amount=_money(row["tax"]),
            target_amount=_money(row["target"]),
            target_quantity=_int(row["target_qty"]),
        )
        for row in rows
    ]


def tranlog_totals(scope: ReportScope, *, by_hour: bool = False, by_terminal: bool = False) -> list[TranlogTotals]:
    """N, WT, D, Q and the latest timestamp of the included tranlogs per transaction type, and per hour of their
    own timestamp (the terminal's local time, as its receipts print it) and terminal when asked: one query, one
    pass over the headers, whatever is asked."""
    keys: dict[str, Any] = {}
    if by_hour:
        keys["hour"] = Substr("generate_date_time", 12, 2)
    if by_terminal:
        keys["terminal"] = F("terminal_no")
    rows = (
        tranlogs_in_scope(scope)
        .values("transaction_type", **keys)
        .annotate(
            count=Count("id"),
            amount_with_tax=Sum("total_amount_with_tax"),
            discount_amount=Sum("total_discount_amount"),
            quantity=Sum("total_quantity"),
            last_at=Max("generate_date_time"),
        )
        .order_by()
    )
    return [
        TranlogTotals(
            transaction_type=row["transaction_type"],
            hour=_hour(row.get("hour")),
            terminal_no=row.get("terminal"),
            count=row["count"],
            amount_with_tax=_money(row["amount_with_tax"]),
            discount_amount=_money(row["discount_amount"]),
            quantity=_int(row["quantity"]),
            last_at=row["last_at"],
        )
        for row in rows
    ]


def _hour(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def sales_type_totals(
    scope: ReportScope,
    taxes: Iterable[TaxGroup],
    *,
    headers: Iterable[TranlogTotals] | None = None,
    lines: Iterable[LineGroup] | None = None,
) -> list[TypeTotals]:
    """The per-type symbols of §3.4 (N, WT, D, Q, T, LDA/LDC/LDQ, SDA/SDC/SDQ) in three grouped queries.

    ``headers`` (``tranlog_totals``) and ``lines`` (``line_groups(..., sales_symbols=True)``) of the same scope,
    when the caller already read them grouped more finely (the home page), are folded instead of read again."""
    if headers is None:
        headers = tranlog_totals(scope)
    if lines is None:
        lines = line_groups(scope, by_category=False, sales_symbols=True)
    subtotal = (
        ReportTranlogDiscount.objects.filter(scope.row_filter() & Q(kind=ReportTranlogDiscount.Kind.SUBTOTAL))
        .values("transaction_type")
        .annotate(subtotal_discount_amount=Sum("discount_amount"), subtotal_discount_count=Count("id"))
        .order_by()
    )
    tax_parts = [{"transaction_type": t, "tax_amount": amount} for t, amount in tax_amount_by_type(taxes).items()]
    return merge_type_totals([*header_type_parts(headers), *line_type_parts(lines), *subtotal, *tax_parts])


SESSION_KEYS = ("terminal_no", "business_date", "open_counter")
Session = tuple[int, str, int]  # (terminal_no, business_date, open_counter)


def _sessions_filter(store_code: str, sessions: Iterable[Session]) -> Q:
    """Any of the given terminal sessions of one store (an empty list matches nothing)."""
    q = Q(pk__in=[])
    for terminal_no, business_date, open_counter in sessions:
        q |= Q(terminal_no=terminal_no, business_date=business_date, open_counter=open_counter)
    return Q(store_code=store_code) & q


def _payment_groups(where: Q, keys: tuple[str, ...], *, count_transactions: bool) -> dict[tuple, list[PaymentGroup]]:
    sums: dict[str, Any] = {"name": First("description", "id"), "first_seen": Min("id"), "total": Sum("amount"),
                            "lines": Count("id")}
    if count_transactions:  # COUNT(DISTINCT) sorts every payment line: only the payment report needs it
        sums["transactions"] = Count("tranlog", distinct=True)
    rows = (
        ReportTranlogPayment.objects.filter(where)
        .values(*keys, "transaction_type", code=F("payment_code"))
        .annotate(**sums)
        .order_by()
    )
    result: dict[tuple, list[PaymentGroup]] = {}
    for row in rows:
        result.setdefault(tuple(row[key] for key in keys), []).append(
            PaymentGroup(
                transaction_type=row["transaction_type"],
                payment_code=row["code"],
                description=row["name"],
                first_seen=row["first_seen"],
                amount=_money(row["total"]),
                line_count=row["lines"],
                transaction_count=row.get("transactions", 0),
            )
        )
    return result


def payment_groups(scope: ReportScope, *, count_transactions: bool = False) -> list[PaymentGroup]:
    """Σ of the payment lines per (type, payment code) in scope; with ``count_transactions``, also the number of
    distinct transactions per group (the payment report's count; 0 otherwise)."""
    return _payment_groups(scope.row_filter(), (), count_transactions=count_transactions).get((), [])


def session_payment_groups(*, store_code: str, sessions: Iterable[Session]) -> dict[Session, list[PaymentGroup]]:
    """``payment_groups`` of each terminal session (the scope of a terminal's flash report) in one query."""
    sessions = list(sessions)
    if not sessions:
        return {}
    found = _payment_groups(_sessions_filter(store_code, sessions) & Q(tranlog_cancelled=False), SESSION_KEYS,
                            count_transactions=False)
    return {session: found.get(session, []) for session in sessions}


@dataclass(frozen=True)
class CashTotals:
    cash_in_amount: Decimal = ZERO
    cash_in_count: int = 0
    cash_out_amount: Decimal = ZERO
    cash_out_count: int = 0
    physical_amount: Decimal = ZERO


def _grouped(queryset: QuerySet, keys: tuple[str, ...], **sums: Any) -> list[dict[str, Any]]:
    """``sums`` per ``keys`` (one row per group), or over the whole queryset when there are no keys (one row)."""
    if not keys:
        return [queryset.aggregate(**sums)]
    return list(queryset.values(*keys).annotate(**sums).order_by())


def _cash_totals(where: Q, keys: tuple[str, ...]) -> dict[tuple, CashTotals]:
    """Cash in/out sums of the cash logs and Σ physical amount of the close logs (null -> 0), per ``keys``."""
    cash = _grouped(
        ReportCashLog.objects.filter(where),
        keys,
        in_amount=Sum("amount", filter=Q(amount__gt=0)),
        in_count=Count("id", filter=Q(amount__gt=0)),
        out_amount=Sum("amount", filter=Q(amount__lt=0)),
        out_count=Count("id", filter=Q(amount__lt=0)),
    )
    physical = _grouped(ReportOpenCloseLog.objects.filter(where & Q(operation="close")), keys,
                        total=Sum("physical_amount"))
    parts: dict[tuple, dict[str, Any]] = {}
    for row in cash:
        parts.setdefault(tuple(row[key] for key in keys), {}).update(
            cash_in_amount=_money(row["in_amount"]),
            cash_in_count=row["in_count"],
            cash_out_amount=_money(row["out_amount"]),
            cash_out_count=row["out_count"],
        )
    for row in physical:
        parts.setdefault(tuple(row[key] for key in keys), {})["physical_amount"] = _money(row["total"])
    return {key: CashTotals(**values) for key, values in parts.items()}


def cash_totals(scope: ReportScope) -> CashTotals:
    """Cash in/out sums of the cash logs and Σ physical amount of the close logs in scope (null -> 0)."""
    return _cash_totals(scope.log_filter(), ()).get((), CashTotals())


def session_cash_totals(*, store_code: str, sessions: Iterable[Session]) -> dict[Session, CashTotals]:
    """``cash_totals`` of each terminal session in two queries."""
    sessions = list(sessions)
    if not sessions:
        return {}
    found = _cash_totals(_sessions_filter(store_code, sessions), SESSION_KEYS)
    return {session: found.get(session, CashTotals()) for session in sessions}


def transaction_types(scope: ReportScope) -> list[int]:
    """Distinct types among the included tranlogs (the payment report refuses unknown ones)."""
    return list(tranlogs_in_scope(scope).values_list("transaction_type", flat=True).distinct().order_by())


# --- category / item / promotion ----------------------------------------------------------------------------
def line_groups(
    scope: ReportScope, *, by_item: bool = False, by_category: bool = True, sales_symbols: bool = False
) -> list[LineGroup]:
    """Live line items grouped by (type[, category[, item]]); the gross of a line is before any discount (its
    amount is net of its line discounts, spec/30 §5, so they are added back: ours, issue 14) and its discount =
    its line discounts plus its allocated subtotal discounts. ``sales_symbols`` adds the sales report's line
    sums (LDA, LDC, LDQ, SDQ), so one pass serves the item rows and the sales figures; by item, each group also
    names its first line (by id) with a description, for ``line_descriptions``."""
    keys: dict[str, Any] = {}
    if by_category or by_item:
        keys["category"] = F("category_code")
    if by_item:
        keys["item"] = F("item_code")
    discounted = Q(discount_amount__gt=0) | Q(allocated_amount__gt=0)
    # Three money sums per group, added up here (Decimal sums are exact): the gross is Σ amount + Σ line discounts,
    # the discount Σ line discounts + Σ allocated discounts. One numeric sum per row and column, no more.
    sums: dict[str, Any] = {
        "amount_sum": Sum("amount"),
        "line_discount_amount": Sum("discount_amount"),
        "allocated_sum": Sum("allocated_amount"),
        "qty": Sum("quantity"),
        "discount_qty": Sum("quantity", filter=discounted),
        "lines": Count("id"),
    }
    if sales_symbols:
        sums |= {
            "line_discount_count": Sum("discount_count"),
            "line_discount_quantity": Sum("quantity", filter=Q(discount_count__gt=0)),
            "subtotal_discount_quantity": Sum("quantity", filter=Q(allocated_count__gt=0)),
        }
    if by_item:
        sums["first_described"] = Min("id", filter=Q(description__isnull=False) & ~Q(description=""))
    rows = (
        ReportTranlogLine.objects.filter(scope.row_filter() & Q(is_cancelled=False))
        .values("transaction_type", **keys)
        .annotate(**sums)
        .order_by()
    )
    return [
        LineGroup(
            transaction_type=row["transaction_type"],
            category_code=row.get("category"),
            item_code=row.get("item"),
            gross_amount=_money(row["amount_sum"]) + _money(row["line_discount_amount"]),
            discount_amount=_money(row["line_discount_amount"]) + _money(row["allocated_sum"]),
            quantity=_int(row["qty"]),
            discount_quantity=_int(row["discount_qty"]),
            line_count=row["lines"],
            line_discount_amount=_money(row["line_discount_amount"]) if sales_symbols else ZERO,
            line_discount_count=_int(row.get("line_discount_count")),
            line_discount_quantity=_int(row.get("line_discount_quantity")),
            subtotal_discount_quantity=_int(row.get("subtotal_discount_quantity")),
            first_described_id=row.get("first_described"),
        )
        for row in rows
    ]


def line_descriptions(groups: Iterable[LineGroup], *, item_codes: Iterable[str] | None = None) -> dict[str, str]:
    """Item descriptions as carried by the tranlogs: per item code, that of its first line (by id) with one, found
    through the item groups of ``line_groups(..., by_item=True)`` (only ``item_codes``, if given): one read by
    primary key instead of another pass over the lines."""
    wanted = None if item_codes is None else set(item_codes)
    first: dict[str, int] = {}
    for group in groups:
        code, line_id = group.item_code, group.first_described_id
        if code is None or line_id is None or (wanted is not None and code not in wanted):
            continue
        first[code] = min(first.get(code, line_id), line_id)
    if not first:
        return {}
    return dict(ReportTranlogLine.objects.filter(pk__in=list(first.values())).values_list("item_code", "description"))


def promotion_groups(scope: ReportScope) -> list[PromotionGroup]:
    rows = (
        ReportTranlogDiscount.objects.filter(
            scope.row_filter()
            & Q(kind=ReportTranlogDiscount.Kind.LINE, promotion_code__isnull=False, line_cancelled=False)
        )
        .values("transaction_type", code=F("promotion_code"), ptype=F("promotion_type"))
        .annotate(
            # the line's amount before its line discounts (ours, issue 14): its row holds their sum
            gross=Sum(F("line_amount") + F("line__discount_amount")),
            discount=Sum("discount_amount"),
            qty=Sum("line_quantity"),
            transactions=Count("tranlog", distinct=True),
        )
        .order_by()
    )
    return [
        PromotionGroup(
            transaction_type=row["transaction_type"],
            promotion_code=row["code"],
            promotion_type=row["ptype"],
            gross_amount=_money(row["gross"]),
            discount_amount=_money(row["discount"]),
            quantity=_int(row["qty"]),
            transaction_count=row["transactions"],
        )
        for row in rows
    ]


# --- daily verification (§3.10) -----------------------------------------------------------------------------
def opened_sessions(
    *, store_code: str, business_date: str, terminal_no: int | None, open_counter: int | None
) -> list[tuple[int, int | None]]:
    """``(terminal_no, open_counter)`` of every session opened that day (a terminal never opened passes)."""
    logs = ReportOpenCloseLog.objects.filter(store_code=store_code, business_date=business_date, operation="open")
    if terminal_no is not None:
        logs = logs.filter(terminal_no=terminal_no)
    if open_counter is not None:
        logs = logs.filter(open_counter=open_counter)
    return list(logs.values_list("terminal_no", "open_counter").distinct().order_by("terminal_no", "open_counter"))


def verified_sessions(*, store_code: str, business_date: str, terminal_nos: Iterable[int]) -> set[tuple[int, int]]:
    """Sessions whose latest daily-info row says verified."""
    latest = (
        DailyInfo.objects.filter(store_code=store_code, business_date=business_date, terminal_no__in=terminal_nos)
        .order_by("terminal_no", "open_counter", "-id")
        .distinct("terminal_no", "open_counter")
        .values_list("terminal_no", "open_counter", "verified")
    )
    return {(terminal, counter) for terminal, counter, verified in latest if verified}


def session_logs(
    *, store_code: str, business_date: str, sessions: Iterable[tuple[int, int | None]]
) -> list[SessionLogs]:
    """What arrived for each session: its close log, cash-log count and last time, tranlog count (cancelled
    included) and the latest transaction number. Four queries for any number of sessions."""
    sessions = list(sessions)
    if not sessions:
        return []
    terminals = sorted({terminal for terminal, _ in sessions})
    base = {"store_code": store_code, "business_date": business_date, "terminal_no__in": terminals}
    closes = {}
    for log in (
        ReportOpenCloseLog.objects.filter(**base, operation="close")
        .order_by("terminal_no", "open_counter", "-generate_date_time")
        .distinct("terminal_no", "open_counter")
    ):
        closes[(log.terminal_no, log.open_counter)] = CloseSnapshot(
            cart_transaction_count=log.cart_transaction_count,
            cart_transaction_last_no=log.cart_transaction_last_no,
            cash_in_out_count=log.cash_in_out_count,
            cash_in_out_last_datetime=log.cash_in_out_last_datetime,
        )
    cash = {
        (row["terminal_no"], row["open_counter"]): (row["count"], row["last"])
        for row in ReportCashLog.objects.filter(**base)
        .values("terminal_no", "open_counter")
        .annotate(count=Count("id"), last=Max("generate_date_time"))
        .order_by()
    }
    tran_counts = {
        (row["terminal_no"], row["open_counter"]): row["count"]
        for row in ReportTranlog.objects.filter(**base)
        .values("terminal_no", "open_counter")
        .annotate(count=Count("id"))
        .order_by()
    }
    tran_last = dict(
        (((terminal, counter), number))
        for terminal, counter, number in ReportTranlog.objects.filter(**base)
        .order_by("terminal_no", "open_counter", F("generate_date_time").desc(nulls_last=True), "-id")
        .distinct("terminal_no", "open_counter")
        .values_list("terminal_no", "open_counter", "transaction_no")
    )
    result = []
    for key in sessions:
        cash_count, cash_last = cash.get(key, (0, None))
        result.append(
            SessionLogs(
                terminal_no=key[0],
                open_counter=key[1],
                close=closes.get(key),
                cash_count=cash_count,
                cash_last_datetime=cash_last,
                tran_count=tran_counts.get(key, 0),
                tran_last_no=tran_last.get(key),
            )
        )
    return result


# --- back office ----------------------------------------------------------------------------------------------
def store_codes_seen() -> list[str]:
    """Stores with any stored log, for the report page's store picker."""
    codes = set(ReportTranlog.objects.values_list("store_code", flat=True).distinct().order_by())
    codes |= set(ReportOpenCloseLog.objects.values_list("store_code", flat=True).distinct().order_by())
    return sorted(codes)


@dataclass(frozen=True)
class StoreChoice:
    store_code: str
    store_name: str

    @property
    def label(self) -> str:
        return f"{self.store_code} {self.store_name}".strip()


@dataclass(frozen=True)
class TerminalChoice:
    store_code: str
    terminal_no: int
    description: str
    business_date: str | None  # of its current (or last) session, YYYYMMDD

    @property
    def label(self) -> str:
        return f"{self.terminal_no} {self.description}".strip()


def report_page_stores(*, tenant_id: str) -> list[StoreChoice]:
    """The tenant's stores with their names, and any store known only from its logs, by code."""
    from apps.terminal.selectors import tenant_info_find

    info = tenant_info_find(tenant_id=tenant_id)
    stores = {s.store_code: StoreChoice(s.store_code, s.store_name) for s in (info.stores.all() if info else ())}
    for code in store_codes_seen():
        stores.setdefault(code, StoreChoice(code, ""))
    return [stores[code] for code in sorted(stores)]


def report_page_terminals(*, tenant_id: str) -> list[TerminalChoice]:
    """The tenant's terminals (with their business dates), and any terminal known only from its logs."""
    from apps.terminal.selectors import terminal_list

    terminals = {
        (t.store_code, t.terminal_no): TerminalChoice(t.store_code, t.terminal_no, t.description or "", t.business_date)
        for t in terminal_list(tenant_id=tenant_id).only("store_code", "terminal_no", "description", "business_date")
    }
    seen = (
        ReportOpenCloseLog.objects.values("store_code", "terminal_no")
        .annotate(last_date=Max("business_date"))
        .order_by()
    )
    for row in seen:
        key = (row["store_code"], row["terminal_no"])
        terminals.setdefault(key, TerminalChoice(key[0], key[1], "", row["last_date"]))
    return [terminals[key] for key in sorted(terminals)]


def store_business_date(*, store_code: str | None, terminals: Iterable[TerminalChoice]) -> str | None:
    """The store's current business date: the latest one its terminals opened on (None when none ever did)."""
    dates = [t.business_date for t in terminals if t.store_code == store_code and t.business_date]
    return max(dates) if dates else None
