"""Terminals R1-R6, the API key (at rest and in the index), the token exchange and the auth rules of §3."""

from __future__ import annotations

import time

import jwt
import pytest
from django.conf import settings
from django.db import connection

from apps.core.auth import api_key_hash, encode_jwt, service_token, user_token
from apps.core.models import ApiKeyIndex
from apps.core.tenancy import tenant_context
from apps.terminal import crypto, services
from apps.terminal.models import Terminal
from apps.terminal.tests.factories import TerminalFactory
from tests.support import TENANT_A, TENANT_B, bearer

pytestmark = pytest.mark.django_db

TERMINALS = "/terminal/api/v1/terminals"
TOKEN = "/terminal/api/v1/auth/token"
NO_CREDENTIAL = "Unauthorized access : No token or API-KEY provided"


def code_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["user_error"]["code"]


def terminal_jwt(api, api_key: str) -> str:
    return api.post(TOKEN, HTTP_X_API_KEY=api_key).json()["data"]["access_token"]


# --- R1 / API key -------------------------------------------------------------------------------------------
def test_r1_stores_the_key_encrypted_and_indexes_its_hash(api, token_a):
    response = api.post(
        TERMINALS, {"storeCode": "5678", "terminalNo": 9, "description": "Till"}, format="json", **bearer(token_a)
    )
    assert response.status_code == 201
    body = response.json()
    assert body["message"] == f"Terminal Created. terminal_id: {TENANT_A}-5678-9"
    assert body["operation"] == "create_terminal"
    data = body["data"]
    assert list(data) == [
        "terminalId",
        "tenantId",
        "storeCode",
        "terminalNo",
        "description",
        "functionMode",
        "status",
        "businessDate",
        "openCounter",
        "businessCounter",
        "initialAmount",
        "physicalAmount",
        "staff",
        "apiKey",
        "entryDatetime",
        "lastUpdateDatetime",
    ]
    api_key = data["apiKey"]
    with tenant_context(TENANT_A):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT api_key_encrypted FROM terminal_terminal WHERE terminal_id = %s", [data["terminalId"]]
            )
            stored = cursor.fetchone()[0]
    assert api_key not in stored and crypto.api_key_decrypt(stored) == api_key
    entry = ApiKeyIndex.objects.get(terminal_id=data["terminalId"])
    assert (entry.key_hash, entry.tenant_id) == (api_key_hash(api_key), TENANT_A)
    assert api_key not in entry.key_hash


def test_r1_validation(api, token_a):
    T = bearer(token_a)
    for body in (
        {"store_code": "5678", "description": "x"},
        {"store_code": "5678", "terminal_no": "nine", "description": "x"},
        {"store_code": 5678, "terminal_no": 1, "description": "x"},
        {"store_code": "56-78", "terminal_no": 1, "description": "x"},
        {"store_code": "5678", "terminal_no": 1},
    ):
        assert code_of(api.post(TERMINALS, body, format="json", **T)) == (422, "300001"), body
    assert not ApiKeyIndex.objects.exists()


def test_an_encrypted_key_survives_a_secret_rotation(settings):
    token = crypto.api_key_encrypt("the-key")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret"
    assert crypto.api_key_decrypt(token) == "the-key"


# --- R2 -----------------------------------------------------------------------------------------------------
def test_r2_pages_sorts_filters_and_echoes_metadata(api, token_a, tenant_a, django_assert_max_num_queries):
    with tenant_context(TENANT_A):
        for store, number in (("S1", 3), ("S1", 1), ("S2", 2), ("S1", 2)):
            TerminalFactory(store_code=store, terminal_no=number)
    T = bearer(token_a)
    with django_assert_max_num_queries(4):
        response = api.get(f"{TERMINALS}?limit=2&page=2", **T)
    body = response.json()
    assert [t["terminalId"] for t in body["data"]] == [f"{TENANT_A}-S1-3", f"{TENANT_A}-S2-2"]
    assert body["metadata"] == {
        "total": 4,
        "page": 2,
        "limit": 2,
        "sort": "terminal_id:1",
        "filter": {"tenant_id": TENANT_A},
    }
    assert body["message"] == "Terminals Retrieved. count: 2" and body["operation"] == "get_terminals"

    body = api.get(f"{TERMINALS}?store_code=S1&sort=terminal_no:-1&limit=0", **T).json()
    assert [t["terminalNo"] for t in body["data"]] == [3, 2, 1]
    assert body["metadata"] == {
        "total": 3,
        "page": 1,
        "limit": 0,
        "sort": "terminal_no:-1",
        "filter": {"tenant_id": TENANT_A, "store_code": "S1"},
    }
    assert code_of(api.get(f"{TERMINALS}?sort=secret:1", **T)) == (422, "300001")
    assert code_of(api.get(f"{TERMINALS}?page=0", **T)) == (422, "300001")


