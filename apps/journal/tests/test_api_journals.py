"""``POST .../journals`` (spec/40 §4.4) and the journal search (§4.5), scenarios 14 and 15."""

from decimal import Decimal

import pytest
from django.db import connection

from apps.core.auth import encode_jwt
from apps.core.tenancy import tenant_context
from apps.journal.tests.factories import JournalEntryFactory, at
from tests.support import TENANT_A, TENANT_B, bearer, register_api_key

pytestmark = pytest.mark.django_db

SEARCH = f"/journal/api/v1/tenants/{TENANT_A}/stores/5678/journals"
RECEIVE = f"/journal/api/v1/tenants/{TENANT_A}/stores/5678/terminals/5555/journals"
DEFAULT_SORT = "terminal_no:1, business_date:1, receipt_no:1"


def entries(**fields):
    with tenant_context(TENANT_A):
        made = JournalEntryFactory(**fields)
    connection.set_schema_to_public()
    return made


@pytest.fixture
def d1_journal(tenant_a):
    """The journal of D1 (scenario 13) plus a second terminal and another store, written directly."""
    with tenant_context(TENANT_A):
        for number, kind in ((1001, 101), (1002, 101), (1003, 101), (1004, 102), (1005, 201)):
            moment = at(f"10:00:0{number % 10}")
            JournalEntryFactory(transaction_no=number, transaction_type=kind, generate_date_time=moment,
                                journal_text=f"取引 {number}\nCash \\550\n")
        for second, (kind, amount) in enumerate(((401, "1000"), (401, "2000"), (402, "-500"))):
            JournalEntryFactory(transaction_type=kind, transaction_no=None, receipt_no=None, amount=Decimal(amount),
                                quantity=0, generate_date_time=at(f"11:00:0{second}"), journal_text="入出金\n")
        JournalEntryFactory(transaction_type=301, transaction_no=None, receipt_no=None, amount=0, quantity=0,
                            generate_date_time=at("09:00:00"), journal_text="開設\n")
        JournalEntryFactory(transaction_type=302, transaction_no=None, receipt_no=None, amount=0, quantity=0,
                            generate_date_time=at("18:00:00"), journal_text="精算\n")
        JournalEntryFactory(terminal_no=6666, transaction_no=9, transaction_type=101, business_date="20250111",
                            generate_date_time="2025-01-11T10:00:00.000000+09:00", journal_text="foo bar\n")
        JournalEntryFactory(terminal_no=6666, transaction_no=10, transaction_type=101, business_date="20250111",
                            generate_date_time="2025-01-11T10:00:01.000000+09:00", journal_text="取引中止\n")
        JournalEntryFactory(store_code="9999", transaction_no=1001, transaction_type=101, journal_text="Cash\n")
    connection.set_schema_to_public()


def search(api, token, query="", path=SEARCH):
    return api.get(f"{path}?{query}", **bearer(token))


def receipt_numbers(response):
    return [row["receiptNo"] for row in response.json()["data"]]


# --- search ---------------------------------------------------------------------------------------------------
def test_scenario_14_sales_of_one_terminal_in_receipt_order(api, token_a, d1_journal):
    response = search(api, token_a, "terminals=5555&transaction_types=101")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and body["code"] == 200 and body["userError"] is None
    assert body["message"] == f"Journals found successfully. tenant_id: {TENANT_A}, store_code: 5678"
    assert body["operation"] == "get_journals"
    assert receipt_numbers(response) == [2001, 2002, 2003]
    assert body["metadata"] == {
        "total": 3, "page": 1, "limit": 100, "sort": DEFAULT_SORT,
        "filter": {"tenant_id": TENANT_A, "store_code": "5678", "terminal_no": {"$in": [5555]},
                   "transaction_type": {"$in": [101]}},
    }
    assert body["data"][0] == {
        "tenantId": TENANT_A, "storeCode": "5678", "terminalNo": 5555, "journalSeqNo": -1, "transactionNo": 1001,
        "transactionType": 101, "businessDate": "20250110", "openCounter": 1, "businessCounter": 1001,
        "generateDateTime": "2025-01-10T10:00:01.000000+09:00", "receiptNo": 2001, "amount": 550.0, "quantity": 3,
        "staffId": "S001", "userId": "admin", "content": "please refer to receipt_text field",
        "journalText": "取引 1001\nCash \\550\n", "receiptText": "<PrintData/>",
    }
    # only one end of a range: no date filter at all
    same = search(api, token_a, "terminals=5555&transaction_types=101&business_date_from=20250111")
    assert receipt_numbers(same) == [2001, 2002, 2003] and "business_date" not in same.json()["metadata"]["filter"]
    second_page = search(api, token_a, "terminals=5555&transaction_types=101&limit=2&page=2")
    assert receipt_numbers(second_page) == [2003]
    assert second_page.json()["metadata"]["total"] == 3 and second_page.json()["metadata"]["limit"] == 2


