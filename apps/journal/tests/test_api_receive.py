"""Logs pushed over HTTP: the pub/sub compatibility receivers (spec/40 §2.4) and the direct tranlog receive (§2.5)."""

from decimal import Decimal

import pytest

from apps.core import events
from apps.core.auth import encode_jwt
from apps.core.models import ConsumedEvent
from apps.journal.tests.factories import CashlogPayloadFactory, OpenCloseLogPayloadFactory, TranlogPayloadFactory
from tests.support import TENANT_A, TENANT_B, bearer, register_api_key

pytestmark = pytest.mark.django_db

SUCCESS = [{"status": "SUCCESS", "operation": "handle_log"}, 200]


def push(api, token, event_type, data):
    return api.post(f"/journal/api/v1/{event_type}", {"data": data}, format="json", **bearer(token))


@pytest.mark.parametrize(
    ("event_type", "factory", "journal_type"),
    [("tranlog", TranlogPayloadFactory, 101), ("cashlog", CashlogPayloadFactory, 401),
     ("opencloselog", OpenCloseLogPayloadFactory, 301)],
)
def test_each_receiver_files_its_log_once(api, token_a, stored, event_type, factory, journal_type):
    payload = factory()
    first = push(api, token_a, event_type, payload)
    assert first.status_code == 200 and first.json() == SUCCESS
    again = push(api, token_a, event_type, payload)
    assert again.status_code == 200 and again.json() == SUCCESS
    [entry] = stored()
    assert entry.transaction_type == journal_type and entry.journal_text == payload["journal_text"]
    assert ConsumedEvent.objects.filter(consumer="journal", event_id=payload["event_id"]).count() == 1


def test_a_new_event_id_for_a_stored_log_is_still_success(api, token_a, stored):
    payload = CashlogPayloadFactory(amount=-500.0)
    push(api, token_a, "cashlog", payload)
    response = push(api, token_a, "cashlog", {**payload, "event_id": "another-event"})
    assert response.json() == SUCCESS
    assert [(e.transaction_type, e.amount) for e in stored()] == [(402, Decimal("-500"))]


def test_a_service_jwt_is_accepted(api, service_token_a, stored):
    response = push(api, service_token_a, "tranlog", TranlogPayloadFactory(cancelled=True))
    assert response.json() == SUCCESS
    assert [e.transaction_type for e in stored()] == [-101]


def test_health_check_probe_is_answered_and_ignored(api, token_a, stored):
    response = push(api, token_a, "tranlog", {"test": "health-check"})
    assert response.status_code == 200
    assert response.json() == {"status": "SUCCESS", "operation": "health_check_drop"}
    assert stored() == []


def test_missing_event_id_is_dropped(api, token_a, stored):
    payload = TranlogPayloadFactory(event_id=None)
    response = push(api, token_a, "tranlog", payload)
    assert response.status_code == 200
    assert response.json() == [{"status": "DROP", "message": "event_id is required", "operation": "handle_log"}, 400]
    assert stored() == []


def test_missing_tenant_is_a_400_envelope(api, token_a):
    for data in ({"event_id": "e1"}, None):
        response = api.post("/journal/api/v1/cashlog", {"data": data} if data else {}, format="json",
                            **bearer(token_a))
        assert response.status_code == 400
        body = response.json()
        assert body["message"] == "tenant_id is required in request data"
        assert body["user_error"]["code"] == "100000" and body["data"] == "400: tenant_id is required in request data"


def test_a_payload_that_does_not_fit_asks_for_a_retry_and_writes_nothing(api, token_a, stored):
    payload = {**OpenCloseLogPayloadFactory(), "open_counter": "first"}
    response = push(api, token_a, "opencloselog", payload)
    assert response.status_code == 200
    assert response.json() == [
        {"status": "RETRY", "message": "Invalid opencloselog payload: openCounter: A valid integer is required.",
         "operation": "handle_log"},
        500,
    ]
    assert stored() == []
    assert not ConsumedEvent.objects.filter(event_id=payload["event_id"]).exists()


def test_an_outbox_event_received_over_http_is_acknowledged(api, token_a, stored):
    record = events.event_publish(event_type="cashlog", payload=CashlogPayloadFactory())
    assert push(api, token_a, "cashlog", record.payload).json() == SUCCESS
    record = events.delivery_record(event_id=record.event_id)
    assert {d.service_name: d.status for d in record.deliveries.all()} == {"journal": "received", "report": "pending"}
    bad = events.event_publish(event_type="cashlog", payload={**CashlogPayloadFactory(), "amount": None})
    assert push(api, token_a, "cashlog", bad.payload).json()[0]["status"] == "RETRY"
    delivery = events.delivery_record(event_id=bad.event_id).deliveries.get(service_name="journal")
    assert delivery.status == "failed" and "amount" in delivery.message
    assert len(stored()) == 1


