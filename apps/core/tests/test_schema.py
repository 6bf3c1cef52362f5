"""The OpenAPI schema (``/api/schema/``) describes what the server really answers: clients and the fuzzer
(tests/test_fuzz.py) read it."""

import pytest

from apps.core.api.schema import ENVELOPE, ERROR_ENVELOPE

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def json_schema(response):
    return response["content"]["application/json"]["schema"]


def test_every_operation_documents_the_error_envelope_for_4xx_and_500(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        if path == "/stock/api/v1/tranlog":  # Dapr's receiver: a bare {"status": "RETRY"} 500 asks for a retry
            assert json_schema(responses["500"])["type"] == "object"
            continue
        assert json_schema(responses["500"]) == ERROR_ENVELOPE, (method, path)
        if path.startswith(("/account/api", "/terminal/api", "/master-data/api", "/cart/api", "/report/api",
                            "/journal/api", "/stock/api")):
            assert json_schema(responses["4XX"]) == ERROR_ENVELOPE, (method, path)


def test_enveloped_endpoints_document_the_envelope_never_a_bare_list(schema):
    terminals = schema["paths"]["/terminal/api/v1/terminals"]
    assert json_schema(terminals["get"]["responses"]["200"]) == ENVELOPE  # was a list of envelopes
    items = schema["paths"]["/master-data/api/v1/tenants/{tenant_id}/items"]
    assert json_schema(items["post"]["responses"]["201"]) == ENVELOPE  # was a free-form object
    assert json_schema(items["get"]["responses"]["200"]) == ENVELOPE
    stock = schema["paths"]["/stock/api/v1/tenants/{tenant_id}/stores/{store_code}/stock"]["get"]
    assert json_schema(stock["responses"]["200"]) == ENVELOPE


def test_bare_bodies_are_documented_as_they_are(schema):
    token = schema["paths"]["/account/api/v1/accounts/token"]["post"]["responses"]
    assert set(token) == {"200", "4XX", "405", "500"}
    assert json_schema(token["200"])["required"] == ["access_token", "token_type"]
    health = schema["paths"]["/health"]["get"]["responses"]
    assert json_schema(health["503"])["properties"]["status"]["enum"] == ["healthy", "unhealthy"]
    subscribe = schema["paths"]["/stock/dapr/subscribe"]["get"]["responses"]
    assert json_schema(subscribe["200"])["type"] == "array"


def test_credentials_are_alternatives_and_authenticated_endpoints_are_not_anonymous(schema):
    items = schema["paths"]["/master-data/api/v1/tenants/{tenant_id}/items"]["get"]
    assert items["security"] == [{"bearerAuth": []}, {"apiKeyAuth": [], "terminalIdAuth": []}]
    assert "terminal_id" in [param["name"] for param in items["parameters"]]  # the API key's terminal
    register_user = schema["paths"]["/account/api/v1/accounts/register/user"]["post"]
    assert register_user["security"] == [{"bearerAuth": []}]
    token = schema["paths"]["/account/api/v1/accounts/token"]["post"]
    assert token["security"] == [{}]
    for path, method, operation in operations(schema):
        security = operation.get("security", [])
        assert security == [{}] or {} not in security, (method, path)


def test_declared_query_parameters_and_whole_patch_bodies_are_documented(schema):
    value = schema["paths"]["/master-data/api/v1/tenants/{tenant_id}/settings/{name}/value"]["get"]
    params = {param["name"]: param for param in value["parameters"]}
    assert params["store_code"]["required"] and params["terminal_no"]["schema"] == {"type": "integer"}
    patch = schema["paths"]["/terminal/api/v1/terminals/{terminal_id}/description"]["patch"]
    ref = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][ref]["required"] == ["description"]  # not a partial "Patched" body
