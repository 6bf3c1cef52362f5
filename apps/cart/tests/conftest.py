"""A store set up through the public API, as a real deployment would: tenant info, store, terminal with its
API key, master data, staff signed in, terminal opened. Cart tests then talk to /cart like a POS client."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.support import TENANT_A, bearer

STORE = "5678"
TERMINAL_NO = 9


@dataclass
class Pos:
    client: APIClient
    token: str
    api_key: str
    terminal_id: str
    tenant_id: str = TENANT_A
    store_code: str = STORE
    terminal_no: int = TERMINAL_NO

    def _url(self, path: str) -> str:
        joiner = "&" if "?" in path else "?"
        return f"/cart/api/v1{path}{joiner}terminal_id={self.terminal_id}"

    def call(self, method: str, path: str, body: Any = None):
        return self.client.generic(method.upper(), self._url(path), data=None if body is None else
                                   __import__("json").dumps(body), content_type="application/json",
                                   HTTP_X_API_KEY=self.api_key)

    def post(self, path: str, body: Any = None):
        return self.call("post", path, {} if body is None else body)

    def patch(self, path: str, body: Any):
        return self.call("patch", path, body)

    def get(self, path: str):
        return self.call("get", path)

    def ok(self, method: str, path: str, body: Any = None, status: int = 200) -> dict:
        response = self.call(method, path, body if body is not None or method == "get" else {})
        assert response.status_code == status, response.content.decode()
        return response.json()["data"]

    # --- the usual steps ---------------------------------------------------------------------------------
    def new_cart(self, **body) -> str:
        return self.ok("post", "/carts", body or {}, status=201)["cartId"]

    def add(self, cart_id: str, *items: tuple) -> dict:
        rows = []
        for item in items:
            row = {"itemCode": item[0], "quantity": item[1]}
            if len(item) > 2:
                row["unitPrice"] = item[2]
            rows.append(row)
        return self.ok("post", f"/carts/{cart_id}/lineItems", rows)

    def pay(self, cart_id: str, *payments: tuple) -> dict:
        return self.ok("post", f"/carts/{cart_id}/payments",
                       [{"paymentCode": code, "amount": amount} for code, amount in payments])

    def sell(self, *items: tuple, payments: tuple = ()) -> dict:
        cart_id = self.new_cart()
        self.add(cart_id, *items)
        cart = self.ok("post", f"/carts/{cart_id}/subtotal")
        self.pay(cart_id, *(payments or (("01", int(cart["totalAmountWithTax"])),)))
        return self.ok("post", f"/carts/{cart_id}/bill")

    def transactions_path(self, suffix: str = "") -> str:
        return f"/tenants/{self.tenant_id}/stores/{self.store_code}/terminals/{self.terminal_no}/transactions{suffix}"


def _ok(response, status=(200, 201)):
    assert response.status_code in status, response.content.decode()
    return response.json()["data"]


def set_up_store(client: APIClient, token: str, *, tenant_id: str = TENANT_A, store_code: str = STORE,
                 terminal_no: int = TERMINAL_NO, items: tuple = (), open_terminal: bool = True) -> Pos:
    auth = bearer(token)
    client.post("/terminal/api/v1/tenants", {"tenantId": tenant_id, "tenantName": "Tenant", "tags": []},
                format="json", **auth)
    client.post(f"/terminal/api/v1/tenants/{tenant_id}/stores", {"storeCode": store_code, "storeName": "Store"},
                format="json", **auth)  # 400 when a second terminal joins the store
    terminal = _ok(client.post("/terminal/api/v1/terminals", {"storeCode": store_code, "terminalNo": terminal_no,
                                                                "description": "POS"}, format="json", **auth))
    md = f"/master-data/api/v1/tenants/{tenant_id}"
    if items is not None:
        client.post(f"{md}/categories", {"categoryCode": "001", "description": "Food", "descriptionShort": "F",
                                          "taxCode": "01"}, format="json", **auth)
        for code, price, category, tax in (("49-01", 100, "001", "01"), *items):
            client.post(f"{md}/items", {"itemCode": code, "description": f"Item {code}", "unitPrice": price,
                                        "unitCost": 0, "itemDetails": [], "imageUrls": [],
                                        "categoryCode": category, "taxCode": tax}, format="json", **auth)
        for code, name, change in (("01", "Cash", True), ("11", "Cashless", False), ("12", "Others", False)):
            client.post(f"{md}/payments", {"paymentCode": code, "description": name, "limitAmount": 0,
                                           "canRefund": True, "canDepositOver": change, "canChange": change,
                                           "isActive": True}, format="json", **auth)
        client.post(f"{md}/staff", {"id": "S001", "name": "Staff", "pin": "1234", "roles": ["staff"]},
                    format="json", **auth)
    pos = Pos(client, token, terminal["apiKey"], terminal["terminalId"], tenant_id, store_code, terminal_no)
    terminal_path = f"/terminal/api/v1/terminals/{pos.terminal_id}"
    _ok(client.post(f"{terminal_path}/sign-in", {"staffId": "S001"}, format="json", HTTP_X_API_KEY=pos.api_key))
    if open_terminal:
        _ok(client.post(f"{terminal_path}/open", {}, format="json", HTTP_X_API_KEY=pos.api_key))
    return pos


@pytest.fixture
def pos(api, token_a) -> Pos:
    return set_up_store(api, token_a, items=(
        ("49-02", 1000, "001", "01"),
        ("49-03", 550, "001", "01"),
        ("49-04", 300, "002", "02"),
        ("E-1080", 1080, "002", "12"),
        ("E-500", 500, "002", "00"),
        ("E-999", 999, "002", "11"),
        ("P-198", 198, "002", "01"),
        ("P-333", 333, "002", "01"),
        ("P-334", 334, "002", "01"),
        ("P-600", 600, "002", "01"),
        ("P-400", 400, "002", "01"),
    ))
