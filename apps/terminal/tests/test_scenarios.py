"""spec/10 §11, scenarios 3-15, through the HTTP API with real credentials (tenant ``A1234``, terminal
``A1234-5678-9``, staff ``S001`` "Taro"); times are Asia/Tokyo on the frozen business clock."""

from __future__ import annotations

import re
from types import SimpleNamespace

import jwt
import pytest
from django.conf import settings

from apps.core.auth import service_token, user_token
from apps.core.events import delivery_record
from apps.core.models import EventRecord
from apps.core.tenancy import tenant_context
from apps.terminal.models import CashLog, OpenCloseLog
from tests.support import bearer, make_superuser

pytestmark = pytest.mark.django_db

TENANTS = "/terminal/api/v1/tenants"
TERMINALS = "/terminal/api/v1/terminals"
TOKEN = "/terminal/api/v1/auth/token"
TID = "A1234-5678-9"
TERMINAL = f"{TERMINALS}/{TID}"


def claims_of(token: str) -> dict:
    return jwt.decode(token, settings.SECRET_KEY, algorithms=["HS256"])


def key(api_key: str) -> dict:
    return {"HTTP_X_API_KEY": api_key}


def user_error(response) -> tuple[int, str]:
    return response.status_code, response.json()["user_error"]["code"]


@pytest.fixture
def a1234(api, clock, staff_master):
    """Scenarios 3-5 done: tenant info A1234, stores 5678 (テスト店舗), terminal 9; staff S001 "Taro"."""
    body = {"tenant_id": "A1234", "tenant_name": "Test Tenant", "tags": ["Test"]}
    creator = service_token(service="terminal", tenant_id="A1234")  # no user before the tenant (issue #20)
    assert api.post(TENANTS, body, format="json", **bearer(creator)).status_code == 201
    make_superuser("A1234")
    token = user_token(username="admin", tenant_id="A1234", is_superuser=True)
    assert (
        api.post(
            f"{TENANTS}/A1234/stores",
            {"store_code": "5678", "store_name": "テスト店舗", "tags": ["Test"]},
            format="json",
            **bearer(token),
        ).status_code
        == 201
    )
    response = api.post(
        TERMINALS,
        {"store_code": "5678", "terminal_no": 9, "description": "Test Terminal"},
        format="json",
        **bearer(token),
    )
    assert response.status_code == 201
    staff_master.add("A1234", "S001", "Taro", pin="1111")
    return SimpleNamespace(T=token, K=response.json()["data"]["apiKey"])


def test_scenario_3_tenant_info(api):
    token = service_token(service="terminal", tenant_id="A1234")  # no user before the tenant (issue #20)
    body = {"tenant_id": "A1234", "tenant_name": "Test Tenant", "tags": ["Test"]}
    response = api.post(TENANTS, body, format="json", **bearer(token))
    assert response.status_code == 201
    payload = response.json()
    assert payload["message"] == "Tenant created successfully for tenant A1234"
    assert payload["operation"] == "create_tenant"
    data = payload["data"]
    assert {k: data[k] for k in ("tenantId", "tenantName", "tags", "stores")} == {
        "tenantId": "A1234",
        "tenantName": "Test Tenant",
        "tags": ["Test"],
        "stores": [],
    }
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", data["entryDatetime"])
    assert data["lastUpdateDatetime"] is None

    assert user_error(api.post(TENANTS, body, format="json", **bearer(token))) == (400, "407002")
    other = api.post(TENANTS, {**body, "tenant_id": "Z9999"}, format="json", **bearer(token))
    assert user_error(other) == (400, "100000")
    assert other.json()["message"] == "tenant_id: Z9999 does not match tenant_id: A1234"
    assert user_error(api.delete(f"{TENANTS}/Z9999", **bearer(token))) == (400, "100000")


def test_scenario_4_stores(api, a1234):
    T = bearer(a1234.T)
    tenant_a1234 = api.get(f"{TENANTS}/A1234", **T).json()["data"]
    store = tenant_a1234["stores"][0]
    assert store["storeCode"] == "5678" and store["storeName"] == "テスト店舗"
    assert store["status"] == "Idle" and store["businessDate"] is None and store["tags"] == ["Test"]

    again = api.post(f"{TENANTS}/A1234/stores", {"store_code": "5678", "store_name": "x"}, format="json", **T)
    assert user_error(again) == (400, "407003")
    response = api.post(f"{TENANTS}/A1234/stores", {"storeCode": "1234", "storeName": "Second"}, format="json", **T)
    assert response.status_code == 201
    assert [s["storeCode"] for s in response.json()["data"]["stores"]] == ["1234", "5678"]

    listed = api.get(f"{TENANTS}/A1234/stores?sort=store_code:-1&limit=10", **T).json()
    assert [s["storeCode"] for s in listed["data"]] == ["5678", "1234"]
    assert listed["metadata"] is None

    deleted = api.delete(f"{TENANTS}/A1234/stores/1234", **T)
    assert deleted.status_code == 200 and deleted.json()["data"] == {"storeCode": "1234"}
    assert user_error(api.get(f"{TENANTS}/A1234/stores/9999", **T)) == (404, "407101")