def test_default_order_is_terminal_date_receipt_with_null_receipts_first(api, token_a, d1_journal):
    response = search(api, token_a)
    types = [(row["terminalNo"], row["transactionType"], row["receiptNo"]) for row in response.json()["data"]]
    # terminal 5555: the five entries without a receipt number first, in insertion order, then receipts.
    assert types == [
        (5555, 401, None), (5555, 401, None), (5555, 402, None), (5555, 301, None), (5555, 302, None),
        (5555, 101, 2001), (5555, 101, 2002), (5555, 101, 2003), (5555, 102, 2004), (5555, 201, 2005),
        (6666, 101, 1009), (6666, 101, 1010),
    ]
    assert response.json()["metadata"]["total"] == 12  # store 9999 is never included


def test_keywords_are_case_sensitive_patterns_any_of_which_may_match(api, token_a, d1_journal):
    response = search(api, token_a, "keywords=foo&keywords=Cash")
    assert receipt_numbers(response) == [2001, 2002, 2003, 2004, 2005, 1009]
    assert response.json()["metadata"]["filter"]["journal_text"] == {"$regex": "foo|Cash"}
    assert search(api, token_a, "keywords=cash").json()["data"] == []
    assert receipt_numbers(search(api, token_a, "keywords=%5E%E5%8F%96%E5%BC%95%20100%5B13%5D")) == [2001, 2003]
    # a comma belongs to the pattern, it never splits keywords
    assert search(api, token_a, "keywords=foo,Cash").json()["metadata"]["total"] == 0


def test_each_range_applies_only_with_both_ends(api, token_a, d1_journal):
    by_date = search(api, token_a, "business_date_from=20250111&business_date_to=20250131")
    assert receipt_numbers(by_date) == [1009, 1010]
    assert by_date.json()["metadata"]["filter"]["business_date"] == {"$gte": "20250111", "$lte": "20250131"}
    # plain text comparison: "...T11:00:00.000000+09:00" < "...T11:00:01" < "...T11:00:01.000000+09:00"
    by_time = search(
        api, token_a, "generate_date_time_from=2025-01-10T10:00:02&generate_date_time_to=2025-01-10T11:00:01"
    )
    assert [row["transactionType"] for row in by_time.json()["data"]] == [401, 101, 101, 102, 201]
    assert receipt_numbers(by_time) == [None, 2002, 2003, 2004, 2005]
    by_receipt = search(api, token_a, "receipt_no_from=2002&receipt_no_to=2004")
    assert receipt_numbers(by_receipt) == [2002, 2003, 2004]
    # a zero end switches the receipt range off
    assert search(api, token_a, "receipt_no_from=0&receipt_no_to=2004").json()["metadata"]["total"] == 12


def test_transaction_types_and_terminals_accept_repeats_and_commas(api, token_a, d1_journal):
    response = search(api, token_a, "transaction_types=401,402&transaction_types=301")
    assert [row["transactionType"] for row in response.json()["data"]] == [401, 401, 402, 301]
    assert [row["amount"] for row in response.json()["data"]] == [1000.0, 2000.0, -500.0, 0.0]
    assert search(api, token_a, "terminals=6666,7777").json()["metadata"]["total"] == 2


