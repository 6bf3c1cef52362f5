"""Journal reads: the search of spec/40 §4.5."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, DataError, transaction
from django.db.models import F, OrderBy, QuerySet

from apps.core.paging import Paging
from apps.core.replica import replica_reads

from .errors import JournalQueryError
from .models import JournalEntry

DEFAULT_SORT = "terminal_no:1,business_date:1,receipt_no:1"
# Wire (storage) names that can be ordered on. Mongo orders by any name and treats a missing field as null for
# every row, so an unknown name (or the constant ``journal_seq_no``/``content``) has no effect on the order.
SORTABLE_FIELDS = frozenset(
    {
        "tenant_id",
        "store_code",
        "terminal_no",
        "transaction_no",
        "transaction_type",
        "business_date",
        "open_counter",
        "business_counter",
        "generate_date_time",
        "receipt_no",
        "amount",
        "quantity",
        "staff_id",
        "user_id",
        "journal_text",
        "receipt_text",
        "created_at",
        "updated_at",
    }
)


@dataclass(frozen=True)
class JournalQuery:
    """Search criteria; each range applies only when both ends are given (receipt numbers: both non-zero)."""

    store_code: str
    terminals: tuple[int, ...] = ()
    transaction_types: tuple[int, ...] = ()
    business_date_from: str | None = None
    business_date_to: str | None = None
    generate_date_time_from: str | None = None
    generate_date_time_to: str | None = None
    receipt_no_from: int | None = None
    receipt_no_to: int | None = None
    keywords: tuple[str, ...] = ()

    def mongo_filter(self, tenant_id: str) -> dict[str, Any]:
        """The applied filter in Kugelpos' Mongo form, echoed in ``metadata.filter``."""
        query: dict[str, Any] = {"tenant_id": tenant_id, "store_code": self.store_code}
        if self.terminals:
            query["terminal_no"] = {"$in": list(self.terminals)}
        if self.transaction_types:
            query["transaction_type"] = {"$in": list(self.transaction_types)}
        if self.business_date_from and self.business_date_to:
            query["business_date"] = {"$gte": self.business_date_from, "$lte": self.business_date_to}
        if self.generate_date_time_from and self.generate_date_time_to:
            query["generate_date_time"] = {"$gte": self.generate_date_time_from, "$lte": self.generate_date_time_to}
        if self.receipt_no_from and self.receipt_no_to:
            query["receipt_no"] = {"$gte": self.receipt_no_from, "$lte": self.receipt_no_to}
        if self.keywords:
            query["journal_text"] = {"$regex": "|".join(self.keywords)}
        return query


def journal_queryset(*, query: JournalQuery) -> QuerySet[JournalEntry]:
    """Entries of the store matching the criteria (the tenant is the current schema)."""
    entries = JournalEntry.objects.filter(store_code=query.store_code)
    if query.terminals:
        entries = entries.filter(terminal_no__in=query.terminals)
    if query.transaction_types:
        entries = entries.filter(transaction_type__in=query.transaction_types)
    if query.business_date_from and query.business_date_to:
        entries = entries.filter(
            business_date__gte=query.business_date_from, business_date__lte=query.business_date_to
        )
    if query.generate_date_time_from and query.generate_date_time_to:
        entries = entries.filter(
            generate_date_time__gte=query.generate_date_time_from,
            generate_date_time__lte=query.generate_date_time_to,
        )
    if query.receipt_no_from and query.receipt_no_to:
        entries = entries.filter(receipt_no__gte=query.receipt_no_from, receipt_no__lte=query.receipt_no_to)
    if query.keywords:
        # Each keyword is a case-sensitive regular expression (PostgreSQL ``~``), any of them may match.
        entries = entries.filter(journal_text__regex="|".join(query.keywords))
    return entries


def _order(name: str, direction: int) -> OrderBy:
    # Mongo puts nulls first ascending and last descending (PostgreSQL's default is the opposite). Say so only
    # for nullable columns, so the planner can still walk an index on the NOT NULL ones.
    nullable = JournalEntry._meta.get_field(name).null
    if direction == 1:
        return F(name).asc(nulls_first=True) if nullable else F(name).asc()
    return F(name).desc(nulls_last=True) if nullable else F(name).desc()


def journal_ordering(sort: tuple[tuple[str, int], ...]) -> list[OrderBy]:
    """Mongo order for the requested fields; insertion order breaks ties."""
    ordering = [_order(name, direction) for name, direction in sort if name in SORTABLE_FIELDS]
    ordering.append(F("id").asc())
    return ordering


@replica_reads()  # the search may lag a little (issue #26)
def journal_search(*, query: JournalQuery, paging: Paging) -> tuple[list[JournalEntry], int]:
    """One page of matching entries and the number of matches before paging (``limit 0`` = all, at most
    ``PAGE_SIZE_MAX`` as any page)."""
    entries = journal_queryset(query=query).order_by(*journal_ordering(paging.sort))
    try:
        # savepoint: a refused pattern must not poison an outer transaction (on the database that is read)
        with transaction.atomic(using=entries.db):
            total = entries.count()
            rows = list(paging.rows(entries))
    except DataError as exc:
        # PostgreSQL refuses the pattern (e.g. unbalanced parentheses): the caller's input, not a fault.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid pattern"
        raise JournalQueryError(f"Failed to query journals: keywords: {reason}", status=400) from exc
    except DatabaseError as exc:
        raise JournalQueryError(f"Failed to query journals: store_code->{query.store_code}") from exc
    return rows, total
