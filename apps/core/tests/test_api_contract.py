"""The shared API contract (spec/00 §1-§4, §14) through a probe endpoint that uses the core machinery."""

import time

import jwt
import pytest
from django.conf import settings

from apps.account.models import User
from apps.core.auth import encode_jwt, service_token, user_token
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A, TENANT_B, bearer, register_api_key

pytestmark = [pytest.mark.django_db, pytest.mark.urls("apps.core.tests.probe_urls")]

ITEMS_A = f"/probe/api/v1/tenants/{TENANT_A}/items"
ITEMS_B = f"/probe/api/v1/tenants/{TENANT_B}/items"
GOOD_BODY = {"item_code": "A1", "unit_price": 100, "tax_code_1": "01", "item_details": [], "additional_info": {
    "snake_key": 1}}
ENVELOPE_KEYS = ["success", "code", "message", "userError", "data", "metadata", "operation"]
ERROR_KEYS = ["success", "code", "message", "user_error", "data", "metadata", "operation"]


def test_success_envelope_camel_case_out_and_money_as_number(api, token_a):
    response = api.post(ITEMS_A, GOOD_BODY, format="json", **bearer(token_a))
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ENVELOPE_KEYS
    assert body["success"] is True and body["code"] == 201 and body["userError"] is None
    assert body["metadata"] is None and body["operation"] == "probe"
    assert body["data"]["itemCode"] == "A1"
    assert body["data"]["taxCode1"] == "01"
    # free-form dict values keep their keys
    assert body["data"]["additionalInfo"] == {"snake_key": 1}
    assert b'"unitPrice":100.0' in response.content


def test_camel_case_input_is_accepted(api, token_a):
    response = api.post(ITEMS_A, {"itemCode": "A2", "unitPrice": 12.5}, format="json", **bearer(token_a))
    assert response.status_code == 201
    assert response.json()["data"]["unitPrice"] == 12.5


def test_validation_error_envelope(api, token_a):
    response = api.post(ITEMS_A, {"item_code": "A1"}, format="json", **bearer(token_a))
    assert response.status_code == 422
    body = response.json()
    assert list(body) == ERROR_KEYS
    assert body["message"] == "Invalid input data: body -> unitPrice: Field required"
    assert body["user_error"] == {"code": "300001", "message": "入力データが無効です"}
    assert isinstance(body["data"], str)
    assert body["operation"] == "validation_exception_handler"


def test_invalid_json_is_422(api, token_a):
    response = api.generic("POST", ITEMS_A, "{not json", content_type="application/json", **bearer(token_a))
    assert response.status_code == 422
    assert response.json()["message"] == "Invalid input data: body -> 0: JSON decode error"


def test_wrong_types_are_422(api, token_a):
    response = api.post(ITEMS_A, {"item_code": 5, "unit_price": "abc"}, format="json", **bearer(token_a))
    assert response.status_code == 422
    assert "body -> itemCode" in response.json()["message"]
    assert "body -> unitPrice" in response.json()["message"]


def test_no_credential_is_401_even_with_invalid_body(api):
    response = api.post(ITEMS_A, {"junk": True}, format="json")
    assert response.status_code == 401
    body = response.json()
    assert body["message"] == "Unauthorized access : No token or API-KEY provided"
    assert body["user_error"]["code"] == "200001"
    assert body["data"] == "401: Unauthorized access : No token or API-KEY provided"
    assert body["operation"] == "http_exception_handler"
    assert "WWW-Authenticate" not in response


def test_tenant_mismatch_is_400_after_validation(api, token_a, tenant_b):
    response = api.post(ITEMS_B, GOOD_BODY, format="json", **bearer(token_a))
    assert response.status_code == 400
    body = response.json()
    assert body["user_error"] == {"code": "100000", "message": "一般エラーが発生しました"}
    assert body["message"] == (
        f"Tenant ID in URL does not match the tenant ID in the token : tenant_id->{TENANT_B}, "
        f"tenant_id_in_token->{TENANT_A}"
    )
    # validation comes before the tenant check
    response = api.post(ITEMS_B, {}, format="json", **bearer(token_a))
    assert response.status_code == 422


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_bearer_scheme_is_case_insensitive(api, token_a, scheme):
    response = api.get(ITEMS_A, HTTP_AUTHORIZATION=f"{scheme} {token_a}")
    assert response.status_code == 200


