"""Bill/cancel numbering, transaction queries, void and return (spec/30 §9-§10, scenarios 11-15)."""

import pytest

from apps.cart.models import Transaction
from apps.cart.services.numbering import counter_next
from apps.core.models import EventRecord
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A, TENANT_B, bearer

pytestmark = pytest.mark.django_db


def error_of(response):
    return response.status_code, response.json()["user_error"]["code"]


def test_numbering_bill_then_cancel(pos):
    sale = pos.sell(("49-01", 1))
    assert (sale["transactionNo"], sale["receiptNo"]) == (1, 111111)
    cart_id = pos.new_cart()
    cancelled = pos.ok("post", f"/carts/{cart_id}/cancel")
    assert (cancelled["transactionNo"], cancelled["receiptNo"]) == (2, 111112)
    assert cancelled["cartStatus"] == "Cancelled"


def test_receipt_counter_rolls_over(tenant_a):
    with tenant_context(TENANT_A):
        assert [counter_next(terminal_id="T-1", name="Receipt", start=1, end=5) for _ in range(7)] == [1, 2, 3, 4, 5,
                                                                                                     1, 2]
        for _ in range(3):
            counter_next(terminal_id="T-2", name="Receipt", start=999997, end=999999)
        assert counter_next(terminal_id="T-2", name="Receipt", start=111111, end=999999) == 111111


def test_receipt_range_comes_from_settings_master(pos):
    md = f"/master-data/api/v1/tenants/{TENANT_A}/settings"
    for name, value in (("RECEIPT_NO_START_VALUE", "1"), ("RECEIPT_NO_END_VALUE", "2")):
        response = pos.client.post(md, {"name": name, "defaultValue": value, "values": []}, format="json",
                                   **bearer(pos.token))
        assert response.status_code == 201, response.content
    assert [pos.sell(("49-01", 1))["receiptNo"] for _ in range(3)] == [1, 2, 1]


def test_cancel_tranlog_and_list_filter(pos):
    pos.sell(("49-01", 1))
    cart_id = pos.new_cart()
    cancelled = pos.ok("post", f"/carts/{cart_id}/cancel")
    assert "【 取 引 中 止 】" in cancelled["journalText"]
    listed = pos.ok("get", pos.transactions_path())
    assert [t["transactionNo"] for t in listed] == [1]
    response = pos.get(pos.transactions_path("?include_cancelled=true"))
    body = response.json()
    assert [t["transactionNo"] for t in body["data"]] == [2, 1]
    assert body["data"][0]["status"] == {"isCancelled": True, "isVoided": False, "isRefunded": False}
    assert body["metadata"]["filter"] == {"tenant_id": TENANT_A, "store_code": pos.store_code,
                                          "terminal_no": pos.terminal_no}
    with tenant_context(TENANT_A):
        stored = Transaction.objects.get(transaction_no=2)
    assert stored.document["transaction_type"] == 101 and stored.document["sales"]["is_cancelled"] is True


def test_list_query_paging_sort_and_filter_echo(pos):
    for _ in range(3):
        pos.sell(("49-01", 1))
    response = pos.get(pos.transactions_path("?limit=2&page=1&sort=business_date:-1,transaction_no:1"
                                             "&transaction_type=101"))
    body = response.json()
    assert response.status_code == 200 and body["message"] == "Success to get transactions by query"
    assert [t["transactionNo"] for t in body["data"]] == [1, 2]
    assert body["metadata"]["total"] == 3 and body["metadata"]["limit"] == 2
    assert body["metadata"]["sort"] == "business_date:-1, transaction_no:1"
    assert body["metadata"]["filter"]["transaction_type"] == {"$in": [101]}
    assert body["metadata"]["filter"]["sales.is_cancelled"] is False
    tran = body["data"][0]
    assert tran["businessDate"] and tran["generateDateTime"].endswith("+09:00")
    assert "cartId" not in tran and tran["totalAmount"] == tran["totalAmountWithTax"] == 110.0


def test_list_of_another_tenant_is_400(pos):
    response = pos.get(f"/tenants/{TENANT_B}/stores/{pos.store_code}/terminals/{pos.terminal_no}/transactions")
    assert error_of(response) == (400, "100000")


