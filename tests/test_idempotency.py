"""Idempotency-Key on every mutating endpoint family (issue #23).

For each family: a retry with the same key answers the first answer byte for byte (``Idempotent-Replayed: true``)
and writes nothing at all (no row inserted, updated or deleted in any table of any schema: PostgreSQL's own
per-transaction counters, ``pg_stat_xact_user_tables``, are read before and after); the same key with another
request is 422 ``100002`` and writes nothing either.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.account.models import User
from apps.cart.models import Transaction
from apps.cart.tests.conftest import STORE, set_up_store
from apps.core.models import ConsumedEvent, EventRecord, IdempotencyRecord
from apps.core.tenancy import tenant_context
from apps.journal.tests.factories import CashlogPayloadFactory, TranlogPayloadFactory
from tests.support import TENANT_A, bearer

pytestmark = pytest.mark.django_db


def writes() -> int:
    """Rows inserted, updated or deleted so far by this connection's transaction, in every table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        return int(cursor.fetchone()[0])


def send(client: APIClient, method: str, path: str, body=None, *, key: str | None = None, form: bool = False,
         **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    if form:
        from urllib.parse import urlencode

        return client.generic(method, path, urlencode(body or {}), "application/x-www-form-urlencoded", **headers)
    data = "" if body is None else json.dumps(body)
    return client.generic(method, path, data, "application/json", **headers)


def assert_retry_is_a_replay(client, method, path, body=None, *, status=(200, 201), form=False, **headers):
    """Send once with a fresh key, then again: same answer, no writes; another query with the key: 422."""
    key = str(uuid.uuid4())
    first = send(client, method, path, body, key=key, form=form, **headers)
    assert first.status_code in status, first.content.decode()
    assert not first.has_header("Idempotent-Replayed")
    before = writes()
    again = send(client, method, path, body, key=key, form=form, **headers)
    assert writes() == before
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"] == first["Content-Type"]
    other = send(client, method, path + ("&" if "?" in path else "?") + "another=1", body, key=key, form=form,
                 **headers)
    assert other.status_code == 422, other.content.decode()
    assert other.json()["user_error"]["code"] == "100002"
    assert writes() == before
    return first


@pytest.fixture
def store(api, token_a):
    return set_up_store(api, token_a, open_terminal=False)


def cart_url(pos, path: str) -> str:
    return f"/cart/api/v1{path}?terminal_id={pos.terminal_id}"


def key_header(pos) -> dict:
    return {"HTTP_X_API_KEY": pos.api_key}


def event_count(event_type: str) -> int:
    return EventRecord.objects.filter(tenant_id=TENANT_A, event_type=event_type).count()


# --- account ------------------------------------------------------------------------------------------------
def test_account_register_user_retry_creates_one_user(api, token_a):
    assert_retry_is_a_replay(api, "POST", "/account/api/v1/accounts/register/user",
                             {"username": "clerk1", "password": "secret-1"}, **bearer(token_a))
    with tenant_context(TENANT_A):
        assert User.objects.filter(username="clerk1").count() == 1


def test_account_login_retry_replays_and_failed_logins_still_count_towards_the_limit(api, admin_a, settings):
    first = assert_retry_is_a_replay(api, "POST", "/account/api/v1/accounts/token",
                                     {"username": "admin", "password": "admin", "client_id": TENANT_A}, form=True)
    assert first.json()["token_type"] == "bearer"
    # a key is no way around the rate limit: failures are never stored, each one runs and counts
    key = str(uuid.uuid4())
    bad = {"username": "admin", "password": "wrong", "client_id": TENANT_A}
    statuses = [send(api, "POST", "/account/api/v1/accounts/token", bad, key=key, form=True).status_code
                for _ in range(settings.LOGIN_RATE_LIMIT_FAILURES + 1)]
    assert statuses[:-1] == [401] * settings.LOGIN_RATE_LIMIT_FAILURES
    assert statuses[-1] == 429
    assert not IdempotencyRecord.objects.filter(key=key).exists()


def test_superuser_registration_retry_creates_one_tenant_and_one_schema(api):
    from django_tenants.utils import schema_exists

    from apps.core.models import Tenant
    from apps.core.tenancy import schema_name_for

    first = assert_retry_is_a_replay(api, "POST", "/account/api/v1/accounts/register",
                                     {"username": "owner", "password": "owner-secret", "tenantId": "IDEMREG"})
    assert first.status_code == 201 and first.json()["data"]["tenantId"] == "IDEMREG"
    assert Tenant.objects.filter(tenant_id__iexact="IDEMREG").count() == 1
    assert schema_exists(schema_name_for("IDEMREG"))
    with tenant_context("IDEMREG"):
        assert User.objects.filter(username="owner").count() == 1


def test_service_tenant_creation_retry_creates_one_tenant(api):
    from django_tenants.utils import schema_exists

    from apps.core.auth import service_token
    from apps.core.models import Tenant
    from apps.core.tenancy import schema_name_for

    token = service_token(service="cart", tenant_id="IDEMSVC")
    first = assert_retry_is_a_replay(api, "POST", "/cart/api/v1/tenants", {"tenantId": "IDEMSVC"},
                                     status=(201,), **bearer(token))
    assert first.json()["data"] == {"tenantId": "IDEMSVC"}
    assert Tenant.objects.filter(tenant_id__iexact="IDEMSVC").count() == 1
    assert schema_exists(schema_name_for("IDEMSVC"))


# --- terminal actions and cash --------------------------------------------------------------------------------
def test_terminal_open_close_and_cash_retries_have_one_effect(api, store):
    terminal = f"/terminal/api/v1/terminals/{store.terminal_id}"
    assert_retry_is_a_replay(api, "POST", f"{terminal}/open", {"initialAmount": 10000}, **key_header(store))
    assert_retry_is_a_replay(api, "POST", f"{terminal}/cash-in", {"amount": 500}, **key_header(store))
    assert_retry_is_a_replay(api, "POST", f"{terminal}/cash-out", {"amount": 300}, **key_header(store))
    assert_retry_is_a_replay(api, "POST", f"{terminal}/close", {"physicalAmount": 10200}, **key_header(store))
    assert event_count("cashlog") == 3  # the initial amount, one cash-in, one cash-out
    assert event_count("opencloselog") == 2


def test_terminal_creation_is_replayed_and_its_api_key_is_not_stored_in_clear(api, token_a):
    first = assert_retry_is_a_replay(api, "POST", "/terminal/api/v1/terminals",
                                     {"storeCode": STORE, "terminalNo": 42, "description": "POS"},
                                     **bearer(token_a))
    api_key = first.json()["data"]["apiKey"]
    record = IdempotencyRecord.objects.get(path="/terminal/api/v1/terminals")
    assert api_key.encode() not in bytes(record.body)
    from apps.core.idempotency import unseal

    assert unseal(bytes(record.body), record.scope) == first.content


# --- master data ----------------------------------------------------------------------------------------------
def test_master_data_create_update_delete_retries_have_one_effect(api, store, token_a):
    items = f"/master-data/api/v1/tenants/{TENANT_A}/items"
    body = {"itemCode": "X-1", "description": "Item X", "unitPrice": 100, "unitCost": 0, "itemDetails": [],
            "imageUrls": [], "categoryCode": "001", "taxCode": "01"}
    assert_retry_is_a_replay(api, "POST", items, body, **bearer(token_a))
    assert_retry_is_a_replay(api, "PUT", f"{items}/X-1", {**body, "unitPrice": 120}, **bearer(token_a))
    assert_retry_is_a_replay(api, "DELETE", f"{items}/X-1", **bearer(token_a))


# --- cart commands, bill, void, return -----------------------------------------------------------------------
def test_cart_commands_and_bill_retries_have_one_effect(api, store):
    send(api, "POST", f"/terminal/api/v1/terminals/{store.terminal_id}/open", {}, **key_header(store))
    created = assert_retry_is_a_replay(api, "POST", cart_url(store, "/carts"), {}, **key_header(store))
    cart_id = created.json()["data"]["cartId"]
    assert_retry_is_a_replay(api, "POST", cart_url(store, f"/carts/{cart_id}/lineItems"),
                             [{"itemCode": "49-01", "quantity": 2}], **key_header(store))
    assert_retry_is_a_replay(api, "PATCH", cart_url(store, f"/carts/{cart_id}/lineItems/1/quantity"),
                             {"quantity": 3}, **key_header(store))
    assert_retry_is_a_replay(api, "POST", cart_url(store, f"/carts/{cart_id}/subtotal"), {}, **key_header(store))
    assert_retry_is_a_replay(api, "POST", cart_url(store, f"/carts/{cart_id}/payments"),
                             [{"paymentCode": "01", "amount": 330}], **key_header(store))
    billed = assert_retry_is_a_replay(api, "POST", cart_url(store, f"/carts/{cart_id}/bill"), {},
                                      **key_header(store))
    cart = billed.json()["data"]
    assert [line["quantity"] for line in cart["lineItems"]] == [3]
    with tenant_context(TENANT_A):
        assert Transaction.objects.count() == 1
    assert event_count("tranlog") == 1


def test_void_and_return_retries_have_one_effect(api, store):
    send(api, "POST", f"/terminal/api/v1/terminals/{store.terminal_id}/open", {}, **key_header(store))
    sale = store.sell(("49-01", 2))
    path = cart_url(store, store.transactions_path(f"/{sale['transactionNo']}/return"))
    assert_retry_is_a_replay(api, "POST", path, [{"paymentCode": "01", "amount": 220}], **key_header(store))
    other = store.sell(("49-01", 1))
    path = cart_url(store, store.transactions_path(f"/{other['transactionNo']}/void"))
    assert_retry_is_a_replay(api, "POST", path, [{"paymentCode": "01", "amount": 110}], **key_header(store))
    with tenant_context(TENANT_A):
        assert sorted(Transaction.objects.values_list("transaction_type", flat=True)) == [101, 101, 102, 201]
    assert event_count("tranlog") == 4


# --- stock ---------------------------------------------------------------------------------------------------
def test_stock_update_retry_moves_stock_once(api, store, token_a):
    url = f"/stock/api/v1/tenants/{TENANT_A}/stores/{STORE}/stock"
    assert_retry_is_a_replay(api, "PUT", f"{url}/49-01/update",
                             {"quantityChange": 24, "updateType": "purchase", "referenceId": "delivery-7"},
                             **bearer(token_a))
    response = api.get(f"{url}/49-01", **bearer(token_a))
    assert response.json()["data"]["currentQuantity"] == 24.0
    assert_retry_is_a_replay(api, "PUT", f"{url}/49-01/minimum", {"minimumQuantity": 5}, **bearer(token_a))


# --- report and journal receivers -----------------------------------------------------------------------------
@pytest.mark.parametrize("service", ["journal", "report"])
def test_log_receivers_retry_is_a_replay(api, token_a, service):
    assert_retry_is_a_replay(api, "POST", f"/{service}/api/v1/tranlog", {"data": TranlogPayloadFactory()},
                             **bearer(token_a))
    assert_retry_is_a_replay(api, "POST", f"/{service}/api/v1/cashlog", {"data": CashlogPayloadFactory()},
                             **bearer(token_a))
    assert ConsumedEvent.objects.filter(consumer=service).count() == 2


# --- the contract's edges -------------------------------------------------------------------------------------
def test_without_a_key_nothing_is_stored(api, token_a):
    response = api.post("/account/api/v1/accounts/register/user", {"username": "u1", "password": "p1-secret"},
                        format="json", **bearer(token_a))
    assert response.status_code == 201 and not response.has_header("Idempotent-Replayed")
    assert not IdempotencyRecord.objects.exists()


def test_the_same_key_with_another_body_is_422_and_changes_nothing(api, token_a):
    path = "/account/api/v1/accounts/register/user"
    assert send(api, "POST", path, {"username": "u1", "password": "p1-secret"}, key="k-1",
                **bearer(token_a)).status_code == 201
    before = writes()
    response = send(api, "POST", path, {"username": "u2", "password": "p1-secret"}, key="k-1", **bearer(token_a))
    assert response.status_code == 422
    body = response.json()
    assert body["user_error"]["code"] == "100002"
    assert body["message"] == "Idempotency key reused with a different request"
    assert writes() == before
    with tenant_context(TENANT_A):
        assert not User.objects.filter(username="u2").exists()


def test_a_body_the_same_but_for_key_order_and_spaces_is_the_same_request(api, token_a):
    path = "/account/api/v1/accounts/register/user"
    first = api.generic("POST", path, '{"username": "u1", "password": "p1-secret"}', "application/json",
                        HTTP_IDEMPOTENCY_KEY="k-2", **bearer(token_a))
    again = api.generic("POST", path, '{"password":"p1-secret","username":"u1"}', "application/json",
                        HTTP_IDEMPOTENCY_KEY="k-2", **bearer(token_a))
    assert again.status_code == 201 and again.content == first.content and again["Idempotent-Replayed"] == "true"


def test_validation_failures_and_business_errors_are_not_stored_and_may_be_retried(api, store):
    terminal = f"/terminal/api/v1/terminals/{store.terminal_id}"
    bad = send(api, "POST", f"{terminal}/cash-in", {"amount": "lots"}, key="k-3", **key_header(store))
    assert bad.status_code == 422
    refused = send(api, "POST", f"{terminal}/cash-in", {"amount": 500}, key="k-4", **key_header(store))
    assert refused.status_code == 400  # the terminal is not open yet
    assert not IdempotencyRecord.objects.exists()
    send(api, "POST", f"{terminal}/open", {}, **key_header(store))
    assert send(api, "POST", f"{terminal}/cash-in", {"amount": 500}, key="k-4", **key_header(store)).status_code == 200
    assert event_count("cashlog") == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "tab\there"])