def test_bad_and_expired_bearer_are_401(api, admin_a):
    expired = encode_jwt({"sub": "admin", "tenant_id": TENANT_A, "is_superuser": True, "exp": int(time.time()) - 5})
    forged = jwt.encode({"sub": "admin", "tenant_id": TENANT_A, "exp": int(time.time()) + 60}, "other-key",
                        algorithm="HS256")
    no_tenant = encode_jwt({"sub": "admin", "exp": int(time.time()) + 60})
    for token in ("garbage", expired, forged, no_tenant):
        response = api.get(ITEMS_A, **bearer(token))
        assert response.status_code == 401, token
        assert response.json()["message"] == "Could not validate credentials"


def test_non_bearer_authorization_counts_as_no_token(api, admin_a):
    response = api.get(ITEMS_A, HTTP_AUTHORIZATION="Basic YWRtaW46YWRtaW4=")
    assert response.status_code == 401
    assert response.json()["message"] == "Unauthorized access : No token or API-KEY provided"


def test_bearer_wins_over_api_key(api, tenant_a):
    register_api_key(tenant_id=TENANT_A, terminal_id=f"{TENANT_A}-S1-1", api_key="k" * 43)
    query = f"?terminal_id={TENANT_A}-S1-1"
    response = api.get(ITEMS_A + query, HTTP_X_API_KEY="k" * 43, HTTP_AUTHORIZATION="Bearer garbage")
    assert response.status_code == 401
    assert response.json()["message"] == "Could not validate credentials"
    response = api.get(ITEMS_A + query, HTTP_X_API_KEY="k" * 43)
    assert response.status_code == 200


def test_api_key_must_belong_to_the_named_terminal(api, tenant_a, tenant_b):
    register_api_key(tenant_id=TENANT_A, terminal_id=f"{TENANT_A}-S1-1", api_key="a" * 43)
    register_api_key(tenant_id=TENANT_A, terminal_id=f"{TENANT_A}-S1-2", api_key="b" * 43)
    response = api.get(ITEMS_A + f"?terminal_id={TENANT_A}-S1-2", HTTP_X_API_KEY="a" * 43)
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid API Key"
    # a key of tenant A, presented as a terminal of tenant B
    response = api.get(ITEMS_B + f"?terminal_id={TENANT_B}-S1-1", HTTP_X_API_KEY="a" * 43)
    assert response.status_code == 401
    # a key without a terminal id is no credential
    response = api.get(ITEMS_A, HTTP_X_API_KEY="a" * 43)
    assert response.status_code == 401
    assert response.json()["message"] == "Unauthorized access : No token or API-KEY provided"


def test_terminal_jwt_and_service_jwt_are_accepted_on_either_endpoints(api, tenant_a):
    from apps.terminal.tests.factories import TerminalFactory
    from apps.terminal.tokens import terminal_token

    with tenant_context(TENANT_A):
        terminal = terminal_token(TerminalFactory(store_code="S1", terminal_no=1))
    assert api.get(ITEMS_A, **bearer(terminal)).status_code == 200
    now = int(time.time())
    no_such_terminal = encode_jwt({"sub": f"terminal:{TENANT_A}-S1-2", "tenant_id": TENANT_A,
                                   "token_type": "terminal", "terminal_id": f"{TENANT_A}-S1-2", "iat": now,
                                   "exp": now + 60})
    assert api.get(ITEMS_A, **bearer(no_such_terminal)).status_code == 401  # issue #20
    assert api.get(ITEMS_A, **bearer(service_token(service="report", tenant_id=TENANT_A))).status_code == 200


def test_user_only_endpoint_refuses_terminal_jwt(api, token_a):
    now = int(time.time())
    terminal = encode_jwt({"sub": "terminal:x", "tenant_id": TENANT_A, "token_type": "terminal", "exp": now + 60})
    admin_path = f"/probe/api/v1/tenants/{TENANT_A}/admin"
    assert api.get(admin_path, **bearer(terminal)).status_code == 401
    assert api.get(admin_path, **bearer(token_a)).status_code == 200


def test_list_paging_and_metadata(api, token_a):
    with tenant_context(TENANT_A):
        for name in ("u1", "u2", "u3", "u4"):
            User.objects.create_user(name, "x", tenant_id=TENANT_A)
    response = api.get(ITEMS_A + "?limit=2&page=2", **bearer(token_a))
    body = response.json()
    assert response.status_code == 200
    assert [row["userName"] for row in body["data"]] == ["u2", "u3"]  # admin, u1 | u2, u3 | u4
    assert body["metadata"] == {"total": 5, "page": 2, "limit": 2, "sort": "username:1",
                                "filter": {"tenant_id": TENANT_A}}
    response = api.get(ITEMS_A + "?limit=0&sort=username:-1", **bearer(token_a))
    assert [row["userName"] for row in response.json()["data"]] == ["u4", "u3", "u2", "u1", "admin"]


