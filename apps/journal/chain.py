"""The journal's hash chain (issue #24): pure functions over plain data, no database.

Every entry of one terminal's journal (one chain per store and terminal) carries its position in the chain
(``chain_seq``: 1, 2, 3, ... in the order the entries were appended) and a hash over the previous entry's hash and
its own stored fields, so an entry changed, removed or reordered in the database no longer matches::

    chain_hash(n) = lowercase hex SHA-256( UTF-8( chain_hash(n - 1) + canonical_json(entry n) ) )
    chain_hash(0) = "0" * 64                      (the hash "before" the first entry of a chain)

``canonical_json`` is the entry's fields of ``CHAINED_FIELDS`` as one JSON object: keys sorted, no whitespace
(``{"amount":"550.0000","business_counter":1001,...}``), non-ASCII characters written as themselves (UTF-8), only
``"``, ``\\`` and control characters escaped (``\\n``, ``\\r``, ``\\t``, ``\\b``, ``\\f``, others ``\\u00xx``):
the JSON that RFC 8785 (JCS) produces for these values, integers written in full. Values:

- text fields as stored (``business_date`` and ``generate_date_time`` are the producer's text), ``null`` when null;
- integer fields as JSON integers, ``null`` when null;
- ``amount`` as a string with exactly four decimal places (``"550.0000"``, ``"-1000.0000"``): as stored;
- ``created_at`` (when the entry was stored) as a UTC string ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.

The encoding must never change: ``tests/test_chain.py`` pins a known hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

GENESIS_HASH = "0" * 64

# Every stored field of an entry but its surrogate id, ``updated_at`` (never set) and the hash itself.
CHAINED_FIELDS: tuple[str, ...] = (
    "amount",
    "business_counter",
    "business_date",
    "chain_seq",
    "created_at",
    "generate_date_time",
    "journal_text",
    "open_counter",
    "quantity",
    "receipt_no",
    "receipt_text",
    "staff_id",
    "store_code",
    "tenant_id",
    "terminal_no",
    "transaction_no",
    "transaction_type",
    "user_id",
)
AMOUNT_PLACES = Decimal("0.0001")


def stored_amount(value: Decimal | int | str) -> Decimal:
    """An amount as the journal stores it (``numeric(18, 4)``: four places, halves away from zero), so the hash
    is computed over exactly what the row will hold."""
    return Decimal(value).quantize(AMOUNT_PLACES, rounding=ROUND_HALF_UP)


def _amount_text(value: Decimal | int | str) -> str:
    return f"{stored_amount(value):f}"


def _utc_text(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("created_at must be an aware datetime")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(values: Mapping[str, Any]) -> str:
    """The entry's chained fields as the canonical JSON text described in the module docstring."""
    document: dict[str, Any] = {}
    for name in CHAINED_FIELDS:
        value = values[name]
        if value is None:
            document[name] = None
        elif name == "amount":
            document[name] = _amount_text(value)
        elif name == "created_at":
            document[name] = _utc_text(value)
        elif isinstance(value, bool) or not isinstance(value, (int, str)):
            raise TypeError(f"{name}: {type(value).__name__} is not chainable")
        else:
            document[name] = value
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chain_hash(previous_hash: str, values: Mapping[str, Any]) -> str:
    """The hash of an entry following ``previous_hash`` in its chain."""
    return hashlib.sha256((previous_hash + canonical_json(values)).encode("utf-8")).hexdigest()


# --- verification -------------------------------------------------------------------------------------------
BROKEN_HASH = "hash_mismatch"  # the entry's fields or hash were changed after it was stored
BROKEN_LINK = "previous_missing"  # the entry before it in the chain is not there (removed)
BROKEN_TAIL = "tail_missing"  # entries after the last one found were appended, then removed


@dataclass(frozen=True)
class BrokenLink:
    chain_seq: int
    transaction_no: int | None
    receipt_no: int | None
    transaction_type: int | None
    generate_date_time: str | None
    reason: str


@dataclass(frozen=True)
class NumberGap:
    """``first``..``last`` (inclusive) of a terminal's ``transaction_no`` or ``receipt_no`` sequence are missing."""

    number: str
    first: int
    last: int