def test_a_malformed_key_is_422_and_changes_nothing(api, token_a, key):
    before = writes()
    response = api.post("/account/api/v1/accounts/register/user", {"username": "u1", "password": "p1-secret"},
                        format="json", HTTP_IDEMPOTENCY_KEY=key, **bearer(token_a))
    assert response.status_code == 422
    assert response.json()["user_error"]["code"] == "300001"
    assert "Idempotency-Key" in response.json()["message"]
    assert writes() == before


def test_authentication_comes_before_the_key(api):
    response = api.post("/account/api/v1/accounts/register/user", {}, format="json", HTTP_IDEMPOTENCY_KEY="")
    assert response.status_code == 401


def test_the_key_is_scoped_by_caller_and_path(api, token_a, admin_a):
    from apps.core.auth import user_token
    from tests.support import make_superuser

    make_superuser(TENANT_A, username="boss")
    other = user_token(username="boss", tenant_id=TENANT_A, is_superuser=True)
    path = "/account/api/v1/accounts/register/user"
    assert send(api, "POST", path, {"username": "u1", "password": "p1-secret"}, key="shared",
                **bearer(token_a)).status_code == 201
    # another caller with the same key and body: its own request (here: the user exists already)
    response = send(api, "POST", path, {"username": "u1", "password": "p1-secret"}, key="shared", **bearer(other))
    assert response.status_code == 400 and not response.has_header("Idempotent-Replayed")