def test_scenario_5_terminal_create(api, a1234):
    T = bearer(a1234.T)
    response = api.get(TERMINAL, **T)
    data = response.json()["data"]
    assert data["terminalId"] == TID and data["terminalNo"] == 9 and data["storeCode"] == "5678"
    assert data["functionMode"] == "MainMenu" and data["status"] == "Idle"
    assert data["openCounter"] == 0 and data["businessCounter"] == 0
    assert data["businessDate"] is None and data["staff"] is None
    assert data["initialAmount"] is None and data["physicalAmount"] is None
    assert len(data["apiKey"]) == 43 and data["apiKey"] == a1234.K

    again = api.post(
        TERMINALS, {"store_code": "5678", "terminal_no": 9, "description": "Test Terminal"}, format="json", **T
    )
    assert user_error(again) == (400, "406002")
    assert user_error(api.post(TERMINALS, {}, format="json", **T)) == (422, "300001")


def test_scenario_6_token_exchange(api, a1234):
    response = api.post(TOKEN, **key(a1234.K))
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == f"Token issued for terminal {TID}" and body["operation"] is None
    assert body["data"]["token_type"] == "bearer" and body["data"]["expires_in"] == 86400
    claims = claims_of(body["data"]["access_token"])
    assert claims["sub"] == f"terminal:{TID}" and claims["status"] == "Idle" and claims["open_counter"] == 0
    assert claims["iss"] == "terminal-service" and claims["token_type"] == "terminal"
    assert "staff_id" not in claims and "business_date" not in claims
    assert claims["exp"] - claims["iat"] == 86400

    assert user_error(api.post(TOKEN, **key("wrong-key"))) == (401, "200001")
    missing = api.post(TOKEN)
    assert user_error(missing) == (401, "200001") and missing.json()["message"] == "API key is required"


def test_scenario_7_function_mode(api, a1234):
    K = key(a1234.K)
    sales = api.patch(f"{TERMINAL}/function_mode", {"function_mode": "Sales"}, format="json", **K)
    assert user_error(sales) == (400, "406003")
    assert sales.json()["message"] == f"Terminal is not opened: {TID}"
    response = api.patch(f"{TERMINAL}/function_mode", {"function_mode": "OpenTerminal"}, format="json", **K)
    assert response.status_code == 200 and response.json()["data"]["functionMode"] == "OpenTerminal"
    assert response.json()["operation"] == "update_terminal_function_mode"
    assert user_error(api.patch(f"{TERMINAL}/function_mode", {}, format="json", **K)) == (422, "300001")


def test_scenario_8_sign_in(api, a1234):
    K = key(a1234.K)
    unknown = api.post(f"{TERMINAL}/sign-in", {"staff_id": "NOPE"}, format="json", **K)
    assert user_error(unknown) == (401, "406004")

    response = api.post(f"{TERMINAL}/sign-in", {"staff_id": "S001"}, format="json", **K)
    assert response.status_code == 200
    assert response.json()["message"] == f"Terminal Signed In. terminal_id: {TID} staff_id: S001"
    data = response.json()["data"]
    assert data["status"] == "Idle"
    assert data["staff"] == {"staffId": "S001", "staffName": "Taro", "staffPin": "1111"}
    claims = claims_of(response["X-New-Token"])
    assert (claims["staff_id"], claims["staff_name"], claims["status"]) == ("S001", "Taro", "Idle")

    assert user_error(api.post(f"{TERMINAL}/sign-in", {"staff_id": "S001"}, format="json", **K)) == (400, "406014")


