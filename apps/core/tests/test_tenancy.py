"""Tenant registry, schemas and the per-service tenant initialisation (spec/00 §6, scenario 8)."""

import pytest
from django.db import IntegrityError, connection
from django_tenants.utils import schema_exists

from apps.core import tenancy
from apps.core.auth import service_token
from tests.support import TENANT_A, bearer

pytestmark = pytest.mark.django_db

SERVICES = ["master-data", "cart", "report", "journal", "stock"]


def test_schema_names_are_derived_and_case_clashes_are_taken(tenant_a):
    assert tenant_a.schema_name == "t_" + TENANT_A.lower()
    assert tenancy.tenant_id_taken(TENANT_A.lower())
    with pytest.raises(IntegrityError):
        tenancy.tenant_create(tenant_id=TENANT_A.lower())


def test_a_created_tenant_has_its_own_migrated_schema():
    tenant = tenancy.tenant_create(tenant_id="New_1")
    assert schema_exists("t_new_1")
    with tenancy.tenant_context("New_1"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM account_user")
            assert cursor.fetchone() == (0,)
    assert tenant.tenant_id == "New_1"


@pytest.mark.parametrize("service", SERVICES)
def test_per_service_tenant_init_is_idempotent(api, service):
    # no user can exist in a tenant not created yet (issue #20): the internal caller's service JWT
    token = service_token(service="cart-service", tenant_id="T9")
    for _ in range(2):
        response = api.post(f"/{service}/api/v1/tenants", {"tenant_id": "T9"}, format="json", **bearer(token))
        assert response.status_code == 201
        body = response.json()
        assert body["data"] == {"tenantId": "T9"}
        assert body["message"] == "Creating tenant has completed: T9"
        assert body["operation"] == "create_tenant"
    assert tenancy.tenant_get("T9") is not None
    response = api.post(f"/{service}/api/v1/tenants", {"tenantId": "T8"}, format="json", **bearer(token))
    assert response.status_code == 400
    assert response.json()["user_error"]["code"] == "100000"
    assert tenancy.tenant_get("T8") is None


def test_tenant_init_needs_a_jwt(api, token_a):
    response = api.post("/cart/api/v1/tenants", {"tenant_id": TENANT_A}, format="json")
    assert response.status_code == 401
    response = api.post("/cart/api/v1/tenants", {}, format="json", **bearer(token_a))
    assert response.status_code == 422


@pytest.mark.parametrize("key", ["not-a-key", None])
def test_an_api_key_request_enters_the_named_tenant_only_for_itself(api, tenant_a, key):
    """The API-key check runs inside the tenant the terminal id names (one search path per request); a refused
    key still ends the request back in public, and entering the same tenant twice changes nothing."""
    headers = {"HTTP_X_API_KEY": key} if key else {}
    response = api.get(f"/cart/api/v1/carts/0?terminal_id={TENANT_A}-5678-9", **headers)
    assert response.status_code == 401
    assert connection.schema_name == "public"

    tenancy.activate(tenant_a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    set_once = connection.search_path_set_schemas
    tenancy.activate(tenant_a)  # already there: the search path set stays valid
    assert connection.search_path_set_schemas == set_once
    connection.set_schema_to_public()