@dataclass
class ChainCheck:
    """What a walk over one chain (or a stretch of it) found."""

    verified: int = 0
    broken_at: BrokenLink | None = None
    gaps: list[NumberGap] = field(default_factory=list)
    last_seq: int | None = None
    last_hash: str | None = None


def _broken(values: Mapping[str, Any], reason: str) -> BrokenLink:
    return BrokenLink(
        chain_seq=values["chain_seq"],
        transaction_no=values.get("transaction_no"),
        receipt_no=values.get("receipt_no"),
        transaction_type=values.get("transaction_type"),
        generate_date_time=values.get("generate_date_time"),
        reason=reason,
    )


def chain_verify(
    entries: Iterable[Mapping[str, Any]],
    *,
    previous: tuple[int, str] | None,
    head_seq: int | None = None,
) -> ChainCheck:
    """Walk entries in ``chain_seq`` order (each a mapping of ``CHAINED_FIELDS`` plus ``chain_hash``).

    ``previous`` is ``(chain_seq, chain_hash)`` of the entry just before the first one walked (``(0,
    GENESIS_HASH)`` when walking from the start; ``None`` when that entry should exist but is missing).
    ``head_seq`` is the chain's last position as recorded when appending; given, a walk that ends before it reports
    the removed tail. Only the first broken link is reported; every entry is still checked and counted.
    """
    check = ChainCheck()
    sequence_numbers: list[tuple[int, int | None]] = []
    expected_seq, expected_hash = previous if previous is not None else (None, None)
    for values in entries:
        seq = values["chain_seq"]
        check.verified += 1
        if expected_seq is None or seq != expected_seq + 1:
            reason = BROKEN_LINK
        elif chain_hash(expected_hash, values) != values["chain_hash"]:
            reason = BROKEN_HASH
        else:
            reason = None
        if reason is not None and check.broken_at is None:
            check.broken_at = _broken(values, reason)
        expected_seq, expected_hash = seq, values["chain_hash"]
        if values.get("transaction_no") is not None:
            sequence_numbers.append((values["transaction_no"], values.get("receipt_no")))
    if check.verified:
        check.last_seq, check.last_hash = expected_seq, expected_hash
    if head_seq is not None and check.broken_at is None and (expected_seq or 0) < head_seq:
        check.broken_at = BrokenLink(
            chain_seq=(expected_seq or 0) + 1,
            transaction_no=None,
            receipt_no=None,
            transaction_type=None,
            generate_date_time=None,
            reason=BROKEN_TAIL,
        )
    check.gaps = number_gaps(sequence_numbers)
    return check


def _missing(numbers: Iterator[int], name: str) -> list[NumberGap]:
    gaps: list[NumberGap] = []
    last: int | None = None
    for number in numbers:
        if last is not None and number > last + 1:
            gaps.append(NumberGap(name, last + 1, number - 1))
        last = number
    return gaps


def number_gaps(numbered: Iterable[tuple[int, int | None]]) -> list[NumberGap]:
    """Missing numbers among a terminal's numbered entries, given as ``(transaction_no, receipt_no)``.

    Every sale, return, void and cancelled sale takes the terminal's next transaction number and its next receipt
    number (spec/30 §9.1); opens, closes, cash movements and reports take neither, so they never count. Transaction
    numbers: every number between the lowest and the highest found is expected. Receipt numbers, in transaction
    order: each is expected to follow the previous one; a lower one is the counter's rollover (999999 -> 111111),
    not a gap. Entries without a receipt number (or receipt number 0) are skipped.
    """
    ordered = sorted(numbered)
    transaction_gaps = _missing((transaction_no for transaction_no, _ in ordered), "transaction_no")
    receipt_gaps: list[NumberGap] = []
    last: int | None = None
    for _, receipt_no in ordered:
        if not receipt_no:
            continue
        if last is not None and receipt_no > last + 1:
            receipt_gaps.append(NumberGap("receipt_no", last + 1, receipt_no - 1))
        last = receipt_no
    return transaction_gaps + receipt_gaps