def test_purge_forgets_records_past_their_time_to_live(api, token_a):
    from datetime import timedelta

    from django.utils import timezone

    from apps.core.idempotency import idempotency_purge_expired
    from apps.core.tasks import purge_idempotency_records

    send(api, "POST", "/account/api/v1/accounts/register/user", {"username": "u1", "password": "p1-secret"},
         key="old", **bearer(token_a))
    assert idempotency_purge_expired() == 0
    assert idempotency_purge_expired(now=timezone.now() + timedelta(hours=25)) == 1
    assert purge_idempotency_records.apply().get() == 0
    assert not IdempotencyRecord.objects.exists()


def test_the_purge_runs_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-idempotency-records"]
    assert entry["task"] == "core.purge_idempotency_records"
    assert settings.IDEMPOTENCY_KEY_TTL_HOURS == 24


def test_an_expired_record_is_not_replayed(api, token_a, settings):
    path = "/account/api/v1/accounts/register/user"
    send(api, "POST", path, {"username": "u1", "password": "p1-secret"}, key="k-ttl", **bearer(token_a))
    IdempotencyRecord.objects.update(created_at=IdempotencyRecord.objects.get().created_at.replace(year=2000))
    response = send(api, "POST", path, {"username": "u1", "password": "p1-secret"}, key="k-ttl", **bearer(token_a))
    assert response.status_code == 400 and not response.has_header("Idempotent-Replayed")  # ran again


def test_the_cart_hot_path_reads_the_claim_with_its_credential_check(api, store, monkeypatch):
    """A keyed add item costs no statement of its own for the claim: the cart's API-key query reads it."""
    from apps.core import idempotency

    send(api, "POST", f"/terminal/api/v1/terminals/{store.terminal_id}/open", {}, **key_header(store))
    cart_id = store.new_cart()

    def no_separate_lookup(*args, **kwargs):
        raise AssertionError("the claim was looked up in a statement of its own")

    monkeypatch.setattr(idempotency, "_lookup", no_separate_lookup)
    assert_retry_is_a_replay(api, "POST", cart_url(store, f"/carts/{cart_id}/lineItems"),
                             [{"itemCode": "49-01", "quantity": 1}], **key_header(store))
