"""A small client of the Kugelpos HTTP API for the browser tests (standard library only): what a POS terminal
and a back-office script would call, against the server the test run started."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class ApiError(AssertionError):
    def __init__(self, method: str, url: str, status: int, body: Any) -> None:
        super().__init__(f"{method} {url} -> {status}: {body}")
        self.status = status
        self.body = body


@dataclass
class Api:
    base_url: str
    headers: dict

    def call(self, method: str, path: str, body: Any = None, *, expect: tuple[int, ...] = (200, 201)) -> Any:
        """The envelope's ``data`` of a JSON call; any other status than ``expect`` raises ``ApiError``."""
        url = self.base_url + path
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method.upper(),
                                         headers={"Content-Type": "application/json", **self.headers})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        payload = json.loads(raw) if raw else None
        if status not in expect:
            raise ApiError(method, url, status, payload)
        return payload.get("data") if isinstance(payload, dict) and "data" in payload else payload

    def get(self, path: str, **params: Any) -> Any:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        return self.call("GET", f"{path}?{query}" if query else path)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("POST", path, {} if body is None else body)

    def put(self, path: str, body: Any) -> Any:
        return self.call("PUT", path, body)


def user_api(base_url: str, *, tenant_id: str, username: str, password: str) -> Api:
    """Signed in as a back-office user (``POST /account/api/v1/accounts/token``, form-encoded as in Kugelpos)."""
    form = urllib.parse.urlencode({"username": username, "password": password, "client_id": tenant_id}).encode()
    request = urllib.request.Request(f"{base_url}/account/api/v1/accounts/token", data=form, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=30) as response:
        token = json.loads(response.read())["access_token"]
    return Api(base_url, {"Authorization": f"Bearer {token}"})


@dataclass
class Terminal:
    """A POS terminal talking to the API with its API key, as a Kugelpos client does."""

    api: Api
    terminal_id: str
    tenant_id: str
    store_code: str
    terminal_no: int

    @classmethod
    def connect(cls, base_url: str, info: dict) -> Terminal:
        return cls(Api(base_url, {"X-API-KEY": info["apiKey"]}), info["terminalId"], info["tenantId"],
                   info["storeCode"], info["terminalNo"])

    def _terminal(self, command: str, body: dict | None = None) -> dict:
        return self.api.post(f"/terminal/api/v1/terminals/{self.terminal_id}/{command}", body or {})

    def state(self) -> dict:
        return self.api.get(f"/terminal/api/v1/terminals/{self.terminal_id}")

    def sign_in(self, staff_id: str) -> dict:
        return self._terminal("sign-in", {"staffId": staff_id})

    def open(self, initial_amount: float = 0) -> dict:
        return self._terminal("open", {"initialAmount": initial_amount})

    def close(self, physical_amount: float | None = None) -> dict:
        return self._terminal("close", {"physicalAmount": physical_amount})

    def ready(self, staff_id: str = "S001") -> dict:
        """Signed in and opened (whatever state it was left in)."""
        state = self.state()
        if not state.get("staff"):
            self.sign_in(staff_id)
        if state["status"] != "Opened":
            return self.open(10000)
        return state

    def _cart(self, method: str, path: str, body: Any = None) -> Any:
        joiner = "&" if "?" in path else "?"
        return self.api.call(method, f"/cart/api/v1{path}{joiner}terminal_id={self.terminal_id}", body)

    def sell(self, *lines: tuple[str, float], payment_code: str = "01", tendered: float | None = None) -> dict:
        """One sale: a cart, its lines, subtotal, payment (the exact total unless ``tendered``), bill."""
        cart_id = self._cart("POST", "/carts", {})["cartId"]
        self._cart("POST", f"/carts/{cart_id}/lineItems",
                   [{"itemCode": code, "quantity": quantity} for code, quantity in lines])
        total = self._cart("POST", f"/carts/{cart_id}/subtotal")["totalAmountWithTax"]
        self._cart("POST", f"/carts/{cart_id}/payments",
                   [{"paymentCode": payment_code, "amount": total if tendered is None else tendered}])
        return self._cart("POST", f"/carts/{cart_id}/bill")


def wait_for(probe: Callable[[], Any], *, what: str, timeout: float = 30, interval: float = 0.3) -> Any:
    """Poll ``probe`` until it returns something truthy (the fan-out through Celery is asynchronous)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = probe()
        except ApiError as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; last: {last!r}")