def test_sort_by_any_storage_field_nulls_last_descending(api, token_a, d1_journal):
    response = search(api, token_a, "transaction_types=101,401&sort=receipt_no:-1")
    assert receipt_numbers(response) == [2003, 2002, 2001, 1010, 1009, None, None]
    assert response.json()["metadata"]["sort"] == "receipt_no:-1"
    camel = search(api, token_a, "transaction_types=101,401&sort=receiptNo:-1")
    assert receipt_numbers(camel) == receipt_numbers(response)
    two_keys = search(api, token_a, "transaction_types=101&sort=terminal_no:-1,generate_date_time:1")
    assert receipt_numbers(two_keys) == [1009, 1010, 2001, 2002, 2003]
    # a name Mongo would sort on as all-null changes nothing
    unknown = search(api, token_a, "transaction_types=101&sort=journal_seq_no:1")
    assert receipt_numbers(unknown) == [2001, 2002, 2003, 1009, 1010]


def test_limit_zero_returns_everything_and_an_empty_result_is_a_list(api, token_a, d1_journal):
    everything = search(api, token_a, "limit=0")
    assert len(everything.json()["data"]) == 12 and everything.json()["metadata"]["limit"] == 0
    empty = search(api, token_a, "transaction_types=-101")
    assert empty.status_code == 200 and empty.json()["data"] == [] and empty.json()["metadata"]["total"] == 0


@pytest.mark.parametrize(
    ("query", "location"),
    [("terminals=abc", "query -> terminals -> 0"), ("transaction_types=1,x", "query -> transaction_types -> 1"),
     ("receipt_no_from=first", "query -> receipt_no_from"), ("limit=ten", "query -> limit"),
     ("page=0", "query -> page"), ("sort=receipt_no", "query -> sort"), ("sort=receipt_no:2", "query -> sort")],
)
def test_bad_query_values_are_422(api, token_a, d1_journal, query, location):
    response = search(api, token_a, query)
    assert response.status_code == 422
    assert response.json()["user_error"]["code"] == "300001"
    assert response.json()["message"].startswith(f"Invalid input data: {location}: ")


@pytest.mark.parametrize(
    ("query", "message"),
    [(f"terminals={2**63}", "query -> terminals -> 0: Input should be less than or equal to 9223372036854775807"),
     (f"transaction_types=101,{2**63}",
      "query -> transaction_types -> 1: Input should be less than or equal to 9223372036854775807"),
     (f"terminals=-{2**63 + 1}",
      "query -> terminals -> 0: Input should be greater than or equal to -9223372036854775808"),
     (f"receipt_no_from=1&receipt_no_to={2**64}",
      "query -> receipt_no_to: Input should be less than or equal to 9223372036854775807")],
)
def test_numbers_beyond_the_bigint_columns_are_422_not_500(api, token_a, d1_journal, query, message):
    response = search(api, token_a, query)
    assert response.status_code == 422
    assert response.json()["user_error"]["code"] == "300001"
    assert response.json()["message"] == f"Invalid input data: {message}"


def test_a_keyword_postgres_cannot_compile_is_a_400_with_the_query_code(api, token_a, d1_journal):
    response = search(api, token_a, "keywords=(unclosed")
    assert response.status_code == 400
    body = response.json()
    assert body["user_error"] == {"code": "410004", "message": "ジャーナルの検索に失敗しました"}
    assert body["message"].startswith("Failed to query journals: keywords: invalid regular expression")


def test_search_is_limited_to_the_callers_tenant(api, token_a, token_b, d1_journal):
    mismatch = search(api, token_b)
    assert mismatch.status_code == 400 and mismatch.json()["user_error"]["code"] == "100000"
    own = search(api, token_b, path=f"/journal/api/v1/tenants/{TENANT_B}/stores/5678/journals")
    assert own.status_code == 200 and own.json()["data"] == []
    assert api.get(SEARCH).status_code == 401