def test_malformed_paging_is_422_not_500(api, token_a):
    for query in ("?sort=username", "?sort=password:1", "?limit=x", "?page=0"):
        response = api.get(ITEMS_A + query, **bearer(token_a))
        assert response.status_code == 422, query
        assert response.json()["user_error"]["code"] == "300001"


def test_isolation_token_of_a_sees_only_a(api, token_a, token_b):
    with tenant_context(TENANT_B):
        User.objects.create_user("only-in-b", "x", tenant_id=TENANT_B)
    listed_a = [row["userName"] for row in api.get(ITEMS_A, **bearer(token_a)).json()["data"]]
    assert listed_a == ["admin"]
    assert "only-in-b" not in listed_a
    assert api.get(ITEMS_B, **bearer(token_a)).status_code == 400
    listed_b = [row["userName"] for row in api.get(ITEMS_B, **bearer(token_b)).json()["data"]]
    assert listed_b == ["admin", "only-in-b"]


def test_unknown_tenant_in_a_valid_token_is_not_found(api):
    token = service_token(service="report", tenant_id="Z9999")
    response = api.get("/probe/api/v1/tenants/Z9999/items", **bearer(token))
    assert response.status_code == 404
    assert response.json()["user_error"]["code"] == "100001"
    # a user JWT names a user, and a tenant that does not exist has none (issue #20)
    token = user_token(username="x", tenant_id="Z9999", is_superuser=True)
    response = api.get("/probe/api/v1/tenants/Z9999/items", **bearer(token))
    assert response.status_code == 401 and response.json()["message"] == "Could not validate credentials"


def test_framework_errors_are_not_enveloped(api):
    response = api.get("/cart/api/v1/nope")
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}
    response = api.delete("/account/api/v1/accounts/token")
    assert response.status_code == 405 and response.json() == {"detail": "Method Not Allowed"}


def test_trailing_slash_is_accepted(api, token_a):
    assert api.get(ITEMS_A + "/", **bearer(token_a)).status_code == 200


def test_cors_allows_any_origin_without_credentials_and_exposes_new_token(api):
    response = api.get("/cart/", HTTP_ORIGIN="http://pos.example")
    assert response["Access-Control-Allow-Origin"] == "*"  # the API authenticates by header (issue #20)
    assert "Access-Control-Allow-Credentials" not in response
    assert "X-New-Token" in response["Access-Control-Expose-Headers"]


def test_unexpected_error_is_a_500_envelope_without_internals(api, token_a, monkeypatch):
    from apps.core.tests import probe_urls

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(probe_urls, "paginate", explode)
    response = api.get(ITEMS_A, **bearer(token_a))
    assert response.status_code == 500
    body = response.json()
    assert body["user_error"]["code"] == "900999"
    assert body["data"] is None
    assert "secret" not in response.content.decode()
    assert settings.DEBUG is False


@pytest.mark.parametrize("url", [
    f"/probe/api/v1/tenants/{TENANT_A}%00/items",
    f"{ITEMS_A}?sort=username%00:1",
    f"{ITEMS_A}?x%00=1",
])
def test_a_nul_in_a_path_or_query_value_is_422_not_a_database_error(api, token_a, url):
    # found by the fuzzer: PostgreSQL cannot compare text with NUL, so such a value reached the database as a 500
    response = api.get(url, **bearer(token_a))
    assert response.status_code == 422
    assert response.json()["user_error"]["code"] == "300001"
    assert "Null characters are not allowed." in response.json()["message"]


def test_a_nul_anywhere_in_a_body_is_422_even_in_free_form_values(api, token_a):
    body = {**GOOD_BODY, "additional_info": {"note": "a\x00b", "k\x00": 1}}
    response = api.post(ITEMS_A, body, format="json", **bearer(token_a))
    assert response.status_code == 422
    assert response.json()["message"] == (
        "Invalid input data: body -> additional_info -> note: Null characters are not allowed.; "
        "body -> additional_info -> k\x00: Null characters are not allowed."
    )


def test_a_nul_is_checked_after_authentication(api):
    response = api.get(f"{ITEMS_A}?sort=%00")
    assert response.status_code == 401


def test_a_null_body_is_a_missing_body_422(api, token_a):
    # found by the fuzzer: `null` was taken for `{}`, so POST /cart/api/v1/carts with a null body created a cart
    response = api.post(ITEMS_A, "null", content_type="application/json", **bearer(token_a))
    assert response.status_code == 422
    assert response.json()["message"] == "Invalid input data: body: Field required"
