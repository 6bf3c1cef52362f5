"""Idempotency-Key's pure parts (issue #23): the request's normalisation, the scope, the sealed answer, and the
header in the OpenAPI schema."""

import pytest
from rest_framework.test import APIClient

from apps.core.auth import Credential
from apps.core.idempotency import caller_of, normalized_body, scope_of, seal, unseal

JSON = "application/json"


@pytest.mark.parametrize(("one", "other"), [
    (b'{"a": 1, "b": [1, 2]}', b'{"b":[1,2],"a":1}'),
    (b'{"amount": 1.50, "x": "y"}', b'{"x":"y",  "amount":1.50}'),
    (b'[{"itemCode": "49-01", "quantity": 1}]', b'[ {"quantity":1, "itemCode":"49-01"} ]'),
])
def test_the_same_json_in_another_layout_is_the_same_request(one, other):
    assert normalized_body(JSON, one) == normalized_body(JSON, other)


@pytest.mark.parametrize(("one", "other"), [
    (b'{"amount": 1.0}', b'{"amount": 1.00}'),  # numbers as written: amounts are Decimal inside
    (b'{"amount": 100}', b'{"amount": "100"}'),
    (b'{"amount": 1.5}', b'{"amount": "1.5"}'),
    (b'{"amount": 0.1}', b'{"amount": 0.1000000000000000055511151231257827}'),  # one float, two decimals
    (b'[1, 2]', b'[2, 1]'),
])
def test_different_json_is_a_different_request(one, other):
    assert normalized_body(JSON, one) != normalized_body(JSON, other)


def test_forms_are_compared_field_by_field_and_anything_else_byte_for_byte():
    form = "application/x-www-form-urlencoded"
    assert normalized_body(form, b"username=a&password=b") == normalized_body(form, b"password=b&username=a")
    assert normalized_body(JSON, b"{not json") == b"{not json"
    assert normalized_body("text/plain", b"a b") == b"a b"
    assert normalized_body(JSON, b"[" * 5000) == b"[" * 5000  # too deep for the parser: the bytes as sent


def test_a_terminal_is_one_caller_with_its_api_key_or_its_jwt():
    api_key = Credential("api_key", "T1", {}, terminal_id="T1-S-1")
    jwt = Credential("terminal", "T1", {"terminal_id": "T1-S-1"}, terminal_id="T1-S-1")
    user = Credential("user", "T1", {"sub": "admin"})
    assert caller_of(api_key) == caller_of(jwt) == ("T1", "terminal:T1-S-1")
    assert caller_of(user) == ("T1", "user:admin")
    assert caller_of(None) == ("", "anonymous")
    assert scope_of("T1", "user:admin", "POST", "/p", "k") != scope_of("T1", "user:admin", "POST", "/p2", "k")
    assert scope_of("T1", "user:admin", "POST", "/p", "k") != scope_of("T2", "user:admin", "POST", "/p", "k")


def test_a_sealed_answer_opens_only_under_its_own_scope(settings):
    body = b'{"data": {"apiKey": "secret-key"}}' * 20
    sealed = seal(body, "scope-1")
    assert b"secret-key" not in sealed and len(sealed) < len(body)
    assert unseal(sealed, "scope-1") == body
    with pytest.raises(Exception):  # noqa: B017, PT011 - cryptography's InvalidTag
        unseal(sealed, "scope-2")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-rotated-secret-key-that-is-long-enough-for-hmac"
    assert unseal(sealed, "scope-1") == body  # a rotated secret still opens the answers stored before


@pytest.mark.django_db
def test_every_mutating_operation_documents_the_header_and_no_read_does():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    seen = 0
    for item in schema["paths"].values():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
            names = [p["name"] for p in headers]
            if method == "get":
                assert "Idempotency-Key" not in names
            else:
                seen += 1
                [header] = [p for p in headers if p["name"] == "Idempotency-Key"]
                assert header["required"] is False and header["schema"]["maxLength"] == 255
    assert seen > 80
