"""Payments, staff, taxes and the tenant hook (spec/20 §4, §5.5, §5.7, §5.8; §10 scenarios 9-12)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.masterdata.models import PaymentMethod, Staff
from tests.support import TENANT_A, bearer, register_api_key

from .conftest import BASE
from .factories import StaffFactory
from .helpers import assert_error, ok_data

pytestmark = pytest.mark.django_db

E_WALLET = {"paymentCode": "99", "description": "E-Wallet", "limitAmount": 100000.0, "canRefund": True,
            "canDepositOver": False, "canChange": False, "isActive": True}


# --- payments (scenario 10) ---------------------------------------------------------------------------------
def test_payment_lifecycle(client_a, in_tenant_a):
    data = ok_data(client_a.post(f"{BASE}/payments", E_WALLET, format="json"), 201)
    assert list(data) == ["paymentCode", "description", "limitAmount", "canRefund", "canDepositOver", "canChange",
                          "isActive", "entryDatetime", "lastUpdateDatetime"]
    assert data["limitAmount"] == 100000.0
    update = {"description": "E-Money", "limitAmount": 200000.0, "canRefund": False, "canDepositOver": False,
              "canChange": False, "isActive": True}
    data = ok_data(client_a.put(f"{BASE}/payments/99", update, format="json"))
    assert data["limitAmount"] == 200000.0 and data["canRefund"] is False and data["description"] == "E-Money"
    assert ok_data(client_a.get(f"{BASE}/payments/99"))["description"] == "E-Money"
    response = client_a.delete(f"{BASE}/payments/99")
    assert ok_data(response) == {"paymentCode": "99"} and response.json()["operation"] == "delete_payment"
    assert_error(client_a.get(f"{BASE}/payments/99"), 404, "100001")
    assert_error(client_a.delete(f"{BASE}/payments/99"), 404, "100001")
    assert_error(client_a.put(f"{BASE}/payments/99", update, format="json"), 404, "100001")


def test_payment_bad_input_writes_nothing(client_a, in_tenant_a):
    missing = {k: v for k, v in E_WALLET.items() if k != "isActive"}
    error = assert_error(client_a.post(f"{BASE}/payments", missing, format="json"), 422, "300001")
    assert error["message"] == "Invalid input data: body -> isActive: Field required"
    assert_error(client_a.post(f"{BASE}/payments", E_WALLET | {"limitAmount": "lots"}, format="json"), 422, "300001")
    ok_data(client_a.post(f"{BASE}/payments", E_WALLET, format="json"), 201)
    assert "already exists" in assert_error(
        client_a.post(f"{BASE}/payments", E_WALLET | {"description": "dup"}, format="json"), 400, "500005"
    )["message"]
    assert_error(client_a.put(f"{BASE}/payments/99", {"description": "x"}, format="json"), 422, "300001")
    with in_tenant_a():
        assert list(PaymentMethod.objects.values_list("description", "limit_amount")) == [
            ("E-Wallet", Decimal("100000"))
        ]


def test_inactive_payments_are_listed_and_terminal_api_key_works(api, client_a, in_tenant_a):
    ok_data(client_a.post(f"{BASE}/payments", E_WALLET | {"isActive": False}, format="json"), 201)
    register_api_key(tenant_id=TENANT_A, terminal_id=f"{TENANT_A}-5678-9", api_key="key-5678-9")
    api.credentials()
    response = api.get(f"{BASE}/payments?terminal_id={TENANT_A}-5678-9", HTTP_X_API_KEY="key-5678-9")
    body = response.json()
    assert response.status_code == 200 and [row["isActive"] for row in body["data"]] == [False]
    assert body["metadata"] == {"total": 1, "page": 1, "limit": 100, "sort": None, "filter": None}
    assert_error(api.get(f"{BASE}/payments", HTTP_X_API_KEY="key-5678-9"), 401, "200001")


# --- staff (scenario 11) ------------------------------------------------------------------------------------
def test_staff_lifecycle(client_a, api, in_tenant_a):
    data = ok_data(client_a.post(f"{BASE}/staff", {"id": "1234", "name": "yushi", "pin": "9999",
                                                   "roles": ["staff"]}, format="json"), 201)
    assert data == {"id": "1234", "name": "yushi", "pin": "9999", "roles": ["staff"],
                    "entryDatetime": data["entryDatetime"], "lastUpdateDatetime": None}
    assert_error(client_a.put(f"{BASE}/staff/1234", {"name": "ushi"}, format="json"), 422, "300001")
    full = {"id": "IGNORED", "name": "ushi", "pin": "0000", "roles": ["manager"]}
    assert_error(client_a.put(f"{BASE}/staff/5678", full, format="json"), 404, "100001")
    data = ok_data(client_a.put(f"{BASE}/staff/1234", full, format="json"))
    assert data["id"] == "1234" and data["name"] == "ushi" and data["roles"] == ["manager"]
    assert ok_data(client_a.get(f"{BASE}/staff/1234"))["pin"] == "0000"
    assert ok_data(client_a.delete(f"{BASE}/staff/1234")) == {"staffId": "1234"}
    assert_error(client_a.get(f"{BASE}/staff/1234"), 404, "100001")
    assert_error(client_a.delete(f"{BASE}/staff/1234"), 404, "100001")
    api.credentials()
    assert_error(api.get(f"{BASE}/staff"), 401, "200001")


def test_staff_bad_input_writes_nothing(client_a, in_tenant_a):
    for body in ({"id": "1", "name": "a", "pin": "1"}, {"id": "1", "name": "a", "pin": 1, "roles": []},
                 {"id": "1", "name": "a", "pin": "1", "roles": "staff"}):
        assert_error(client_a.post(f"{BASE}/staff", body, format="json"), 422, "300001")
    with in_tenant_a():
        assert not Staff.objects.exists()
        StaffFactory(staff_id="1")
    body = {"id": "1", "name": "other", "pin": "2", "roles": []}
    assert_error(client_a.post(f"{BASE}/staff", body, format="json"), 400, "500005")
    with in_tenant_a():
        assert Staff.objects.get().name != "other"


def test_staff_list_sorted_by_name(client_a, in_tenant_a):
    with in_tenant_a():
        for staff_id, name in (("1", "carol"), ("2", "alice"), ("3", "bob")):
            StaffFactory(staff_id=staff_id, name=name)
    body = client_a.get(f"{BASE}/staff?page=1&limit=20&sort=name:1").json()
    assert [row["name"] for row in body["data"]] == ["alice", "bob", "carol"]
    assert body["metadata"] == {"total": 3, "page": 1, "limit": 20, "sort": None, "filter": None}
    body = client_a.get(f"{BASE}/staff?sort=id:-1").json()
    assert [row["id"] for row in body["data"]] == ["3", "2", "1"]


# --- taxes (scenario 9) -------------------------------------------------------------------------------------
def test_taxes(client_a):
    body = client_a.get(f"{BASE}/taxes").json()
    assert [row["taxCode"] for row in body["data"]] == ["00", "01", "02", "11", "12"]
    assert body["metadata"] == {"total": 5, "page": 1, "limit": 100, "sort": None, "filter": None}
    assert ok_data(client_a.get(f"{BASE}/taxes/01")) == {
        "taxCode": "01", "taxType": "External", "taxName": "外税10%", "rate": 10.0, "roundDigit": -1,
        "roundMethod": "Floor", "entryDatetime": None, "lastUpdateDatetime": None,
    }
    assert ok_data(client_a.get(f"{BASE}/taxes/11"))["taxName"] == "外税 8%"
    assert ok_data(client_a.get(f"{BASE}/taxes/00"))["roundMethod"] is None
    assert_error(client_a.get(f"{BASE}/taxes/99"), 404, "100001")


def test_taxes_page_in_memory(client_a):
    body = client_a.get(f"{BASE}/taxes?limit=2&page=2").json()
    assert [row["taxCode"] for row in body["data"]] == ["02", "11"] and body["metadata"]["total"] == 5
    assert client_a.get(f"{BASE}/taxes?limit=0").json()["data"] == []
    codes = [row["taxCode"] for row in client_a.get(f"{BASE}/taxes?sort=rate:-1,tax_code:1").json()["data"]]
    assert codes == ["01", "02", "11", "12", "00"]


def test_tax_master_setting_overrides_the_default(client_a, settings):
    settings.TAX_MASTER = [{"tax_code": "T", "tax_type": "Internal", "tax_name": "t", "rate": 5, "round_digit": 1,
                            "round_method": "Round"}]
    assert [row["taxCode"] for row in client_a.get(f"{BASE}/taxes").json()["data"]] == ["T"]


# --- tenant hook (scenario 11) ------------------------------------------------------------------------------
def test_tenant_hook(api, token_a):
    response = api.post("/master-data/api/v1/tenants", {"tenantId": "ZZZZ"}, format="json", **bearer(token_a))
    assert_error(response, 400, "100000")
    for _ in range(2):
        response = api.post("/master-data/api/v1/tenants", {"tenantId": TENANT_A}, format="json", **bearer(token_a))
        assert ok_data(response, 201) == {"tenantId": TENANT_A}
        assert response.json()["operation"] == "create_tenant"
