"""The back office's transactions (issue #22): the page, its Void and Return buttons (the API's services, same
writes), who may act, the list's filters and its CSV export."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.test import Client

from apps.account import roles
from apps.account.models import User
from apps.cart.models import Transaction, TransactionStatus
from apps.core.models import EventRecord
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A, bearer

from .conftest import STORE, TERMINAL_NO, set_up_store

pytestmark = pytest.mark.django_db

BASE = f"/t/{TENANT_A}/admin/cart/transaction/"


def _user(username: str, group: str, stores: list[str]) -> None:
    with tenant_context(TENANT_A):
        user = User.objects.create_user(username, "pw-12345", tenant_id=TENANT_A, is_staff=True, stores=stores)
        user.groups.add(Group.objects.get(name=group))


def _client(username: str, password: str = "pw-12345") -> Client:
    client = Client()
    response = client.post(f"/t/{TENANT_A}/admin/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture
def manager(pos) -> Client:
    _user("manager", roles.STORE_MANAGER, [STORE])
    return _client("manager")


@pytest.fixture
def clerk(pos) -> Client:
    _user("clerk", roles.CLERK, [STORE])
    return _client("clerk")


@pytest.fixture
def stranger(pos) -> Client:
    """A store manager of another store."""
    _user("stranger", roles.STORE_MANAGER, ["OTHER"])
    return _client("stranger")


def _stored(transaction_no: int, terminal_no: int = TERMINAL_NO) -> Transaction:
    with tenant_context(TENANT_A):
        return Transaction.objects.get(store_code=STORE, terminal_no=terminal_no, transaction_no=transaction_no)


def _refund(*rows, total_forms: int | None = None) -> dict:
    data = {"refund-TOTAL_FORMS": str(total_forms or len(rows)), "refund-INITIAL_FORMS": "0",
            "refund-MIN_NUM_FORMS": "0", "refund-MAX_NUM_FORMS": "10"}
    for index, (code, amount) in enumerate(rows):
        data[f"refund-{index}-payment_code"] = code
        data[f"refund-{index}-amount"] = str(amount)
    return data


def _shape(document: dict) -> dict:
    """What a void/return must equal whoever made it: everything but numbers, times and ids."""
    varying = {"transaction_no", "receipt_no", "generate_date_time", "receipt_text", "journal_text", "event_id"}
    shaped = {key: value for key, value in document.items() if key not in varying}
    shaped["sales"] = {k: v for k, v in document["sales"].items() if k != "reference_date_time"}
    shaped["origin"] = {k: v for k, v in document["origin"].items()
                        if k not in ("transaction_no", "receipt_no", "generate_date_time")}
    return shaped


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# --- the page ---------------------------------------------------------------------------------------------------
def test_the_page_shows_header_lines_payments_taxes_receipt_and_journal_link(pos, manager,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sale = pos.sell(("49-01", 2), ("49-02", 1), payments=(("01", 2000),))
    original = _stored(sale["transactionNo"])
    page = manager.get(f"{BASE}{original.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("49-01", "Item 49-01", "49-02", "¥1,320", "¥2,000", "¥680", "S001", "Staff", "Cash",
                  "Receipt no.", str(sale["receiptNo"]), "領 収 証", 'id="void-button"', 'id="return-button"'):
        assert shown in text, shown
    assert 'id="journal-link"' in text  # the journal received it (eager Celery)
    assert "/admin/journal/journalentry/" in text


def test_a_clerk_sees_the_page_without_buttons_and_cannot_act(pos, clerk):
    sale = pos.sell(("49-01", 1))
    original = _stored(sale["transactionNo"])
    page = clerk.get(f"{BASE}{original.pk}/change/")
    assert page.status_code == 200
    assert b'id="void-button"' not in page.content and b'id="return-button"' not in page.content
    assert clerk.get(f"{BASE}{original.pk}/void/").status_code == 403
    assert clerk.post(f"{BASE}{original.pk}/void/", _refund(("01", 110))).status_code == 403
    assert clerk.post(f"{BASE}{original.pk}/return/", _refund(("01", 110))).status_code == 403
    with tenant_context(TENANT_A):
        assert Transaction.objects.count() == 1 and not TransactionStatus.objects.filter(is_voided=True).exists()


def test_a_manager_of_another_store_neither_sees_nor_acts(pos, stranger):
    sale = pos.sell(("49-01", 1))
    original = _stored(sale["transactionNo"])
    listing = stranger.get(BASE)
    assert listing.status_code == 200 and listing.context["cl"].result_count == 0
    assert stranger.get(f"{BASE}{original.pk}/change/").status_code == 404
    assert stranger.post(f"{BASE}{original.pk}/void/", _refund(("01", 110))).status_code == 404
    assert stranger.get(f"{BASE}export/").content.decode().count("\n") == 1  # the header only
    with tenant_context(TENANT_A):
        assert Transaction.objects.count() == 1


# --- void and return: the API's services, the same writes ---------------------------------------------------------
def test_a_void_from_the_page_writes_what_the_api_void_writes(pos, manager, api, token_a,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        by_api = pos.sell(("49-01", 2))
        by_page = pos.sell(("49-01", 2))
        response = pos.post(pos.transactions_path(f"/{by_api['transactionNo']}/void"),
                            [{"paymentCode": "01", "amount": 220}])
        assert response.status_code == 200
        original = _stored(by_page["transactionNo"])
        form = manager.get(f"{BASE}{original.pk}/void/")
        assert form.status_code == 200 and b'value="220"' in form.content  # the original's payment, prefilled
        done = manager.post(f"{BASE}{original.pk}/void/", _refund(("01", 220)))
    assert done.status_code == 302 and done["Location"].endswith(f"/{original.pk}/change/")
    with tenant_context(TENANT_A):
        voids = list(Transaction.objects.filter(transaction_type=201).order_by("transaction_no"))
        assert len(voids) == 2
        api_void, page_void = voids
        assert _shape(page_void.document) == _shape(api_void.document)
        assert page_void.document["origin"]["transaction_no"] == by_page["transactionNo"]
        status = TransactionStatus.objects.get(transaction_no=by_page["transactionNo"])
        assert status.is_voided and status.void_transaction_no == page_void.transaction_no
        events = EventRecord.objects.filter(event_type="tranlog", transaction_no=page_void.transaction_no)
        assert events.count() == 1
        record = events.get()
        assert record.payload["transaction_type"] == 201 and record.event_id == page_void.event_id
        log = LogEntry.objects.filter(object_id=str(original.pk)).latest("action_time")
        assert log.user.username == "manager" and "Voided" in log.get_change_message()
        assert LogEntry.objects.filter(object_id=str(page_void.pk)).exists()
    auth = bearer(token_a)
    # the journal has the void, the report counts it, stock is back
    journal = api.get(f"/journal/api/v1/tenants/{TENANT_A}/stores/{STORE}/journals?transaction_types=201",
                      **auth).json()["data"]
    assert sorted(entry["transactionNo"] for entry in journal) == [api_void.transaction_no,
                                                                   page_void.transaction_no]
    stock = api.get(f"/stock/api/v1/tenants/{TENANT_A}/stores/{STORE}/stock/49-01", **auth).json()["data"]
    assert stock["currentQuantity"] == 0
    report = api.get(f"/report/api/v1/tenants/{TENANT_A}/stores/{STORE}/reports?report_scope=flash"
                     f"&report_type=sales&business_date={original.business_date}", **auth).json()["data"]
    assert report["salesGross"]["count"] == 0 and report["salesNet"]["amount"] == 0.0
    page = manager.get(done["Location"])
    assert "Voided" in page.content.decode() and b'id="void-button"' not in page.content
    assert f"{BASE}{page_void.pk}/change/".encode() in page.content  # linked to its void
    void_page = manager.get(f"{BASE}{page_void.pk}/change/")
    assert f"{BASE}{original.pk}/change/".encode() in void_page.content  # and the void to the original


def test_a_return_from_the_page_at_another_terminal_with_another_payment(pos, manager, api, token_a,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        second = set_up_store(api, token_a, terminal_no=2, items=None)
        sale = pos.sell(("49-01", 3))
        original = _stored(sale["transactionNo"])
        form = manager.get(f"{BASE}{original.pk}/return/")
        assert form.status_code == 200 and b'name="terminal_no"' in form.content
        done = manager.post(f"{BASE}{original.pk}/return/",
                            {"terminal_no": "2", **_refund(("11", 200), ("01", 130))})
    assert done.status_code == 302, _messages(done)
    with tenant_context(TENANT_A):
        returned = Transaction.objects.get(transaction_type=102)
        assert returned.terminal_no == second.terminal_no
        assert [(p["payment_code"], Decimal(p["amount"])) for p in returned.document["payments"]] == [
            ("11", 200), ("01", 130)]
        assert TransactionStatus.objects.get(transaction_no=sale["transactionNo"], terminal_no=TERMINAL_NO).is_refunded
    stock = api.get(f"/stock/api/v1/tenants/{TENANT_A}/stores/{STORE}/stock/49-01", **bearer(token_a)).json()["data"]
    assert stock["currentQuantity"] == 0
    # the API sees it as returned
    assert pos.ok("get", pos.transactions_path(f"/{sale['transactionNo']}"))["status"]["isRefunded"] is True


@pytest.mark.parametrize("rows, expected", [
    ((("01", 500),), "300001"),  # not the original's amount
    ((("11", 110),), "300001"),  # not the original's payment method
])
def test_a_void_the_api_refuses_is_refused_with_a_message_and_changes_nothing(pos, manager, rows, expected):
    sale = pos.sell(("49-01", 1))
    original = _stored(sale["transactionNo"])
    response = manager.post(f"{BASE}{original.pk}/void/", _refund(*rows))
    assert response.status_code == 400
    assert expected in _messages(response) and "Nothing was changed" in _messages(response)
    with tenant_context(TENANT_A):
        assert Transaction.objects.count() == 1 and not TransactionStatus.objects.filter(is_voided=True).exists()
        assert not LogEntry.objects.exists()


def test_voiding_twice_is_refused_as_the_api_refuses_it(pos, manager):
    sale = pos.sell(("49-01", 1))
    original = _stored(sale["transactionNo"])
    assert manager.post(f"{BASE}{original.pk}/void/", _refund(("01", 110))).status_code == 302
    again = manager.post(f"{BASE}{original.pk}/void/", _refund(("01", 110)))
    assert again.status_code == 400 and "already been voided" in _messages(again) and "403005" in _messages(again)
    returned = manager.post(f"{BASE}{original.pk}/return/", {"terminal_no": str(TERMINAL_NO), **_refund(("01", 110))})
    assert returned.status_code == 400 and "403005" in _messages(returned)
    with tenant_context(TENANT_A):
        assert Transaction.objects.filter(transaction_type=201).count() == 1
        assert not Transaction.objects.filter(transaction_type=102).exists()


def test_a_void_at_a_closed_terminal_is_refused(pos, manager):
    sale = pos.sell(("49-01", 1))
    original = _stored(sale["transactionNo"])
    closed = pos.client.post(f"/terminal/api/v1/terminals/{pos.terminal_id}/close", {}, format="json",
                             HTTP_X_API_KEY=pos.api_key)
    assert closed.status_code == 200, closed.content
    response = manager.post(f"{BASE}{original.pk}/void/", _refund(("01", 110)))
    assert response.status_code == 400
    assert "not open" in _messages(response) and "404001" in _messages(response)
    with tenant_context(TENANT_A):
        assert not Transaction.objects.filter(transaction_type=201).exists()


@pytest.mark.parametrize("data", [
    {},  # no management form
    _refund(),  # no refund rows
    _refund(("01", "abc")),
    _refund(("01", -110)),
    _refund(("01", 2**40)),
    _refund(("XX", 110)),  # not a payment method
    _refund(("", 110)),
])
def test_bad_refund_forms_are_400_with_a_message(pos, manager, data):
    sale = pos.sell(("49-01", 1))
    original = _stored(sale["transactionNo"])
    response = manager.post(f"{BASE}{original.pk}/void/", data)
    assert response.status_code == 400
    assert "Nothing was changed" in _messages(response)
    with tenant_context(TENANT_A):
        assert Transaction.objects.count() == 1


def test_a_return_needs_a_terminal_of_the_store(pos, manager):
    sale = pos.sell(("49-01", 1))
    original = _stored(sale["transactionNo"])
    for terminal in ("77", "x", ""):
        response = manager.post(f"{BASE}{original.pk}/return/", {"terminal_no": terminal, **_refund(("01", 110))})
        assert response.status_code == 400
    with tenant_context(TENANT_A):
        assert Transaction.objects.count() == 1


def test_cancelled_sales_and_voids_offer_no_buttons(pos, manager):
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    cancelled = pos.ok("post", f"/carts/{cart_id}/cancel")
    page = manager.get(f"{BASE}{_stored(cancelled['transactionNo']).pk}/change/")
    assert page.status_code == 200 and b'id="void-button"' not in page.content
    sale = pos.sell(("49-01", 1))
    manager.post(f"{BASE}{_stored(sale['transactionNo']).pk}/void/", _refund(("01", 110)))
    with tenant_context(TENANT_A):
        void = Transaction.objects.get(transaction_type=201)
    page = manager.get(f"{BASE}{void.pk}/change/")
    assert b'id="void-button"' not in page.content and b'id="return-button"' not in page.content
    response = manager.post(f"{BASE}{void.pk}/void/", _refund(("01", 110)))
    assert response.status_code == 400 and "300001" in _messages(response)


# --- the list: filters, search, CSV ---------------------------------------------------------------------------------
@pytest.fixture
def three_sales(pos, manager):
    first = pos.sell(("49-01", 1))  # 110
    second = pos.sell(("49-02", 2))  # 2,200
    third = pos.sell(("49-03", 1), ("49-01", 1), payments=(("11", 715),))  # 605 + 110
    manager.post(f"{BASE}{_stored(second['transactionNo']).pk}/void/", _refund(("01", 2200)))
    return first, second, third


def _found(client: Client, query: str) -> list[int]:
    response = client.get(BASE + query)
    assert response.status_code == 200, query
    return sorted(row.transaction_no for row in response.context["cl"].result_list)


def test_each_filter_of_the_list(pos, manager, three_sales):
    first, second, third = (sale["transactionNo"] for sale in three_sales)
    void = second + 2  # numbered after the third sale
    assert _found(manager, "") == [first, second, third, void]
    assert _found(manager, f"?receipt_no={three_sales[0]['receiptNo']}") == [first]
    assert _found(manager, f"?transaction_no={third}") == [third]
    assert _found(manager, f"?q={three_sales[2]['receiptNo']}") == [third]
    assert _found(manager, "?item_code=49-01") == [first, third]
    assert _found(manager, "?item_code=49-02") == [second, void]
    assert _found(manager, "?amount_min=500&amount_max=1000") == [third]
    assert _found(manager, "?amount_min=2000") == [second, void]
    assert _found(manager, f"?terminal_no={TERMINAL_NO}") == [first, second, third, void]
    assert _found(manager, "?terminal_no=3") == []
    assert _found(manager, "?staff=S001") == [first, second, third, void]
    assert _found(manager, "?staff=S999") == []
    assert _found(manager, "?transaction_type__exact=201") == [void]
    assert _found(manager, "?status=voided") == [second]
    assert _found(manager, "?status=active") == [first, third, void]
    assert _found(manager, "?status=returned") == []
    assert _found(manager, f"?store_code={STORE}") == [first, second, third, void]
    with tenant_context(TENANT_A):
        day = Transaction.objects.get(transaction_no=first).generate_date_time
    from apps.core.formats import app_zone

    today = day.astimezone(app_zone()).date()
    assert _found(manager, f"?date_from={today}&date_to={today}") == [first, second, third, void]
    assert _found(manager, f"?date_from={today.replace(year=today.year + 1)}") == []
    assert _found(manager, f"?date_to={today.replace(year=today.year - 1)}") == []


@pytest.mark.parametrize("query", ["?receipt_no=abc", "?receipt_no=99999999999", "?amount_min=lots",
                                   "?amount_max=1e400", "?date_from=2025-13-01", "?transaction_no=1.5",
                                   "?terminal_no=x", "?status=unknown"])
def test_a_bad_filter_value_shows_a_message_not_an_error(pos, manager, query):
    pos.sell(("49-01", 1))
    response = manager.get(BASE + query)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_the_list_shows_the_columns_and_filters(pos, manager, three_sales):
    response = manager.get(BASE)
    text = response.content.decode()
    for column in ("column-generated", "column-store", "column-terminal", "column-receipt",
                   "column-kind", "column-total", "column-status"):
        assert column in text, column
    for name in ("receipt_no", "transaction_no", "item_code", "amount_min", "amount_max", "date_from", "date_to",
                 "staff"):
        assert f'name="{name}"' in text, name
    assert "Export CSV" in text and "¥2,200" in text and "Voided" in text


def test_csv_export_of_the_filtered_list(pos, manager, three_sales):
    first, second, third = three_sales
    response = manager.get(f"{BASE}export/?item_code=49-01")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(int(row["transaction_no"]) for row in rows) == sorted([first["transactionNo"],
                                                                        third["transactionNo"]])
    row = next(row for row in rows if int(row["transaction_no"]) == third["transactionNo"])
    assert row["total_amount_with_tax"] == "715" and row["payments"] == "11 715"
    assert row["items"] == "49-03 x1; 49-01 x1" and row["type_name"] == "Sale" and row["staff_id"] == "S001"
    voided = list(csv.DictReader(io.StringIO(manager.get(f"{BASE}export/?status=voided").content.decode(
        "utf-8-sig"))))
    assert [row["status"] for row in voided] == ["Voided"]


def test_csv_export_escapes_formulas(pos, manager, api, token_a):
    auth = bearer(token_a)
    created = api.post(f"/master-data/api/v1/tenants/{TENANT_A}/staff", {
        "id": "=HYPERLINK(1)", "name": "@SUM(A1)", "pin": "1", "roles": []}, format="json", **auth)
    assert created.status_code == 201, created.content
    out = api.post(f"/terminal/api/v1/terminals/{pos.terminal_id}/sign-out", {}, format="json",
                   HTTP_X_API_KEY=pos.api_key)
    assert out.status_code == 200, out.content
    signed = api.post(f"/terminal/api/v1/terminals/{pos.terminal_id}/sign-in", {"staffId": "=HYPERLINK(1)"},
                      format="json", HTTP_X_API_KEY=pos.api_key)
    assert signed.status_code == 200, signed.content
    pos.sell(("49-01", 1))
    rows = list(csv.DictReader(io.StringIO(manager.get(f"{BASE}export/").content.decode("utf-8-sig"))))
    assert rows[0]["staff_id"] == "'=HYPERLINK(1)" and rows[0]["staff_name"] == "'@SUM(A1)"


def test_the_page_and_its_refusals_read_in_japanese(pos):
    from django.utils import translation

    from apps.cart import backoffice
    from apps.cart.errors import CartError

    original = _stored(pos.sell(("49-01", 1))["transactionNo"])
    with translation.override("ja"):
        refusal = backoffice.refusal_message(CartError("Transaction has already been voided: transaction_no->1",
                                                       code="403005", status=400))
        assert refusal.startswith("この取引は既に取消済みです。") and refusal.endswith("何も変更されていません。")
        page = backoffice.transaction_page(original, None)
        labels = dict(page.header)
        assert labels["レシート番号"] == str(original.receipt_no) and labels["状態"] == "完了"
        assert labels["取引種別"]
        assert dict(page.totals)["お釣り"] == "¥0"
        # the models' names, the permissions' names and the return's terminal picker
        from apps.cart.admin import TERMINAL_STATES

        assert str(Transaction._meta.verbose_name_plural) == "取引"
        assert str(Transaction._meta.get_field("is_cancelled").verbose_name) == "中止取引"
        assert str(TransactionStatus._meta.verbose_name) == "取引状態"
        assert str(TransactionStatus._meta.get_field("is_voided").verbose_name) == "取消済"
        assert [str(name) for _code, name in Transaction._meta.permissions] == ["取引を取消できる", "取引を返品できる"]
        assert str(TERMINAL_STATES["Closed"]) == "精算済"
    assert dict(backoffice.transaction_page(original, None).totals)["Change"] == "¥0"


def test_voiding_a_return_from_the_page_makes_the_sale_returnable_again(pos, manager):
    sale = pos.sell(("49-01", 1))
    original = _stored(sale["transactionNo"])
    assert manager.post(f"{BASE}{original.pk}/return/",
                        {"terminal_no": str(TERMINAL_NO), **_refund(("01", 110))}).status_code == 302
    with tenant_context(TENANT_A):
        returned = Transaction.objects.get(transaction_type=102)
    page = manager.get(f"{BASE}{returned.pk}/change/")
    assert b'id="void-button"' in page.content and b'id="return-button"' not in page.content
    assert manager.post(f"{BASE}{returned.pk}/void/", _refund(("01", 110))).status_code == 302
    with tenant_context(TENANT_A):
        assert Transaction.objects.filter(transaction_type=202).count() == 1
        assert not TransactionStatus.objects.get(transaction_no=original.transaction_no).is_refunded
    assert b'id="return-button"' in manager.get(f"{BASE}{original.pk}/change/").content


def test_the_list_and_the_page_read_as_many_queries_whatever_the_rows(pos, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert manager.get(url).status_code == 200
        return len(captured)

    first = pos.sell(("49-01", 1), ("49-02", 1))
    few = queries(BASE)
    for _ in range(4):
        pos.sell(("49-01", 1), ("49-03", 2))
    assert queries(BASE) == few
    assert queries(f"{BASE}?item_code=49-01&status=active&amount_min=1") == few
    page = queries(f"{BASE}{_stored(first['transactionNo']).pk}/change/")
    assert few <= 15 and page <= 12  # session, user, permissions, filter choices, count, rows / the page's reads


def test_the_voids_and_returns_of_a_transaction_are_found_through_the_origin_index(pos, manager):
    from django.db import connection

    sale = pos.sell(("49-01", 1))
    original = _stored(sale["transactionNo"])
    manager.post(f"{BASE}{original.pk}/void/", _refund(("01", 110)))
    with tenant_context(TENANT_A):
        found = Transaction.objects.referring_to(original)
        assert [row.transaction_type for row in found] == [201]
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        assert "cart_tran_origin_idx" in found.explain()


@pytest.mark.parametrize("object_id", ["abc", "99999999999999999999", "-1", "0"])
def test_a_page_of_no_transaction_is_404(pos, manager, object_id):
    for suffix in ("change/", "void/", "return/"):
        assert manager.get(f"{BASE}{object_id}/{suffix}").status_code == 404, suffix