def test_r2_lists_only_the_callers_tenant(api, token_b, term_a):
    body = api.get(TERMINALS, **bearer(token_b)).json()
    assert body["data"] == [] and body["metadata"]["total"] == 0


# --- R3-R6 --------------------------------------------------------------------------------------------------
def test_r3_unknown_terminal_is_404(api, term_a):
    response = api.get(f"{TERMINALS}/{TENANT_A}-5678-77", **bearer(term_a.T))
    assert code_of(response) == (404, "100001")


def test_r4_deletes_in_any_status_and_the_key_stops_working(api, term_a, clock):
    key = {"HTTP_X_API_KEY": term_a.K}
    api.post(f"{term_a.url}/open", **key)
    response = api.delete(term_a.url, **bearer(term_a.T))
    assert response.status_code == 200 and response.json()["data"] == {"terminalId": term_a.terminal_id}
    assert response.json()["message"] == f"Terminal Deleted. terminal_id: {term_a.terminal_id}"
    assert not ApiKeyIndex.objects.filter(terminal_id=term_a.terminal_id).exists()
    assert code_of(api.get(term_a.url, **key)) == (401, "200001")
    assert code_of(api.post(TOKEN, **key)) == (401, "200001")
    assert code_of(api.delete(term_a.url, **bearer(term_a.T))) == (400, "500004")


def test_r4_refuses_the_terminal_itself(api, term_a):
    assert code_of(api.delete(term_a.url, HTTP_X_API_KEY=term_a.K)) == (401, "200001")
    assert code_of(api.delete(term_a.url, **bearer(terminal_jwt(api, term_a.K)))) == (401, "200001")
    assert ApiKeyIndex.objects.filter(terminal_id=term_a.terminal_id).exists()


def test_r5_description_and_no_new_token(api, term_a, clock):
    response = api.patch(
        f"{term_a.url}/description", {"description": "Front till"}, format="json", HTTP_X_API_KEY=term_a.K
    )
    assert response.status_code == 200 and response.json()["data"]["description"] == "Front till"
    assert response.json()["message"] == f"Terminal Description Updated. terminal_id: {term_a.terminal_id}"
    assert response.json()["data"]["lastUpdateDatetime"] == "2025-01-15 00:00:00"
    assert "X-New-Token" not in response
    assert code_of(
        api.patch(f"{term_a.url}/description", {"description": 5}, format="json", HTTP_X_API_KEY=term_a.K)
    ) == (422, "300001")
    unknown = api.patch(
        f"{TERMINALS}/{TENANT_A}-5678-77/description", {"description": "x"}, format="json", **bearer(term_a.T)
    )
    assert code_of(unknown) == (404, "100001")


def test_r6_unknown_modes_are_stored_verbatim(api, term_a):
    response = api.patch(
        f"{term_a.url}/function_mode", {"functionMode": "Whatever"}, format="json", HTTP_X_API_KEY=term_a.K
    )
    assert response.status_code == 200 and response.json()["data"]["functionMode"] == "Whatever"
    assert "X-New-Token" not in response
    unknown = api.patch(
        f"{TERMINALS}/{TENANT_A}-5678-77/function_mode", {"function_mode": "Sales"}, format="json", **bearer(term_a.T)
    )
    assert code_of(unknown) == (404, "100001")