def test_scenarios_9_to_12_open_cash_close_reopen(api, a1234, clock):
    K = key(a1234.K)
    api.post(f"{TERMINAL}/sign-in", {"staff_id": "S001"}, format="json", **K)

    # 9. open on 2025-01-15 with an initial amount
    clock.set("2025-01-15 09:00:00")
    response = api.post(f"{TERMINAL}/open", {"initial_amount": 500000}, format="json", **K)
    assert response.status_code == 200
    assert response.json()["message"] == f"Terminal Opened. terminal_id: {TID}"
    data = response.json()["data"]
    assert (data["businessDate"], data["openCounter"], data["businessCounter"]) == ("20250115", 1, 1)
    assert data["initialAmount"] == 500000
    assert data["terminalInfo"]["status"] == "Opened"
    assert data["terminalInfo"]["apiKey"] == "****-****-****-****"
    assert "【 開 設  レ ポ ー ト 】" in data["journalText"] and "釣銭準備金" in data["journalText"]
    claims = claims_of(response["X-New-Token"])
    assert claims["status"] == "Opened" and claims["business_date"] == "20250115"

    published = list(EventRecord.objects.filter(tenant_id="A1234").order_by("id"))
    assert [record.event_type for record in published] == ["cashlog", "opencloselog"]
    assert published[0].payload["amount"] == 500000 and published[0].payload["description"] == "Initial amount"
    assert published[0].payload["event_type"] == "cash_in_out"
    assert published[1].payload["operation"] == "open" and published[1].payload["event_type"] == "open"

    assert user_error(
        api.patch(f"{TERMINAL}/function_mode", {"function_mode": "OpenTerminal"}, format="json", **K)
    ) == (400, "406003")
    assert api.patch(f"{TERMINAL}/function_mode", {"function_mode": "CashInOut"}, format="json", **K).status_code == 200

    # 10. cash in/out
    clock.set("2025-01-15 10:10:00")
    first = api.post(f"{TERMINAL}/cash-in", {"amount": 100000, "description": "Cash In Test"}, format="json", **K)
    assert first.status_code == 200 and first.json()["data"]["amount"] == 100000
    assert first.json()["message"] == (
        f"Terminal Cashed In. terminal_id: {TID}, amount: 100000.0, description: Cash In Test"
    )
    clock.set("2025-01-15 10:20:00")
    second = api.post(f"{TERMINAL}/cash-in", {"amount": 200000}, format="json", **K).json()["data"]
    assert second["description"] == "Cash In (Default)"
    clock.set("2025-01-15 10:30:00")
    third = api.post(f"{TERMINAL}/cash-out", {"amount": 50000, "description": "Cash Out Test"}, format="json", **K)
    assert third.json()["data"]["amount"] == -50000
    assert third.json()["message"] == (
        f"Terminal Cashed Out. terminal_id: {TID}, amount: -50000.0, description: Cash Out Test"
    )
    assert third.json()["data"]["journalText"] == (
        "店舗名 テスト店舗               \n"
        "レジNo. 9             責# 00S001\n"
        "2025年01月15日(水) 10:30        \n"
        "                                \n"
        "    【 出 金  レ ポ ー ト 】    \n"
        "                                \n"
        "営業日付 2025年01月15日(水)     \n"
        "開設回数 1回                    \n"
        "--------------------------------\n"
        "Cash Out Test          -50,000円\n"
        "--------------------------------\n"
        "レシートNo. ------              \n"
    )
    clock.set("2025-01-15 10:40:00")
    fourth = api.post(f"{TERMINAL}/cash-out", {"amount": 100000}, format="json", **K).json()["data"]
    assert fourth["amount"] == -100000 and fourth["description"] == "Cash Out (Default)"

    # 11. close
    clock.set("2025-01-15 18:00:00")
    response = api.post(f"{TERMINAL}/close", {"physical_amount": 1280000}, format="json", **K)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["terminalInfo"]["status"] == "Closed" and data["physicalAmount"] == 1280000
    assert data["terminalInfo"]["apiKey"] == a1234.K
    assert claims_of(response["X-New-Token"])["status"] == "Closed"
    close_log = EventRecord.objects.filter(tenant_id="A1234", event_type="opencloselog").order_by("id").last()
    payload = close_log.payload
    assert payload["operation"] == "close" and payload["event_type"] == "close"
    assert payload["cash_in_out_count"] == 5
    assert payload["cash_in_out_last_datetime"] == "2025-01-15T10:40:00.000000+09:00"
    assert payload["cart_transaction_count"] == 0 and payload["cart_transaction_last_no"] is None
    assert payload["terminal_info"]["api_key"] == "****-****-****-****"

    assert user_error(api.post(f"{TERMINAL}/close", **K)) == (400, "406003")
    assert user_error(api.post(f"{TERMINAL}/cash-in", {"amount": 1}, format="json", **K)) == (400, "406003")

    # 12. same-day reopen without body, close without body, next-day open
    clock.set("2025-01-15 19:00:00")
    response = api.post(f"{TERMINAL}/open", **K)
    data = response.json()["data"]
    assert (data["openCounter"], data["businessCounter"]) == (2, 2)
    assert data["terminalInfo"]["initialAmount"] is None and data["terminalInfo"]["physicalAmount"] == 1280000
    assert EventRecord.objects.filter(tenant_id="A1234", event_type="cashlog").count() == 5  # no new cashlog
    clock.set("2025-01-15 20:00:00")
    response = api.post(f"{TERMINAL}/close", **K)
    assert response.json()["data"]["physicalAmount"] is None
    clock.set("2025-01-16 09:00:00")
    data = api.post(f"{TERMINAL}/open", **K).json()["data"]
    assert (data["businessDate"], data["openCounter"], data["businessCounter"]) == ("20250116", 1, 3)

    with tenant_context("A1234"):
        assert CashLog.objects.count() == 5
        assert OpenCloseLog.objects.count() == 5
        amounts = list(CashLog.objects.order_by("generate_date_time").values_list("amount", flat=True))
        assert amounts == [500000, 100000, 200000, -50000, -100000]


