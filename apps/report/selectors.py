"""Reads of the report service: SQL aggregates over the stored log copies, returned as the dataclasses of
``calculations``.

Every report runs a fixed number of grouped queries (by transaction type, and code where it matters) whatever
the number of transactions; the signs and formulas are then applied in ``calculations`` over a few rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Aggregate, CharField, Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Substr

from .calculations import (
    NORMAL_SALES,
    ZERO,
    CloseSnapshot,
    LineGroup,
    PaymentGroup,
    PromotionGroup,
    SessionLogs,
    TaxGroup,
    TypeTotals,
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
from .overview import HourTotals


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
    """The value of ``expression`` in the group's row with the smallest ``order_by`` ("first seen")."""

    function = "ARRAY_AGG"
    name = "First"
    output_field = CharField()

    def __init__(self, expression, order_by, **extra):
        super().__init__(expression, order_by, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        value_sql, value_params = compiler.compile(self.source_expressions[0])
        order_sql, order_params = compiler.compile(self.source_expressions[1])
        return f"(ARRAY_AGG({value_sql} ORDER BY {order_sql}))[1]", (*value_params, *order_params)


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


def sales_type_totals(scope: ReportScope, taxes: Iterable[TaxGroup]) -> list[TypeTotals]:
    """The per-type symbols of §3.4 (N, WT, D, Q, T, LDA/LDC/LDQ, SDA/SDC/SDQ) in three grouped queries."""
    headers = (
        tranlogs_in_scope(scope)
        .values("transaction_type")
        .annotate(
            count=Count("id"),
            amount_with_tax=Sum("total_amount_with_tax"),
            discount_amount=Sum("total_discount_amount"),
            quantity=Sum("total_quantity"),
        )
        .order_by()
    )
    live_lines = Q(is_cancelled=False)
    lines = (
        ReportTranlogLine.objects.filter(scope.row_filter() & live_lines)
        .values("transaction_type")
        .annotate(
            line_discount_amount=Sum("discount_amount"),
            line_discount_count=Sum("discount_count"),
            line_discount_quantity=Sum("quantity", filter=Q(discount_count__gt=0)),
            subtotal_discount_quantity=Sum("quantity", filter=Q(allocated_count__gt=0)),
        )
        .order_by()
    )
    subtotal = (
        ReportTranlogDiscount.objects.filter(scope.row_filter() & Q(kind=ReportTranlogDiscount.Kind.SUBTOTAL))
        .values("transaction_type")
        .annotate(subtotal_discount_amount=Sum("discount_amount"), subtotal_discount_count=Count("id"))
        .order_by()
    )
    tax_parts = [{"transaction_type": t, "tax_amount": amount} for t, amount in tax_amount_by_type(taxes).items()]
    return merge_type_totals([*headers, *lines, *subtotal, *tax_parts])


def payment_groups(scope: ReportScope) -> list[PaymentGroup]:
    rows = (
        ReportTranlogPayment.objects.filter(scope.row_filter())
        .values("transaction_type", code=F("payment_code"))
        .annotate(
            name=First("description", "id"),
            first_seen=Min("id"),
            total=Sum("amount"),
            lines=Count("id"),
            transactions=Count("tranlog", distinct=True),
        )
        .order_by()
    )
    return [
        PaymentGroup(
            transaction_type=row["transaction_type"],
            payment_code=row["code"],
            description=row["name"],
            first_seen=row["first_seen"],
            amount=_money(row["total"]),
            line_count=row["lines"],
            transaction_count=row["transactions"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class CashTotals:
    cash_in_amount: Decimal
    cash_in_count: int
    cash_out_amount: Decimal
    cash_out_count: int
    physical_amount: Decimal


def cash_totals(scope: ReportScope) -> CashTotals:
    """Cash in/out sums of the cash logs and Σ physical amount of the close logs in scope (null -> 0)."""
    cash = ReportCashLog.objects.filter(scope.log_filter()).aggregate(
        in_amount=Sum("amount", filter=Q(amount__gt=0)),
        in_count=Count("id", filter=Q(amount__gt=0)),
        out_amount=Sum("amount", filter=Q(amount__lt=0)),
        out_count=Count("id", filter=Q(amount__lt=0)),
    )
    physical = ReportOpenCloseLog.objects.filter(scope.log_filter() & Q(operation="close")).aggregate(
        total=Sum("physical_amount")
    )
    return CashTotals(
        cash_in_amount=_money(cash["in_amount"]),
        cash_in_count=cash["in_count"],
        cash_out_amount=_money(cash["out_amount"]),
        cash_out_count=cash["out_count"],
        physical_amount=_money(physical["total"]),
    )


def transaction_types(scope: ReportScope) -> list[int]:
    """Distinct types among the included tranlogs (the payment report refuses unknown ones)."""
    return list(tranlogs_in_scope(scope).values_list("transaction_type", flat=True).distinct().order_by())


# --- category / item / promotion ----------------------------------------------------------------------------
def line_groups(scope: ReportScope, *, by_item: bool) -> list[LineGroup]:
    """Live line items grouped by (type, category[, item]); the gross of a line is before any discount (its
    amount is net of its line discounts, spec/30 §5, so they are added back: ours, issue 14) and its discount =
    its line discounts plus its allocated subtotal discounts."""
    keys = {"category": F("category_code")}
    if by_item:
        keys["item"] = F("item_code")
    discounted = Q(discount_amount__gt=0) | Q(allocated_amount__gt=0)
    rows = (
        ReportTranlogLine.objects.filter(scope.row_filter() & Q(is_cancelled=False))
        .values("transaction_type", **keys)
        .annotate(
            gross=Sum(F("amount") + F("discount_amount")),
            discount=Sum(F("discount_amount") + F("allocated_amount")),
            qty=Sum("quantity"),
            discount_qty=Sum("quantity", filter=discounted),
            lines=Count("id"),
        )
        .order_by()
    )
    return [
        LineGroup(
            transaction_type=row["transaction_type"],
            category_code=row["category"],
            item_code=row.get("item"),
            gross_amount=_money(row["gross"]),
            discount_amount=_money(row["discount"]),
            quantity=_int(row["qty"]),
            discount_quantity=_int(row["discount_qty"]),
            line_count=row["lines"],
        )
        for row in rows
    ]


def item_descriptions_seen(scope: ReportScope, *, item_codes: Iterable[str] | None = None) -> dict[str, str]:
    """Item descriptions as carried by the tranlogs (first one seen per code), of ``item_codes`` if given."""
    lines = ReportTranlogLine.objects.filter(scope.row_filter() & Q(is_cancelled=False, item_code__isnull=False))
    if item_codes is not None:
        lines = lines.filter(item_code__in=list(item_codes))
    rows = (
        lines
        .exclude(description__isnull=True)
        .exclude(description="")
        .values("item_code")
        .annotate(name=First("description", "id"))
        .order_by()
    )
    return {row["item_code"]: row["name"] for row in rows}


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


# --- the back office's home page -------------------------------------------------------------------------------
def hour_totals(scope: ReportScope) -> list[HourTotals]:
    """Included tranlogs grouped by the hour of their own timestamp (``YYYY-MM-DDTHH...``, the terminal's local
    time, as its receipts print it) and type: one query."""
    rows = (
        tranlogs_in_scope(scope)
        .exclude(generate_date_time__isnull=True)
        .annotate(hour=Substr("generate_date_time", 12, 2))
        .values("hour", "transaction_type")
        .annotate(count=Count("id"), amount_with_tax=Sum("total_amount_with_tax"))
        .order_by()
    )
    return [
        HourTotals(
            hour=int(row["hour"]),
            transaction_type=row["transaction_type"],
            count=row["count"],
            amount_with_tax=_money(row["amount_with_tax"]),
        )
        for row in rows
        if row["hour"] and row["hour"].isdigit()
    ]


def last_sale_times(scope: ReportScope) -> dict[int, str]:
    """``terminal_no -> generate_date_time`` of each terminal's latest included sale (type 101) in scope."""
    rows = (
        tranlogs_in_scope(scope)
        .filter(transaction_type=NORMAL_SALES)
        .values("terminal_no")
        .annotate(last=Max("generate_date_time"))
        .order_by()
    )
    return {row["terminal_no"]: row["last"] for row in rows if row["last"]}
