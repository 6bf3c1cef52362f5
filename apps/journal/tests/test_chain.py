"""The hash chain's calculations (``apps.journal.chain``): the canonical encoding, the link, the walk, the gaps.
No database."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from apps.journal.chain import (
    BROKEN_HASH,
    BROKEN_LINK,
    BROKEN_TAIL,
    GENESIS_HASH,
    NumberGap,
    canonical_json,
    chain_hash,
    chain_verify,
    number_gaps,
    stored_amount,
)

ENTRY = {
    "tenant_id": "T1001",
    "store_code": "5678",
    "terminal_no": 5555,
    "transaction_no": 1001,
    "transaction_type": 101,
    "business_date": "20250110",
    "open_counter": 1,
    "business_counter": 1001,
    "generate_date_time": "2025-01-10T10:00:01.000000+09:00",
    "receipt_no": 2001,
    "amount": Decimal("550"),
    "quantity": 3,
    "staff_id": "S001",
    "user_id": None,
    "journal_text": 'レシートNo. 2001\n"ok"\t',
    "receipt_text": "<PrintData/>",
    "created_at": datetime(2025, 1, 10, 1, 0, 1, 123456, tzinfo=UTC),
    "chain_seq": 1,
}
# Written out by hand from the rules in docs/api.md ("Journal verification"): if one of these two changes, every
# stored chain stops verifying. Recomputed independently with ``printf '%s' "$GENESIS$JSON" | sha256sum``.
ENTRY_JSON = (
    '{"amount":"550.0000","business_counter":1001,"business_date":"20250110","chain_seq":1,'
    '"created_at":"2025-01-10T01:00:01.123456Z","generate_date_time":"2025-01-10T10:00:01.000000+09:00",'
    '"journal_text":"レシートNo. 2001\\n\\"ok\\"\\t","open_counter":1,"quantity":3,"receipt_no":2001,'
    '"receipt_text":"<PrintData/>","staff_id":"S001","store_code":"5678","tenant_id":"T1001","terminal_no":5555,'
    '"transaction_no":1001,"transaction_type":101,"user_id":null}'
)
ENTRY_HASH = "5cc9d9a86c2a40c890e3cd034e455a63ca621baf9534aa51befe7a5147be6393"


def test_canonical_json_is_the_documented_text():
    assert canonical_json(ENTRY) == ENTRY_JSON


def test_the_known_entry_hashes_to_the_pinned_value():
    assert chain_hash(GENESIS_HASH, ENTRY) == ENTRY_HASH
    assert hashlib.sha256(("0" * 64 + ENTRY_JSON).encode()).hexdigest() == ENTRY_HASH


def test_created_at_is_written_in_utc_whatever_its_zone():
    tokyo = ENTRY["created_at"].astimezone(timezone(timedelta(hours=9)))
    assert chain_hash(GENESIS_HASH, {**ENTRY, "created_at": tokyo}) == ENTRY_HASH


@pytest.mark.parametrize("amount", [Decimal("550"), Decimal("550.0000"), 550, "550.00"])
def test_an_amount_is_encoded_as_stored_whatever_its_spelling(amount):
    assert chain_hash(GENESIS_HASH, {**ENTRY, "amount": amount}) == ENTRY_HASH


@pytest.mark.parametrize(
    ("value", "stored"),
    [("0.00005", "0.0001"), ("-0.00005", "-0.0001"), ("12.34564", "12.3456"), ("-500", "-500.0000")],
)
def test_amounts_round_as_the_column_does(value, stored):
    assert str(stored_amount(Decimal(value))) == stored


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("journal_text", 'レシートNo. 2001\n"ok" '),
        ("amount", Decimal("5500")),
        ("business_date", "20250111"),
        ("generate_date_time", "2025-01-10T10:00:02.000000+09:00"),
        ("receipt_no", 2002),
        ("transaction_type", -101),
        ("user_id", ""),
        ("created_at", ENTRY["created_at"] + timedelta(microseconds=1)),
        ("chain_seq", 2),
    ],
)
def test_any_changed_field_changes_the_hash(name, value):
    assert chain_hash(GENESIS_HASH, {**ENTRY, name: value}) != ENTRY_HASH


def test_the_previous_hash_is_part_of_the_link():
    assert chain_hash("1" * 64, ENTRY) != ENTRY_HASH


@pytest.mark.parametrize(("name", "value"), [("quantity", 3.0), ("quantity", True), ("created_at", None)])
def test_values_outside_the_encoding_are_refused(name, value):
    with pytest.raises((TypeError, ValueError)):
        if value is None:
            canonical_json({**ENTRY, name: datetime(2025, 1, 10)})  # naive: no zone to convert from
        else:
            canonical_json({**ENTRY, name: value})


# --- walking a chain ------------------------------------------------------------------------------------------
def make_chain(count: int) -> list[dict]:
    rows, previous = [], GENESIS_HASH
    for seq in range(1, count + 1):
        values = {**ENTRY, "chain_seq": seq, "transaction_no": 1000 + seq, "receipt_no": 2000 + seq,
                  "generate_date_time": f"2025-01-10T10:00:{seq:02d}.000000+09:00"}
        values["chain_hash"] = previous = chain_hash(previous, values)
        rows.append(values)
    return rows


def test_an_intact_chain_verifies():
    rows = make_chain(5)
    check = chain_verify(rows, previous=(0, GENESIS_HASH), head_seq=5)
    assert (check.verified, check.broken_at, check.gaps) == (5, None, [])
    assert (check.last_seq, check.last_hash) == (5, rows[-1]["chain_hash"])


def test_a_changed_entry_is_named_and_the_rest_still_checked():
    rows = make_chain(5)
    rows[2]["journal_text"] = "forged"
    check = chain_verify(rows, previous=(0, GENESIS_HASH), head_seq=5)
    assert check.verified == 5
    assert (check.broken_at.chain_seq, check.broken_at.transaction_no, check.broken_at.receipt_no) == (3, 1003, 2003)
    assert check.broken_at.reason == BROKEN_HASH


def test_a_rehashed_forgery_breaks_the_next_link():
    rows = make_chain(5)
    rows[2]["amount"] = Decimal("1")
    rows[2]["chain_hash"] = chain_hash(rows[1]["chain_hash"], rows[2])
    check = chain_verify(rows, previous=(0, GENESIS_HASH), head_seq=5)
    assert (check.broken_at.chain_seq, check.broken_at.reason) == (4, BROKEN_HASH)


def test_a_removed_entry_breaks_the_link_of_the_next_and_leaves_a_gap():
    rows = make_chain(5)
    del rows[1]
    check = chain_verify(rows, previous=(0, GENESIS_HASH), head_seq=5)
    assert (check.verified, check.broken_at.chain_seq, check.broken_at.reason) == (4, 3, BROKEN_LINK)
    assert check.gaps == [NumberGap("transaction_no", 1002, 1002), NumberGap("receipt_no", 2002, 2002)]


def test_a_removed_first_entry_is_found():
    check = chain_verify(make_chain(3)[1:], previous=(0, GENESIS_HASH), head_seq=3)
    assert (check.broken_at.chain_seq, check.broken_at.reason) == (2, BROKEN_LINK)


def test_a_removed_last_entry_is_found_through_the_head():
    check = chain_verify(make_chain(3)[:2], previous=(0, GENESIS_HASH), head_seq=3)
    assert (check.broken_at.chain_seq, check.broken_at.reason, check.broken_at.transaction_no) == (3, BROKEN_TAIL, None)


def test_a_stretch_starts_from_the_hash_before_it():
    rows = make_chain(6)
    assert chain_verify(rows[3:], previous=(3, rows[2]["chain_hash"])).broken_at is None
    assert chain_verify(rows[3:], previous=(3, "f" * 64)).broken_at.chain_seq == 4
    assert chain_verify(rows[3:], previous=None).broken_at.reason == BROKEN_LINK  # its predecessor is gone


def test_an_empty_walk_checks_nothing():
    check = chain_verify([], previous=(0, GENESIS_HASH))
    assert (check.verified, check.broken_at, check.gaps) == (0, None, [])


# --- gaps -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("numbered", "gaps"),
    [
        ([], []),
        ([(1, 111111), (2, 111112), (3, 111113)], []),
        ([(3, 111113), (1, 111111), (2, 111112)], []),  # delivered out of order
        ([(1, 111111), (4, 111114)], [NumberGap("transaction_no", 2, 3), NumberGap("receipt_no", 111112, 111113)]),
        ([(1, 999998), (2, 999999), (3, 111111), (4, 111112)], []),  # the receipt counter rolls over
        ([(1, 999999), (2, 111111), (3, 111113)], [NumberGap("receipt_no", 111112, 111112)]),
        ([(7, 0), (8, 0)], []),  # no receipt number to follow
        ([(1, 10), (1, 10)], []),  # the same sale twice (never a gap)
    ],
)
def test_number_gaps(numbered, gaps):
    assert number_gaps(numbered) == gaps


def test_entries_without_a_transaction_number_never_make_gaps():
    rows = make_chain(3)
    for row in rows:  # opens, closes and cash movements carry no numbers
        row.update(transaction_no=None, receipt_no=None)
    previous = GENESIS_HASH
    for row in rows:
        row["chain_hash"] = previous = chain_hash(previous, row)
    assert chain_verify(rows, previous=(0, GENESIS_HASH)).gaps == []