def test_receivers_need_a_user_or_service_jwt_of_the_logs_tenant(api, token_a, token_b, stored):
    payload = TranlogPayloadFactory()
    no_token = api.post("/journal/api/v1/tranlog", {"data": payload}, format="json")
    assert no_token.status_code == 401 and no_token.json()["user_error"]["code"] == "200001"
    terminal_jwt = encode_jwt({"sub": f"terminal:{TENANT_A}-5678-5555", "tenant_id": TENANT_A,
                               "token_type": "terminal", "exp": 4102444800})
    assert push(api, terminal_jwt, "tranlog", payload).status_code == 401
    other = push(api, token_b, "tranlog", payload)
    assert other.status_code == 400 and other.json()["user_error"]["code"] == "100000"
    assert other.json()["message"] == (
        f"Tenant ID in request data does not match the tenant ID in the token : tenant_id->{TENANT_A}, "
        f"tenant_id_in_token->{TENANT_B}"
    )
    assert stored() == [] and stored(TENANT_B) == []


# --- direct tranlog receive -----------------------------------------------------------------------------------
TRANSACTIONS = f"/journal/api/v1/tenants/{TENANT_A}/stores/5678/terminals/5555/transactions"


def test_direct_tranlog_receive_stores_the_entry_without_event_bookkeeping(api, token_a, stored):
    payload = TranlogPayloadFactory(transaction_no=1001, receipt_no=2001, event_id=None)
    response = api.post(TRANSACTIONS, payload, format="json", **bearer(token_a))
    assert response.status_code == 201
    body = response.json()
    assert body["code"] == 201 and body["operation"] == "receive_transactions"
    assert body["message"] == (
        f"Transaction received successfully. tenant_id: {TENANT_A}, store_code: 5678, terminal_no: 5555, "
        "transaction_no: 1001"
    )
    assert body["data"] == {"tenantId": TENANT_A, "storeCode": "5678", "terminalNo": 5555, "transactionNo": 1001}
    assert api.post(TRANSACTIONS, payload, format="json", **bearer(token_a)).status_code == 201
    [entry] = stored()
    assert (entry.transaction_type, entry.receipt_no, entry.amount) == (101, 2001, Decimal("550"))
    assert not ConsumedEvent.objects.exists()


def test_direct_receive_accepts_camel_case_and_an_api_key(api, stored):
    register_api_key(tenant_id=TENANT_A, terminal_id=f"{TENANT_A}-5678-5555", api_key="t" * 43)
    body = {"storeCode": "5678", "terminalNo": 5555, "transactionNo": 7, "transactionType": 101,
            "businessDate": "20250110", "openCounter": 1, "businessCounter": 1001,
            "generateDateTime": "2025-01-10T10:00:00.000000+09:00", "receiptNo": 8,
            "sales": {"totalAmountWithTax": 110.0, "totalQuantity": 1, "isCancelled": True},
            "staff": {"id": "S001", "name": "Staff"}, "user": None, "receiptText": "r", "journalText": "j"}
    response = api.post(f"{TRANSACTIONS}?terminal_id={TENANT_A}-5678-5555", body, format="json",
                        HTTP_X_API_KEY="t" * 43)
    assert response.status_code == 201 and response.json()["data"]["transactionNo"] == 7
    [entry] = stored()
    assert (entry.tenant_id, entry.transaction_type, entry.amount, entry.staff_id, entry.user_id) == (
        TENANT_A, -101, Decimal("110"), "S001", None)


def test_direct_receive_refuses_a_bad_body_with_422_and_writes_nothing(api, token_a, stored):
    payload = {**TranlogPayloadFactory(), "sales": {"total_quantity": "many"}}
    response = api.post(TRANSACTIONS, payload, format="json", **bearer(token_a))
    assert response.status_code == 422
    assert response.json()["message"] == (
        "Invalid input data: body -> sales -> totalQuantity: A valid integer is required."
    )
    assert stored() == []


def test_direct_receive_refuses_a_log_of_another_tenant(api, token_a, stored):
    response = api.post(TRANSACTIONS, TranlogPayloadFactory(tenant_id=TENANT_B), format="json", **bearer(token_a))
    assert response.status_code == 400 and response.json()["user_error"]["code"] == "410002"
    assert stored() == [] and stored(TENANT_B) == []
    path_b = f"/journal/api/v1/tenants/{TENANT_B}/stores/5678/terminals/5555/transactions"
    mismatch = api.post(path_b, TranlogPayloadFactory(), format="json", **bearer(token_a))
    assert mismatch.status_code == 400 and mismatch.json()["user_error"]["code"] == "100000"


def test_direct_receive_storage_fault_is_a_500_410003(api, token_a, stored, refusing_storage):
    response = api.post(TRANSACTIONS, TranlogPayloadFactory(), format="json", **bearer(token_a))
    assert response.status_code == 500 and response.json()["user_error"]["code"] == "410003"
    retry = push(api, token_a, "tranlog", TranlogPayloadFactory())
    assert retry.status_code == 200 and retry.json()[0]["status"] == "RETRY"
    assert retry.json()[0]["message"].startswith("Failed to create journal:")
    refusing_storage()
    assert stored() == []


def test_the_log_ids_may_come_in_camel_case_as_on_the_report(api, token_a, stored):
    """One receiver for journal and report (``apps.core.api.log_receivers``): ``tenantId``/``eventId`` are read
    on both services, and the log is filed under that event id."""
    payload = CashlogPayloadFactory()
    payload["tenantId"], payload["eventId"] = payload.pop("tenant_id"), payload.pop("event_id")
    assert push(api, token_a, "cashlog", payload).json() == SUCCESS
    [entry] = stored()
    assert entry.transaction_type == 401
    assert ConsumedEvent.objects.filter(consumer="journal", event_id=payload["eventId"]).count() == 1
