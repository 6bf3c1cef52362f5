"""Idempotency-Key under real commits (issue #23): duplicates sent at once from several threads (own connections)
have exactly one effect, and a process that dies after its commit but before answering leaves the stored answer
for the retry, which a fresh server replays."""

from __future__ import annotations

import json
import uuid

import pytest
from rest_framework.test import APIClient

from apps.cart.models import Cart, Transaction
from apps.cart.tests.conftest import set_up_store
from apps.core.auth import user_token
from apps.core.models import EventRecord, IdempotencyRecord
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A, make_superuser
from tests.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)
DUPLICATES = 6


@pytest.fixture
def store(tenant_a):
    make_superuser(TENANT_A)
    token = user_token(username="admin", tenant_id=TENANT_A, is_superuser=True)
    return set_up_store(APIClient(), token)


def keyed_post(pos, path: str, body, key: str, client: APIClient | None = None, **extra):
    return (client or APIClient()).generic("POST", path, json.dumps(body), "application/json",
                                           HTTP_X_API_KEY=pos.api_key, HTTP_IDEMPOTENCY_KEY=key, **extra)


def assert_one_answer(responses) -> list:
    """Every duplicate got the one stored answer (200) or was told to retry (409 + Retry-After); none failed."""
    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert {r.status_code for r in responses} <= {200, 201, 409}, [r.content for r in responses]
    answered = [r for r in responses if r.status_code != 409]
    assert answered, "no duplicate was answered"
    assert len({r.content for r in answered}) == 1
    for refused in (r for r in responses if r.status_code == 409):
        assert refused["Retry-After"] == "1" and refused.json()["user_error"]["code"] == "100003"
    return answered


def test_concurrent_duplicate_cash_outs_pay_out_once(store):
    path = f"/terminal/api/v1/terminals/{store.terminal_id}/cash-out"
    key = str(uuid.uuid4())
    before = EventRecord.objects.filter(tenant_id=TENANT_A, event_type="cashlog").count()
    responses = run_together(*(lambda: keyed_post(store, path, {"amount": 300}, key) for _ in range(DUPLICATES)))
    assert_one_answer(responses)
    assert EventRecord.objects.filter(tenant_id=TENANT_A, event_type="cashlog").count() == before + 1
    retry = keyed_post(store, path, {"amount": 300}, key)  # after the storm: the stored answer
    assert retry.status_code == 200 and retry["Idempotent-Replayed"] == "true"
    assert EventRecord.objects.filter(tenant_id=TENANT_A, event_type="cashlog").count() == before + 1


def test_concurrent_duplicate_add_items_add_one_line_and_duplicate_bills_bill_once(store):
    cart_id = store.new_cart()
    path = f"/cart/api/v1/carts/{cart_id}/lineItems?terminal_id={store.terminal_id}"
    key = str(uuid.uuid4())
    responses = run_together(*(lambda: keyed_post(store, path, [{"itemCode": "49-01", "quantity": 1}], key)
                               for _ in range(DUPLICATES)))
    assert_one_answer(responses)
    with tenant_context(TENANT_A):
        assert len(Cart.objects.get(cart_id=cart_id).document["line_items"]) == 1
    store.ok("post", f"/carts/{cart_id}/subtotal")
    store.pay(cart_id, ("01", 110))
    bill = f"/cart/api/v1/carts/{cart_id}/bill?terminal_id={store.terminal_id}"
    key = str(uuid.uuid4())
    responses = run_together(*(lambda: keyed_post(store, bill, {}, key) for _ in range(DUPLICATES)))
    assert_one_answer(responses)
    with tenant_context(TENANT_A):
        assert Transaction.objects.count() == 1
    assert EventRecord.objects.filter(tenant_id=TENANT_A, event_type="tranlog").count() == 1


# --- the process dies after its commit, before its answer leaves -------------------------------------------------
class ProcessDied(BaseException):
    """Stands for SIGKILL between the commit and the answer: not an ``Exception``, so nothing handles it."""


class DiesBeforeAnswering:
    """Outermost middleware of the dying server: the request has run and committed (the idempotency middleware,
    inside it, committed the effect and its record); the answer is lost with the process."""

    lost: list[bytes] = []

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        DiesBeforeAnswering.lost.append(response.content)
        raise ProcessDied


def test_a_process_killed_after_commit_before_answering_leaves_the_answer_for_the_retry(store, settings):
    path = f"/terminal/api/v1/terminals/{store.terminal_id}/cash-in"
    key = str(uuid.uuid4())
    cash_logs = EventRecord.objects.filter(tenant_id=TENANT_A, event_type="cashlog")
    before = cash_logs.count()
    normal = settings.MIDDLEWARE
    settings.MIDDLEWARE = ["tests.test_idempotency_concurrency.DiesBeforeAnswering", *normal]
    DiesBeforeAnswering.lost.clear()
    with pytest.raises(ProcessDied):
        keyed_post(store, path, {"amount": 500}, key, client=APIClient())  # the dying server
    settings.MIDDLEWARE = normal
    [lost] = DiesBeforeAnswering.lost
    assert json.loads(lost)["success"] is True
    assert cash_logs.count() == before + 1  # the effect was committed
    assert IdempotencyRecord.objects.count() == 1  # and its answer with it

    retry = keyed_post(store, path, {"amount": 500}, key, client=APIClient())  # a fresh server
    assert retry.status_code == 200 and retry["Idempotent-Replayed"] == "true"
    assert retry.content == lost
    assert cash_logs.count() == before + 1