# --- token exchange (§5.4) ----------------------------------------------------------------------------------
def test_token_with_terminal_id_query_and_scan_form(api, term_a):
    direct = api.post(f"{TOKEN}?terminal_id={term_a.terminal_id}", HTTP_X_API_KEY=term_a.K)
    assert direct.status_code == 200
    claims = jwt.decode(direct.json()["data"]["access_token"], settings.SECRET_KEY, algorithms=["HS256"])
    assert {k: claims[k] for k in ("tenant_id", "store_code", "terminal_no", "terminal_id", "business_counter")} == {
        "tenant_id": TENANT_A,
        "store_code": "5678",
        "terminal_no": 1,
        "terminal_id": term_a.terminal_id,
        "business_counter": 0,
    }
    assert abs(claims["iat"] - time.time()) < 60

    wrong_terminal = api.post(f"{TOKEN}?terminal_id={TENANT_A}-5678-2", HTTP_X_API_KEY=term_a.K)
    assert code_of(wrong_terminal) == (401, "200001") and wrong_terminal.json()["message"] == "Invalid API Key"
    scan = api.post(TOKEN, HTTP_X_API_KEY="not-a-key")
    assert code_of(scan) == (401, "200001") and scan.json()["message"] == "Invalid API key"
    notify = api.post(TOKEN, HTTP_X_API_KEY=settings.PUBSUB_NOTIFY_API_KEY)
    assert code_of(notify) == (401, "200001")
    # a bearer token is no credential here
    assert code_of(api.post(TOKEN, **bearer(term_a.T))) == (401, "200001")


def test_a_terminal_jwt_is_a_terminal_credential_and_expires(api, term_a, clock):
    token = terminal_jwt(api, term_a.K)
    assert api.post(f"{term_a.url}/sign-in", {"staffId": "S001"}, format="json", **bearer(token)).status_code == 200
    claims = jwt.decode(token, settings.SECRET_KEY, algorithms=["HS256"])
    expired = encode_jwt({**claims, "iat": claims["iat"] - 90000, "exp": claims["exp"] - 90000})
    response = api.get(term_a.url, **bearer(expired))
    assert code_of(response) == (401, "200001") and response.json()["message"] == "Could not validate credentials"


# --- auth matrix (§3) ---------------------------------------------------------------------------------------
def either_endpoints(url: str) -> list[tuple[str, str, dict | None]]:
    return [
        ("get", f"/terminal/api/v1/tenants/{TENANT_A}", None),
        ("get", f"/terminal/api/v1/tenants/{TENANT_A}/stores", None),
        ("get", f"/terminal/api/v1/tenants/{TENANT_A}/stores/5678", None),
        ("get", TERMINALS, None),
        ("get", url, None),
        ("patch", f"{url}/description", {"description": 1}),
        ("patch", f"{url}/function_mode", {}),
        ("post", f"{url}/sign-in", {}),
        ("post", f"{url}/sign-out", None),
        ("post", f"{url}/open", {"initial_amount": "x"}),
        ("post", f"{url}/close", None),
        ("post", f"{url}/cash-in", {}),
        ("post", f"{url}/cash-out", {}),
    ]


def user_endpoints(url: str) -> list[tuple[str, str, dict | None]]:
    return [
        ("post", "/terminal/api/v1/tenants", {}),
        ("put", f"/terminal/api/v1/tenants/{TENANT_A}", {}),
        ("delete", f"/terminal/api/v1/tenants/{TENANT_A}", None),
        ("post", f"/terminal/api/v1/tenants/{TENANT_A}/stores", {}),
        ("put", f"/terminal/api/v1/tenants/{TENANT_A}/stores/5678", {}),
        ("delete", f"/terminal/api/v1/tenants/{TENANT_A}/stores/5678", None),
        ("post", TERMINALS, {}),
        ("delete", url, None),
    ]


def call(api, method, path, body, **headers):
    return (
        getattr(api, method)(path, body, format="json", **headers)
        if body is not None
        else getattr(api, method)(path, **headers)
    )


def test_no_credential_is_401_before_any_body_validation(api, term_a):
    for method, path, body in either_endpoints(term_a.url) + user_endpoints(term_a.url):
        response = call(api, method, path, body)
        assert code_of(response) == (401, "200001"), path
        assert response.json()["message"] == NO_CREDENTIAL
        assert response.json()["data"] == f"401: {NO_CREDENTIAL}"
        assert response.json()["operation"] == "http_exception_handler"
        assert "WWW-Authenticate" not in response


def test_a_bad_bearer_is_401_even_with_a_valid_api_key(api, term_a):
    for method, path, body in either_endpoints(term_a.url) + user_endpoints(term_a.url):
        response = call(api, method, path, body, HTTP_AUTHORIZATION="Bearer garbage", HTTP_X_API_KEY=term_a.K)
        assert code_of(response) == (401, "200001"), path
        assert response.json()["message"] == "Could not validate credentials"