def test_get_unknown_transaction_is_404(pos):
    assert error_of(pos.get(pos.transactions_path("/99"))) == (404, "100001")
    assert error_of(pos.get(pos.transactions_path("/abc"))) == (422, "300001")


# --- scenario 11: void ---------------------------------------------------------------------------------------
def test_void(pos):
    sale = pos.sell(("49-01", 2), payments=(("01", 1000),))
    number = sale["transactionNo"]
    path = pos.transactions_path(f"/{number}")
    assert error_of(pos.post(path + "/void", [{"paymentCode": "01", "amount": 500}])) == (400, "300001")
    assert error_of(pos.post(path + "/void", [{"paymentCode": "11", "amount": 220}])) == (400, "300001")
    response = pos.post(path + "/void", [{"paymentCode": "01", "amount": 220}])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["message"] == "Success to void transaction by transaction_no"
    voided = body["data"]
    assert voided["transactionType"] == 201 and voided["transactionNo"] == number + 1
    assert voided["status"] == {"isCancelled": False, "isVoided": False, "isRefunded": False}
    assert voided["totalAmount"] == 220.0 and voided["changeAmount"] == 0.0
    assert voided["payments"][0]["paymentAmount"] == 220.0
    assert "売上取消伝票" in voided["journalText"] and "[対象レシート]" in voided["journalText"]
    assert pos.ok("get", path)["status"]["isVoided"] is True
    assert error_of(pos.post(path + "/void", [{"paymentCode": "01", "amount": 220}])) == (400, "403005")
    assert error_of(pos.post(path + "/return", [{"paymentCode": "01", "amount": 220}])) == (400, "403005")
    with tenant_context(TENANT_A):
        stored = Transaction.objects.get(transaction_no=voided["transactionNo"])
    assert stored.document["origin"]["transaction_no"] == number
    assert EventRecord.objects.filter(event_id=stored.event_id, event_type="tranlog").exists()


def test_void_path_must_match_the_terminal(pos):
    sale = pos.sell(("49-01", 1))
    other = f"/tenants/{TENANT_A}/stores/{pos.store_code}/terminals/99/transactions/{sale['transactionNo']}/void"
    assert error_of(pos.post(other, [{"paymentCode": "01", "amount": 110}])) == (422, "300001")
    other = f"/tenants/{TENANT_B}/stores/{pos.store_code}/terminals/{pos.terminal_no}/transactions/1/void"
    assert error_of(pos.post(other, [{"paymentCode": "01", "amount": 110}])) == (422, "300001")
    assert error_of(pos.post(pos.transactions_path("/77/void"), [])) == (404, "100001")


# --- scenario 12: return, then void the return --------------------------------------------------------------
def test_return_then_void_the_return(pos):
    sale = pos.sell(("49-01", 2))
    path = pos.transactions_path(f"/{sale['transactionNo']}")
    returned = pos.ok("post", path + "/return", [{"paymentCode": "01", "amount": 220}])
    assert returned["transactionType"] == 102 and "返 品 伝 票" in returned["journalText"]
    assert pos.ok("get", path)["status"]["isRefunded"] is True
    assert error_of(pos.post(path + "/return", [{"paymentCode": "01", "amount": 220}])) == (400, "403006")
    assert error_of(pos.post(path + "/void", [{"paymentCode": "01", "amount": 220}])) == (400, "403006")
    return_path = pos.transactions_path(f"/{returned['transactionNo']}")
    voided = pos.ok("post", return_path + "/void", [{"paymentCode": "01", "amount": 220}])
    assert voided["transactionType"] == 202
    assert pos.ok("get", return_path)["status"]["isVoided"] is True
    assert pos.ok("get", path)["status"]["isRefunded"] is False
    # the sale can be returned again
    assert pos.ok("post", path + "/return", [{"paymentCode": "11", "amount": 220}])["transactionType"] == 102