def test_a_request_that_fails_with_a_5xx_stores_nothing_and_its_retry_runs(store, monkeypatch):
    from apps.terminal import services

    path = f"/terminal/api/v1/terminals/{store.terminal_id}/cash-in"
    key = str(uuid.uuid4())
    real = services.terminal_cash_in

    def fails_after_writing(**kwargs):
        real(**kwargs)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "terminal_cash_in", fails_after_writing)
    cash_logs = EventRecord.objects.filter(tenant_id=TENANT_A, event_type="cashlog")
    before = cash_logs.count()
    assert keyed_post(store, path, {"amount": 500}, key).status_code == 500
    assert cash_logs.count() == before and not IdempotencyRecord.objects.exists()  # rolled back whole
    monkeypatch.setattr(services, "terminal_cash_in", real)
    retry = keyed_post(store, path, {"amount": 500}, key)
    assert retry.status_code == 200 and not retry.has_header("Idempotent-Replayed")
    assert cash_logs.count() == before + 1


def test_a_duplicate_sent_while_the_first_still_runs_is_409_at_once(store, monkeypatch):
    import threading
    import time

    from apps.terminal import services

    path = f"/terminal/api/v1/terminals/{store.terminal_id}/cash-in"
    key = str(uuid.uuid4())
    real, running, release = services.terminal_cash_in, threading.Event(), threading.Event()

    def slow(**kwargs):
        log = real(**kwargs)
        running.set()
        release.wait(20)
        return log

    monkeypatch.setattr(services, "terminal_cash_in", slow)
    first: list = []

    def send_first():
        from django.db import connection

        try:
            first.append(keyed_post(store, path, {"amount": 500}, key))
        finally:
            connection.close()

    thread = threading.Thread(target=send_first)
    thread.start()
    try:
        assert running.wait(20)
        started = time.monotonic()
        duplicate = keyed_post(store, path, {"amount": 500}, key)
        assert time.monotonic() - started < 2  # refused, not queued behind the first
    finally:
        release.set()
        thread.join(30)
    assert duplicate.status_code == 409 and duplicate["Retry-After"] == "1"
    assert duplicate.json()["user_error"]["code"] == "100003"
    assert first[0].status_code == 200
    retry = keyed_post(store, path, {"amount": 500}, key)
    assert retry.content == first[0].content and retry["Idempotent-Replayed"] == "true"


def test_a_registration_rolled_back_after_creating_its_tenant_leaves_no_tenant_schema_or_cached_tenant(
    monkeypatch,
):
    """A keyed superuser registration creates a tenant (registry row and schema) in the request's transaction;
    when the request then fails, nothing of it stays: not the row, not the schema, not the process's tenant cache
    (which would otherwise answer for a tenant that does not exist), and the retry creates it once."""
    from django.db import connection
    from django_tenants.utils import schema_exists

    from apps.account import services
    from apps.core import tenancy
    from apps.core.models import Tenant

    tenant_id, path, key = "IDEMFAIL", "/account/api/v1/accounts/register", str(uuid.uuid4())
    body = {"username": "owner", "password": "owner-secret", "tenantId": tenant_id}
    real = services.account_register_superuser
    seen_inside: list = []

    def fails_after_creating(**kwargs):
        real(**kwargs)
        seen_inside.append(tenancy.tenant_get(tenant_id))  # the request itself sees its tenant
        raise RuntimeError("disk on fire")

    def register():
        return APIClient().generic("POST", path, json.dumps(body), "application/json", HTTP_IDEMPOTENCY_KEY=key)

    monkeypatch.setattr(services, "account_register_superuser", fails_after_creating)
    try:
        assert register().status_code == 500
        assert seen_inside and seen_inside[0] is not None
        assert tenancy.tenant_get(tenant_id) is None
        assert not Tenant.objects.filter(tenant_id=tenant_id).exists()
        assert not schema_exists(tenancy.schema_name_for(tenant_id))
        assert not IdempotencyRecord.objects.exists()

        monkeypatch.setattr(services, "account_register_superuser", real)
        created = register()
        assert created.status_code == 201 and not created.has_header("Idempotent-Replayed")
        replayed = register()
        assert replayed["Idempotent-Replayed"] == "true" and replayed.content == created.content
        assert Tenant.objects.filter(tenant_id=tenant_id).count() == 1
        assert tenancy.tenant_get(tenant_id) is not None  # committed: found, and cached from now on
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{tenancy.schema_name_for(tenant_id)}" CASCADE')
        Tenant.objects.filter(tenant_id=tenant_id).delete()
        tenancy.tenant_cache_clear()