def test_search_with_a_terminal_api_key_or_terminal_jwt(api, d1_journal):
    register_api_key(tenant_id=TENANT_A, terminal_id=f"{TENANT_A}-5678-5555", api_key="k" * 43)
    response = api.get(f"{SEARCH}?terminal_id={TENANT_A}-5678-5555&transaction_types=101&terminals=5555",
                       HTTP_X_API_KEY="k" * 43)
    assert response.status_code == 200 and receipt_numbers(response) == [2001, 2002, 2003]
    from apps.core.tenancy import tenant_context as _in_tenant
    from apps.terminal.tests.factories import TerminalFactory

    with _in_tenant(TENANT_A):  # a terminal JWT works while its terminal exists (issue #20)
        TerminalFactory(store_code="5678", terminal_no=5555)
    terminal_jwt = encode_jwt({"sub": f"terminal:{TENANT_A}-5678-5555", "tenant_id": TENANT_A, "store_code": "5678",
                               "terminal_no": 5555, "terminal_id": f"{TENANT_A}-5678-5555", "token_type": "terminal",
                               "status": "Opened", "exp": 4102444800})
    assert search(api, terminal_jwt, "terminals=5555").json()["metadata"]["total"] == 10


def test_search_list_query_count_does_not_grow_with_rows(api, token_a, d1_journal, django_assert_max_num_queries):
    # tenant lookup, count, page (plus django-tenants' SET search_path and the savepoint around the reads)
    with django_assert_max_num_queries(10) as few:
        assert len(search(api, token_a, "limit=0").json()["data"]) == 12
    with tenant_context(TENANT_A):
        JournalEntryFactory.create_batch(40)
    connection.set_schema_to_public()
    with django_assert_max_num_queries(10) as many:
        assert len(search(api, token_a, "limit=0").json()["data"]) == 52
    assert len(many.captured_queries) == len(few.captured_queries)
    journal_reads = [query["sql"] for query in many.captured_queries if "journal_journalentry" in query["sql"]]
    assert len(journal_reads) == 2  # one count, one page


# --- POST journals --------------------------------------------------------------------------------------------
SNAKE_BODY = {
    "tenant_id": TENANT_A, "store_code": "5678", "terminal_no": 5555, "transaction_type": 101,
    "business_date": "20260101", "open_counter": 1, "business_counter": 1, "generate_date_time": "20260101T120000",
    "journal_text": "j", "receipt_text": "r",
}
CAMEL_BODY = {
    "tenantId": TENANT_A, "storeCode": "5678", "terminalNo": 5555, "transactionType": 101,
    "businessDate": "20260101", "openCounter": 1, "businessCounter": 1, "generateDateTime": "20260101T120000",
    "journalText": "j", "receiptText": "r",
}


@pytest.mark.parametrize("body", [SNAKE_BODY, CAMEL_BODY], ids=["snake", "camel"])
def test_scenario_15_post_journal_answers_201_with_code_200_and_snake_data(api, token_a, stored, body):
    response = api.post(RECEIVE, body, format="json", **bearer(token_a))
    assert response.status_code == 201
    payload = response.json()
    assert payload["code"] == 200 and payload["success"] is True and payload["userError"] is None
    assert payload["message"] == (
        f"Transaction received successfully. tenant_id: {TENANT_A}, store_code: 5678, terminal_no: 5555"
    )
    assert payload["operation"] == "receive_journals" and payload["metadata"] is None
    assert payload["data"] == {
        "tenant_id": TENANT_A, "store_code": "5678", "terminal_no": 5555, "journal_seq_no": -1, "transaction_no": None,
        "transaction_type": 101, "business_date": "20260101", "open_counter": 1, "business_counter": 1,
        "generate_date_time": "20260101T120000", "receipt_no": None, "amount": 0.0, "quantity": 0, "staff_id": None,
        "user_id": None, "content": "please refer to receipt_text field", "journal_text": "j", "receipt_text": "r",
    }
    again = api.post(RECEIVE, {**body, "journal_seq_no": 77}, format="json", **bearer(token_a))
    assert again.status_code == 201 and again.json()["data"]["journal_seq_no"] == -1
    [entry] = stored()
    assert (entry.transaction_type, entry.generate_date_time, entry.journal_text) == (101, "20260101T120000", "j")