def test_return_validation(pos):
    sale = pos.sell(("49-01", 1))
    path = pos.transactions_path(f"/{sale['transactionNo']}")
    assert error_of(pos.post(path + "/return", [{"paymentCode": "01", "amount": 100}])) == (400, "300001")
    assert error_of(pos.post(path + "/return", [{"paymentCode": "77", "amount": 110}])) == (404, "100001")
    assert error_of(pos.post(path + "/return", [{"paymentCode": "01", "amount": 1.5}])) == (422, "300001")
    returned = pos.ok("post", path + "/return", [{"paymentCode": "01", "amount": 110}])
    assert error_of(pos.post(pos.transactions_path(f"/{returned['transactionNo']}/return"),
                             [{"paymentCode": "01", "amount": 110}])) == (400, "300001")


# --- delivery status ----------------------------------------------------------------------------------------
def test_delivery_status_callback(pos, settings):
    sale = pos.sell(("49-01", 1))
    with tenant_context(TENANT_A):
        event_id = Transaction.objects.get(transaction_no=sale["transactionNo"]).event_id
    path = pos.transactions_path(f"/{sale['transactionNo']}/delivery-status")
    url = f"/cart/api/v1{path}"
    body = {"event_id": event_id, "service": "journal", "status": "received"}
    response = pos.client.post(url, body, format="json", HTTP_X_API_KEY=settings.PUBSUB_NOTIFY_API_KEY)
    assert response.status_code == 200
    assert response.json()["data"] == {"event_id": event_id, "service": "journal", "status": "received",
                                       "success": True}
    assert EventRecord.objects.get(event_id=event_id).status == "partially_delivered"
    assert pos.client.post(url, body, format="json", **bearer(pos.token)).status_code == 401
    assert error_of(pos.client.post(url, {**body, "event_id": "nope"}, format="json",
                                    HTTP_X_API_KEY=settings.PUBSUB_NOTIFY_API_KEY)) == (404, "404004")
    assert error_of(pos.client.post(url, {"eventId": event_id, "service": "journal", "status": "received"},
                                    format="json", HTTP_X_API_KEY=settings.PUBSUB_NOTIFY_API_KEY)) == (422, "300001")
    wrong = f"/cart/api/v1/tenants/{TENANT_A}/stores/{pos.store_code}/terminals/77/transactions/1/delivery-status"
    assert error_of(pos.client.post(wrong, body, format="json",
                                    HTTP_X_API_KEY=settings.PUBSUB_NOTIFY_API_KEY)) == (404, "100001")


def test_cache_endpoints(pos):
    response = pos.client.get("/cart/api/v1/cache/terminal/status", **bearer(pos.token))
    assert response.status_code == 200 and response.json()["data"]["tenant_id"] == TENANT_A
    assert response.json()["data"]["cached_terminal_ids"] == []
    response = pos.client.delete("/cart/api/v1/cache/terminal", **bearer(pos.token))
    assert response.status_code == 200 and response.json()["data"]["items_cleared"] == 0
    assert pos.client.get("/cart/api/v1/cache/terminal/status").status_code == 401


def test_receipt_headers_footers_and_invoice_number_from_settings(pos):
    md = f"/master-data/api/v1/tenants/{TENANT_A}/settings"
    for name, value in (
        ("RECEIPT_HEADERS", '[{"text": "Kugel Store", "align": "center"}, {"text": ""}, {"text": 5}]'),
        ("RECEIPT_FOOTERS", "[{'text': 'Thank you', 'align': 'middle'}]"),
        ("INVOICE_REGISTRATION_NUMBER", "T1234567890123"),
    ):
        response = pos.client.post(md, {"name": name, "defaultValue": value, "values": []}, format="json",
                                   **bearer(pos.token))
        assert response.status_code == 201, response.content
    sale = pos.sell(("49-01", 1))
    lines = sale["journalText"].split("\n")
    assert lines[0] == " " * 10 + "Kugel Store" + " " * 11 and lines[1] == " " * 32
    assert "事業者登録番号 T1234567890123" in sale["journalText"]
    assert lines[-2] == "Thank you" + " " * 23
    with tenant_context(TENANT_A):
        info = Transaction.objects.get(transaction_no=sale["transactionNo"]).document["additional_info"]
    assert info == {"invoice_registration_number": "T1234567890123",
                    "receipt_headers": [{"text": "Kugel Store", "align": "center"}, {"text": "", "align": "left"}],
                    "receipt_footers": [{"text": "Thank you", "align": "left"}]}
