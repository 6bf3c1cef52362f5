"""``GET .../terminals/{terminal_no}/journals/verify`` (issue #24): every way in appends to the terminal's hash
chain, and an entry changed or removed in the database is named."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.core import events
from apps.core.tenancy import tenant_context
from apps.journal.chain import GENESIS_HASH, chain_hash
from apps.journal.models import JournalChain, JournalEntry
from apps.journal.tests.factories import JournalEntryFactory, d1_events
from tests.log_factories import TranlogFactory as TranlogPayloadFactory
from tests.log_factories import at
from tests.support import TENANT_A, bearer, register_api_key

pytestmark = pytest.mark.django_db

BASE = f"/journal/api/v1/tenants/{TENANT_A}/stores/5678/terminals"
VERIFY = f"{BASE}/5555/journals/verify"


@pytest.fixture
def d1(tenant_a):
    """Base day D1 through the real consumer: open, sales 1001-1005 (receipts 2001-2005), three cash
    movements, close: chain positions 1-10."""
    for event_type, payload in d1_events():
        assert events.event_consume(service="journal", event_type=event_type, payload=payload)


def verify(api, token, query="", path=VERIFY):
    response = api.get(f"{path}?{query}", **bearer(token))
    assert response.status_code == 200, response.content
    return response.json()["data"]


def tamper(sql: str, *params) -> None:
    """Change the journal behind the application's back, as someone with database access would."""
    with tenant_context(TENANT_A), connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.rowcount == 1
    connection.set_schema_to_public()


def test_an_untouched_journal_verifies(api, token_a, d1):
    response = api.get(VERIFY, **bearer(token_a))
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == 200 and body["operation"] == "verify_journals"
    data = body["data"]
    assert data["verified"] == 10 and data["brokenAt"] is None and data["gaps"] == []
    assert data["terminalNo"] == 5555 and data["storeCode"] == "5678" and data["lastJournalSeq"] == 10
    with tenant_context(TENANT_A):
        rows = list(JournalEntry.objects.order_by("chain_seq").values_list("chain_seq", "transaction_type"))
        head = JournalChain.objects.get(store_code="5678", terminal_no=5555)
    connection.set_schema_to_public()
    # journal order is the order the logs arrived in: open first, close last
    assert rows[0] == (1, 301) and rows[-1] == (10, 302) and [seq for seq, _ in rows] == list(range(1, 11))
    assert (head.last_seq, head.last_hash) == (10, data["lastHash"])


def test_the_stored_hash_is_the_documented_one(d1):
    with tenant_context(TENANT_A):
        first, second = JournalEntry.objects.order_by("chain_seq")[:2]
    connection.set_schema_to_public()
    fields = ("tenant_id", "store_code", "terminal_no", "transaction_no", "transaction_type", "business_date",
              "open_counter", "business_counter", "generate_date_time", "receipt_no", "amount", "quantity",
              "staff_id", "user_id", "journal_text", "receipt_text", "created_at", "chain_seq")
    assert first.chain_hash == chain_hash(GENESIS_HASH, {name: getattr(first, name) for name in fields})
    assert second.chain_hash == chain_hash(first.chain_hash, {name: getattr(second, name) for name in fields})


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        ("UPDATE journal_journalentry SET journal_text = journal_text || 'x' WHERE transaction_no = %s", [1003]),
        ("UPDATE journal_journalentry SET amount = amount - 1 WHERE transaction_no = %s", [1003]),
        ("UPDATE journal_journalentry SET business_date = '20250109' WHERE transaction_no = %s", [1003]),
        ("UPDATE journal_journalentry SET generate_date_time = '2025-01-10T09:59:59.000000+09:00' "
         "WHERE transaction_no = %s", [1003]),
    ],
    ids=["text", "amount", "business date", "generate time"],
)
def test_a_changed_entry_is_named_exactly(api, token_a, d1, sql, params):
    tamper(sql, *params)
    data = verify(api, token_a)
    assert data["verified"] == 10
    assert data["brokenAt"] == {
        "journalSeq": 4, "transactionNo": 1003, "receiptNo": 2003, "transactionType": 101,
        "generateDateTime": data["brokenAt"]["generateDateTime"], "reason": "hash_mismatch",
    }
    assert data["gaps"] == []


def test_a_changed_cash_entry_is_named(api, token_a, d1):
    tamper("UPDATE journal_journalentry SET amount = -50 WHERE transaction_type = 402")
    broken = verify(api, token_a)["brokenAt"]
    assert (broken["journalSeq"], broken["transactionType"], broken["transactionNo"]) == (9, 402, None)