def test_posting_the_same_key_keeps_the_first_version(api, token_a, stored):
    api.post(RECEIVE, {**SNAKE_BODY, "amount": 550, "receipt_no": 2001}, format="json", **bearer(token_a))
    later = api.post(RECEIVE, {**SNAKE_BODY, "journal_text": "changed", "amount": 1}, format="json",
                     **bearer(token_a))
    assert later.status_code == 201 and later.json()["data"]["journal_text"] == "changed"  # echoed as submitted
    [entry] = stored()
    assert (entry.journal_text, entry.amount, entry.receipt_no) == ("j", Decimal("550"), 2001)


def test_the_path_terminal_is_ignored_for_storage(api, token_a, stored):
    path = f"/journal/api/v1/tenants/{TENANT_A}/stores/5678/terminals/1/journals"
    response = api.post(path, {**SNAKE_BODY, "staff_id": "S001", "user_id": "u1", "amount": 12.5, "quantity": 2},
                        format="json", **bearer(token_a))
    assert response.json()["message"].endswith("terminal_no: 1")
    [entry] = stored()
    assert (entry.terminal_no, entry.staff_id, entry.user_id, entry.amount, entry.quantity) == (
        5555, "S001", "u1", Decimal("12.5"), 2)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"journal_text": None}, "Invalid input data: body -> journalText: Input should not be null"),
        ({"terminal_no": "abc"}, "Invalid input data: body -> terminalNo: A valid integer is required."),
        ({"store_code": 5678}, "Invalid input data: body -> storeCode: Input should be a valid string"),
        ({"amount": "much"}, "Invalid input data: body -> amount: Input should be a valid number"),
    ],
)
def test_bad_post_bodies_are_422_and_write_nothing(api, token_a, stored, change, message):
    response = api.post(RECEIVE, {**SNAKE_BODY, **change}, format="json", **bearer(token_a))
    assert response.status_code == 422
    assert response.json()["message"] == message and response.json()["user_error"]["code"] == "300001"
    assert stored() == []


def test_missing_journal_text_is_422(api, token_a, stored):
    body = {key: value for key, value in CAMEL_BODY.items() if key != "journalText"}
    response = api.post(RECEIVE, body, format="json", **bearer(token_a))
    assert response.status_code == 422
    assert response.json()["message"] == "Invalid input data: body -> journalText: Field required"
    assert stored() == []


def test_an_entry_naming_another_tenant_is_refused(api, token_a, stored):
    response = api.post(RECEIVE, {**SNAKE_BODY, "tenant_id": TENANT_B}, format="json", **bearer(token_a))
    assert response.status_code == 400
    assert response.json()["user_error"] == {
        "code": "410002", "message": "ジャーナルのバリデーションエラーが発生しました"
    }
    assert stored() == [] and stored(TENANT_B) == []


def test_post_checks_auth_then_body_then_path_tenant(api, token_a, stored):
    assert api.post(RECEIVE, {}, format="json").status_code == 401
    path_b = f"/journal/api/v1/tenants/{TENANT_B}/stores/5678/terminals/5555/journals"
    assert api.post(path_b, {}, format="json", **bearer(token_a)).status_code == 422
    mismatch = api.post(path_b, SNAKE_BODY, format="json", **bearer(token_a))
    assert mismatch.status_code == 400 and mismatch.json()["user_error"]["code"] == "100000"
    assert stored() == []


def test_a_storage_fault_is_a_500_with_the_journal_code(api, token_a, stored, refusing_storage):
    response = api.post(RECEIVE, SNAKE_BODY, format="json", **bearer(token_a))
    assert response.status_code == 500
    body = response.json()
    assert body["user_error"] == {"code": "410003", "message": "ジャーナルの作成に失敗しました"}
    assert body["message"].startswith("Failed to create journal: tenant_id->T1001 store_code->5678 terminal_no->5555")
    assert body["operation"] == "app_exception_handler" and body["data"] is None
    refusing_storage()
    assert stored() == []
