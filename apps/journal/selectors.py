"""Journal reads: the search of spec/40 §4.5 and the hash chain's verification (issue #24)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, DataError, transaction
from django.db.models import F, Max, Min, OrderBy, QuerySet

from apps.core.paging import Paging
from apps.core.replica import replica_reads

from .chain import CHAINED_FIELDS, GENESIS_HASH, ChainCheck, chain_verify
from .errors import JournalQueryError
from .models import JournalChain, JournalEntry

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


# --- hash chain verification (issue #24) --------------------------------------------------------------------
VERIFY_CHUNK = 2000
_WALKED_FIELDS = (*CHAINED_FIELDS, "chain_hash")


def journal_verify(
    *,
    store_code: str,
    terminal_no: int,
    business_date_from: str | None = None,
    business_date_to: str | None = None,
) -> ChainCheck:
    """Check one terminal's hash chain: every entry against its hash and its predecessor, and the terminal's
    transaction and receipt numbers for gaps.

    Without dates the whole chain is walked, and its end is compared with the head (entries removed from the end
    are found too). With a business date range (either end may be open) the stretch of the chain from the first
    entry in the range to the last one is walked, every entry in between included, starting from the hash of the
    entry before it. Entries are streamed in chain order: memory stays flat however long the chain is.
    """
    entries = JournalEntry.objects.filter(store_code=store_code, terminal_no=terminal_no)
    head = JournalChain.objects.filter(store_code=store_code, terminal_no=terminal_no).first()
    head_seq = head.last_seq if head is not None else None
    if business_date_from or business_date_to:
        dated = entries
        if business_date_from:
            dated = dated.filter(business_date__gte=business_date_from)
        if business_date_to:
            dated = dated.filter(business_date__lte=business_date_to)
        stretch = dated.aggregate(first=Min("chain_seq"), last=Max("chain_seq"))
        if stretch["first"] is None:
            return ChainCheck()
        first, last = stretch["first"], stretch["last"]
        entries = entries.filter(chain_seq__gte=first, chain_seq__lte=last)
        previous = _chain_position(store_code, terminal_no, first - 1)
        if last < (head_seq or 0):
            # The chain goes on after the range: its end is not this walk's to check, but the entry right after
            # the stretch must be there (else the last entries of the range may have been removed).
            head_seq = None if _chain_position(store_code, terminal_no, last + 1) is not None else last + 1
    else:
        previous = (0, GENESIS_HASH)
    rows = entries.order_by("chain_seq").values(*_WALKED_FIELDS).iterator(chunk_size=VERIFY_CHUNK)
    # The head was read first: appends commit an entry with its head, so the walk never ends before that head
    # unless entries were removed. The server-side cursor of ``iterator`` lives in this transaction.
    with transaction.atomic():
        return chain_verify(rows, previous=previous, head_seq=head_seq)


def _chain_position(store_code: str, terminal_no: int, seq: int) -> tuple[int, str] | None:
    """``(seq, hash)`` of a chain position, ``(0, GENESIS_HASH)`` before the first; None when it is missing."""
    if seq == 0:
        return 0, GENESIS_HASH
    found = (
        JournalEntry.objects.filter(store_code=store_code, terminal_no=terminal_no, chain_seq=seq)
        .values_list("chain_hash", flat=True)
        .first()
    )
    return None if found is None else (seq, found)


def journal_chain_terminals(*, store_code: str) -> list[int]:
    """The terminals of a store that have a journal, by number."""
    return list(
        JournalChain.objects.filter(store_code=store_code).order_by("terminal_no").values_list("terminal_no", flat=True)
    )


def journal_chain_store_codes() -> list[str]:
    """Stores that have a journal, by code."""
    return list(JournalChain.objects.order_by("store_code").values_list("store_code", flat=True).distinct())