def test_a_removed_entry_is_reported_as_a_gap_and_a_broken_link(api, token_a, d1):
    tamper("DELETE FROM journal_journalentry WHERE transaction_no = %s", 1002)
    data = verify(api, token_a)
    assert data["verified"] == 9
    assert data["gaps"] == [{"number": "transactionNo", "from": 1002, "to": 1002},
                            {"number": "receiptNo", "from": 2002, "to": 2002}]
    assert data["brokenAt"]["journalSeq"] == 4 and data["brokenAt"]["transactionNo"] == 1003
    assert data["brokenAt"]["reason"] == "previous_missing"


def test_a_removed_last_entry_is_found_through_the_chain_head(api, token_a, d1):
    tamper("DELETE FROM journal_journalentry WHERE transaction_type = 302")
    data = verify(api, token_a)
    assert data["verified"] == 9 and data["gaps"] == []
    assert data["brokenAt"] == {"journalSeq": 10, "transactionNo": None, "receiptNo": None, "transactionType": None,
                                "generateDateTime": None, "reason": "tail_missing"}


def test_every_way_in_appends_to_the_same_chain(api, token_a, tenant_a, service_token_a):
    """The consumer, the pub/sub receiver, the direct tranlog receiver and ``POST .../journals`` share one chain;
    a repeated entry takes no place in it."""
    consumed = TranlogPayloadFactory(transaction_no=1, receipt_no=11, generate_date_time=at("10:00:01"))
    events.event_consume(service="journal", event_type="tranlog", payload=consumed)
    pushed = TranlogPayloadFactory(transaction_no=2, receipt_no=12, generate_date_time=at("10:00:02"))
    assert api.post("/journal/api/v1/tranlog", {"data": pushed}, format="json",
                    **bearer(service_token_a)).json()[0]["status"] == "SUCCESS"
    direct = TranlogPayloadFactory(transaction_no=3, receipt_no=13, generate_date_time=at("10:00:03"))
    assert api.post(f"{BASE}/5555/transactions", direct, format="json", **bearer(token_a)).status_code == 201
    entry = {"tenant_id": TENANT_A, "store_code": "5678", "terminal_no": 5555, "transaction_no": 4,
             "transaction_type": 101, "business_date": "20250110", "open_counter": 1, "business_counter": 1001,
             "generate_date_time": at("10:00:04"), "receipt_no": 14, "amount": 550.5, "journal_text": "j",
             "receipt_text": "r"}
    for _ in range(2):
        assert api.post(f"{BASE}/5555/journals", entry, format="json", **bearer(token_a)).status_code == 201
    data = verify(api, token_a)
    assert (data["verified"], data["brokenAt"], data["gaps"], data["lastJournalSeq"]) == (4, None, [], 4)


def test_terminals_have_chains_of_their_own(api, token_a, tenant_a):
    with tenant_context(TENANT_A):
        for number in (1, 2):
            JournalEntryFactory(terminal_no=1, transaction_no=number, receipt_no=number)
            JournalEntryFactory(terminal_no=2, transaction_no=number, receipt_no=number)
        JournalEntryFactory(store_code="9999", terminal_no=1, transaction_no=7)
        seqs = sorted(JournalEntry.objects.values_list("store_code", "terminal_no", "chain_seq"))
    connection.set_schema_to_public()
    assert seqs == [("5678", 1, 1), ("5678", 1, 2), ("5678", 2, 1), ("5678", 2, 2), ("9999", 1, 1)]
    assert verify(api, token_a, path=f"{BASE}/1/journals/verify")["verified"] == 2
    assert verify(api, token_a, path=f"{BASE}/3/journals/verify") == {
        "tenantId": TENANT_A, "storeCode": "5678", "terminalNo": 3, "businessDateFrom": None, "businessDateTo": None,
        "verified": 0, "brokenAt": None, "gaps": [], "lastJournalSeq": None, "lastHash": None,
    }


# --- business date range --------------------------------------------------------------------------------------
@pytest.fixture
def three_days(tenant_a):
    """Terminal 5555: transactions 1-3 on the 10th, 4-6 on the 11th, 7-9 on the 12th (receipts = numbers)."""
    with tenant_context(TENANT_A):
        for number in range(1, 10):
            day = 10 + (number - 1) // 3
            JournalEntryFactory(transaction_no=number, receipt_no=number, business_date=f"202501{day}",
                                generate_date_time=f"2025-01-{day}T10:00:0{number}.000000+09:00")
    connection.set_schema_to_public()