def test_scenario_13_sign_out_while_opened(api, a1234, clock):
    K = key(a1234.K)
    api.post(f"{TERMINAL}/sign-in", {"staff_id": "S001"}, format="json", **K)
    api.post(f"{TERMINAL}/open", **K)
    response = api.post(f"{TERMINAL}/sign-out", **K)
    assert response.status_code == 200 and response.json()["data"]["staff"] is None
    assert response.json()["message"] == f"Terminal Signed Out. terminal_id: {TID}"
    claims = claims_of(response["X-New-Token"])
    assert "staff_id" not in claims and "staff_name" not in claims and claims["status"] == "Opened"
    cash = api.post(f"{TERMINAL}/cash-in", {"amount": 100}, format="json", **K)
    assert user_error(cash) == (401, "406013")
    clock.tick(minutes=5)
    close = api.post(f"{TERMINAL}/close", **K)
    assert close.status_code == 200 and close.json()["data"]["terminalInfo"]["staff"] is None
    again = api.post(f"{TERMINAL}/sign-out", **K)
    assert again.status_code == 200 and again.json()["data"]["staff"] is None


def test_scenario_14_delivery_status(api, a1234, clock):
    K = key(a1234.K)
    api.post(f"{TERMINAL}/open", **K)
    record = EventRecord.objects.get(tenant_id="A1234", event_type="opencloselog")
    E = record.event_id
    notify = {"HTTP_X_API_KEY": settings.PUBSUB_NOTIFY_API_KEY}
    url = f"{TERMINAL}/delivery-status"
    response = api.post(url, {"event_id": E, "service": "report", "status": "received"}, format="json", **notify)
    assert response.status_code == 200
    assert response.json()["data"] == {"event_id": E, "service": "report", "status": "received", "success": True}
    assert response.json()["message"] == (
        f"Delivery Status Updated. terminal_id: {TID}, event_id: {E}, service: report, status: received"
    )
    assert response.json()["operation"] == "update_delivery_status"
    assert delivery_record(event_id=E).status == "partially_delivered"
    api.post(url, {"event_id": E, "service": "journal", "status": "received"}, format="json", **notify)
    assert delivery_record(event_id=E).status == "delivered"

    unknown = api.post(url, {"event_id": "nope", "service": "report", "status": "received"}, format="json", **notify)
    assert user_error(unknown) == (404, "407301")  # Kugelpos: 500; a bad request is never a 500 here
    with_user = api.post(
        url, {"event_id": E, "service": "report", "status": "received"}, format="json", **bearer(a1234.T)
    )
    assert user_error(with_user) == (401, "200001")


def test_scenario_15_auth_edges(api, a1234):
    other = api.post(
        TERMINALS, {"store_code": "5678", "terminal_no": 10, "description": "Other"}, format="json", **bearer(a1234.T)
    ).json()["data"]["apiKey"]
    wrong = api.get(TERMINAL, **key(other))
    assert user_error(wrong) == (401, "200001") and wrong.json()["message"] == "Invalid API Key"

    from apps.core.tenancy import tenant_ensure

    tenant_ensure(tenant_id="B0001")
    make_superuser("B0001")  # a user JWT works while its user exists (issue #20)
    foreign = api.get(TERMINAL, **bearer(user_token(username="admin", tenant_id="B0001", is_superuser=True)))
    assert user_error(foreign) == (404, "100001")

    assert user_error(api.get(TERMINALS, **key(a1234.K))) == (401, "200001")
    listed = api.get(f"{TERMINALS}?terminal_id={TID}", **key(a1234.K))
    assert listed.status_code == 200 and listed.json()["metadata"]["total"] >= 1