def test_another_terminals_key_is_invalid_on_the_terminal_paths(api, term_a):
    with tenant_context(TENANT_A):
        other_key = services.terminal_api_key(TerminalFactory(terminal_no=2))
    for method, path, body in either_endpoints(term_a.url)[4:]:
        response = call(api, method, path, body, HTTP_X_API_KEY=other_key)
        assert code_of(response) == (401, "200001"), path
        assert response.json()["message"] == "Invalid API Key"


def test_validation_comes_after_auth_and_before_business_rules(api, term_a):
    key = {"HTTP_X_API_KEY": term_a.K}
    for method, path, body in either_endpoints(term_a.url)[5:]:
        if body is None or method == "post" and path.endswith(("sign-out", "close")):
            continue
        if path.endswith("/open"):
            assert code_of(call(api, method, path, body, **key)) == (422, "300001"), path
            continue
        assert code_of(call(api, method, path, body, **key)) == (422, "300001"), path
    # ... and before the tenant mismatch
    response = api.put(f"/terminal/api/v1/tenants/{TENANT_B}", {}, format="json", **bearer(term_a.T))
    assert code_of(response) == (422, "300001")


def test_a_user_of_another_tenant_sees_no_terminal(api, term_a, token_b):
    for method, path, body in either_endpoints(term_a.url)[4:]:
        if body is not None and not body:
            body = {"staff_id": "S001", "function_mode": "MainMenu", "amount": 1}
        if path.endswith("/description"):
            body = {"description": "x"}
        if path.endswith("/open"):
            body = {}
        response = call(api, method, path, body, **bearer(token_b))
        assert code_of(response) == (404, "100001"), path


def test_delivery_status_refuses_everything_but_the_notify_credentials(api, term_a, clock):
    api.post(f"{term_a.url}/open", HTTP_X_API_KEY=term_a.K)
    from apps.core.models import EventRecord

    event_id = EventRecord.objects.get(tenant_id=TENANT_A).event_id
    url = f"{term_a.url}/delivery-status"
    body = {"event_id": event_id, "service": "journal", "status": "failed", "message": "disk full"}
    for headers in (
        {},
        {"HTTP_X_API_KEY": term_a.K},
        bearer(term_a.T),
        bearer(terminal_jwt(api, term_a.K)),
        {"HTTP_X_API_KEY": "wrong"},
    ):
        response = api.post(url, body, format="json", **headers)
        assert code_of(response) == (401, "200001")
        assert response.json()["message"] == "Invalid authentication for pub/sub notification"
    service = bearer(service_token(service="journal", tenant_id=TENANT_A))
    assert api.post(url, body, format="json", **service).status_code == 200
    from apps.core.events import delivery_record

    record = delivery_record(event_id=event_id)
    journal = record.deliveries.get(service_name="journal")
    assert (journal.status, journal.message, record.status) == ("failed", "disk full", "published")


def test_delivery_status_body_is_snake_case_only(api, term_a):
    notify = {"HTTP_X_API_KEY": settings.PUBSUB_NOTIFY_API_KEY}
    response = api.post(
        f"{term_a.url}/delivery-status",
        {"eventId": "E", "service": "report", "status": "received"},
        format="json",
        **notify,
    )
    assert code_of(response) == (422, "300001")
    assert "event_id: Field required" in response.json()["message"]


def test_user_jwt_of_the_tenant_operates_any_of_its_terminals(api, term_a, clock):
    T = bearer(term_a.T)
    assert api.post(f"{term_a.url}/sign-in", {"staff_id": "S001"}, format="json", **T).status_code == 200
    response = api.post(f"{term_a.url}/open", {"initialAmount": 1000}, format="json", **T)
    assert response.status_code == 200 and "X-New-Token" in response
    assert user_token(username="x", tenant_id=TENANT_A, is_superuser=False)  # any user of the tenant, no DB check
    with tenant_context(TENANT_A):
        assert Terminal.objects.get().status == "Opened"


def test_r1_duplicate_keeps_the_first_key_and_its_index_entry(api, term_a):
    response = api.post(
        TERMINALS, {"store_code": "5678", "terminal_no": 1, "description": "again"}, format="json", **bearer(term_a.T)
    )
    assert code_of(response) == (400, "406002")
    assert response.json()["message"] == f"Terminal already exists: {term_a.terminal_id}"
    entries = ApiKeyIndex.objects.filter(terminal_id=term_a.terminal_id)
    assert [entry.key_hash for entry in entries] == [api_key_hash(term_a.K)]
    assert api.get(term_a.url, HTTP_X_API_KEY=term_a.K).json()["data"]["description"] != "again"