@pytest.mark.parametrize(
    ("query", "verified"),
    [
        ("business_date_from=20250111&business_date_to=20250111", 3),
        ("business_date_from=20250111", 6),
        ("business_date_to=20250110", 3),
        ("business_date_from=20250201", 0),
        ("", 9),
    ],
)
def test_a_range_walks_its_stretch_of_the_chain(api, token_a, three_days, query, verified):
    data = verify(api, token_a, query)
    assert (data["verified"], data["brokenAt"], data["gaps"]) == (verified, None, [])


def test_a_range_names_what_is_wrong_inside_it_and_only_that(api, token_a, three_days):
    tamper("UPDATE journal_journalentry SET journal_text = 'forged' WHERE transaction_no = 8")
    assert verify(api, token_a, "business_date_from=20250111&business_date_to=20250111")["brokenAt"] is None
    assert verify(api, token_a, "business_date_from=20250112")["brokenAt"]["transactionNo"] == 8
    tamper("DELETE FROM journal_journalentry WHERE transaction_no = 5")
    data = verify(api, token_a, "business_date_from=20250111&business_date_to=20250111")
    assert data["gaps"] == [{"number": "transactionNo", "from": 5, "to": 5},
                            {"number": "receiptNo", "from": 5, "to": 5}]
    assert data["brokenAt"]["transactionNo"] == 6


def test_a_range_notices_the_entry_before_it_removed(api, token_a, three_days):
    tamper("DELETE FROM journal_journalentry WHERE transaction_no = 3")
    broken = verify(api, token_a, "business_date_from=20250111")["brokenAt"]
    assert (broken["journalSeq"], broken["reason"]) == (4, "previous_missing")
    broken = verify(api, token_a, "business_date_to=20250110")["brokenAt"]  # its last entry's successor is gone
    assert (broken["journalSeq"], broken["reason"]) == (3, "tail_missing")


def test_a_range_notices_the_entry_after_it_removed(api, token_a, three_days):
    tamper("DELETE FROM journal_journalentry WHERE transaction_no = 7")
    broken = verify(api, token_a, "business_date_from=20250111&business_date_to=20250111")["brokenAt"]
    assert (broken["journalSeq"], broken["reason"]) == (7, "tail_missing")


# --- input and access -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "query", "where"),
    [
        (f"{BASE}/x/journals/verify", "", ["path", "terminal_no"]),
        (VERIFY, "business_date_from=2025-01-10", ["query", "business_date_from"]),
        (VERIFY, "business_date_to=yesterday", ["query", "business_date_to"]),
        (VERIFY, "business_date_from=20250112&business_date_to=20250110", ["query", "business_date_from"]),
    ],
)
def test_bad_input_is_a_422_naming_it(api, token_a, tenant_a, path, query, where):
    response = api.get(f"{path}?{query}", **bearer(token_a))
    assert response.status_code == 422
    body = response.json()
    assert body["user_error"]["code"] == "300001"
    assert " -> ".join(where) in body["message"]


def test_verify_needs_a_credential_of_the_tenant(api, token_a, token_b, d1):
    assert api.get(VERIFY).status_code == 401
    mismatch = api.get(VERIFY, **bearer(token_b))
    assert mismatch.status_code == 400 and mismatch.json()["user_error"]["code"] == "100000"


def test_a_terminal_may_verify_with_its_api_key(api, d1):
    register_api_key(tenant_id=TENANT_A, terminal_id=f"{TENANT_A}-5678-5555", api_key="k" * 43)
    response = api.get(f"{VERIFY}?terminal_id={TENANT_A}-5678-5555", HTTP_X_API_KEY="k" * 43)
    assert response.status_code == 200 and response.json()["data"]["verified"] == 10


def test_verify_reads_in_a_fixed_number_of_queries(api, token_a, tenant_a, django_assert_max_num_queries):
    with tenant_context(TENANT_A):
        for number in range(1, 6):
            JournalEntryFactory(transaction_no=number, receipt_no=number)
    connection.set_schema_to_public()
    with django_assert_max_num_queries(12) as few:
        verify(api, token_a)
    with tenant_context(TENANT_A):
        JournalEntryFactory.create_batch(30)
    connection.set_schema_to_public()
    with django_assert_max_num_queries(12) as many:
        assert verify(api, token_a)["verified"] == 35
    assert len(many.captured_queries) == len(few.captured_queries)


def test_verify_is_in_the_api_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"][
        "/journal/api/v1/tenants/{tenant_id}/stores/{store_code}/terminals/{terminal_no}/journals/verify"]["get"]
    names = {param["name"] for param in operation["parameters"]}
    assert {"tenant_id", "store_code", "terminal_no", "business_date_from", "business_date_to"} <= names
    assert operation["security"] == [{"bearerAuth": []}, {"apiKeyAuth": [], "terminalIdAuth": []}]
