"""Schemathesis over our own OpenAPI schema (``/api/schema/``): every operation, in-process, real credentials.

Each operation is one test: a tenant with a store, an open terminal (API key), master data, a sale, an open cart,
a promotion, an item book and a stock snapshot is set up through the API (rolled back after the test), then
Hypothesis generates requests, valid and invalid by the schema, and each answer must:
- not be a 5xx (``/health`` may say 503: it reports on workers this test does not run);
- conform to the schema: a documented status code, the documented media type, a body valid against the
  documented schema (the success envelope, the bare bodies a few endpoints answer, the error envelope of every
  4xx and 500);
- refuse a request that the schema says is invalid (a 4xx, never a 2xx);
- leak no password hash.

Path parameters are drawn per name from "the real one" (so requests reach the business logic: the tenant, the
store, the open cart ...) or the generated one. Credentials follow the operation's authentication: the user JWT,
the terminal's API key or JWT where a terminal credential is taken (varied per request), the notify key for
delivery callbacks, nothing for the public ones.

Besides what the schema allows, cases (chosen by their content) are pushed to the limits (issue 20): in half of
them every number of the body, query and path is replaced by one value at or just past a database column's bounds
(integer, bigint, numeric(18, 4), double precision), on the set-up's real resources; in a quarter the JSON body
gets a member nested far deeper than the parser allows. Such a request may be valid or not; it must never be a
5xx, and its 4xx must be the documented envelope.

The short run (``make test``) is deterministic: a fixed seed, derandomized Hypothesis, a few examples per
operation. ``make fuzz`` runs it with ``FUZZ_EXAMPLES`` (default there: 200); ``FUZZ_SEED=<n>`` explores other
inputs (Hypothesis seeded with n instead of derandomized).
"""

from __future__ import annotations

import os
import re
import zlib
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.db import close_old_connections
from django.urls import resolve
from hypothesis import HealthCheck, assume, seed, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from apps.cart.tests.conftest import set_up_store
from apps.core.api.authentication import NotifyAuthentication, TerminalAuthentication
from apps.core.tenancy import tenant_context
from apps.stock.models import Snapshot
from kugelpos.wsgi import application
from tests.support import TENANT_A, bearer, make_superuser

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
SEED = int(os.environ.get("FUZZ_SEED") or "10")
DERANDOMIZE = not os.environ.get("FUZZ_SEED")
REAL = "__real__"  # placeholder drawn for a path parameter: replaced by the set-up's real value

CONFIG = SchemathesisConfig.from_dict({
    "seed": SEED,
    "generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": True},
    "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}, "stateful": {"enabled": False}},
})
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)

pytestmark = pytest.mark.django_db


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Each path parameter: the set-up's real value or the generated one."""
    if not path_parameters:
        return st.just(path_parameters)
    return st.fixed_dictionaries({name: st.sampled_from([REAL, value]) for name, value in path_parameters.items()})


def _untrimmed_strings(value) -> bool:
    if isinstance(value, str):
        return value != value.strip()
    if isinstance(value, dict):
        return any(_untrimmed_strings(key) or _untrimmed_strings(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_untrimmed_strings(item) for item in value)
    return False


@schema.hook
def filter_body(context, body):
    """DRF trims surrounding whitespace before it checks a length, so "x" + 300 spaces passes a maxLength of 50;
    the schema cannot say so. Such bodies are left out rather than reported as accepted invalid data."""
    return not _untrimmed_strings(body)


# At and just past the columns' bounds: integer, bigint, numeric(18, 4), double precision, and beyond them all.
LIMIT_NUMBERS = (2**31 - 1, 2**31, -(2**31) - 1, 2**63 - 1, 2**63, -(2**63) - 1, 10**30, 99999999999999.9999,
                 100000000000000.0, -1e14, 1e308, -1e308, 1e-30)
NESTED_DEPTH = 300  # far past the parser's bound (64), within what json.dumps can still write


_SNAKE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def at_limit(value, number, real: dict[str, str], key: str = ""):
    """``value`` with every number (not booleans) replaced by ``number``, and every string under a key naming one
    of the set-up's real values (``itemCode``, ``payment_code`` ...) replaced by it, so the number reaches the
    business logic instead of an unknown item's 404."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return number
    if isinstance(value, str):
        return real.get(_SNAKE.sub("_", key).lower(), value)
    if isinstance(value, dict):
        return {name: at_limit(item, number, real, str(name)) for name, item in value.items()}
    if isinstance(value, list):
        return [at_limit(item, number, real, key) for item in value]
    return value


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def push_to_limits(case, real: dict[str, str]) -> bool:
    """Change half of the cases to numbers at a column's limit (on the set-up's real resources, so they reach the
    business logic), and one in four with a JSON body to a deeply nested one; which, and which number, is decided
    by the case's content, so the run stays deterministic. True if the case was changed."""
    choice = zlib.crc32(repr(("limits", case.path_parameters, case.query, case.body)).encode())
    kind, pick = choice % 4, choice // 4
    if kind in (1, 2):
        number = LIMIT_NUMBERS[pick % len(LIMIT_NUMBERS)]
        if isinstance(case.body, (dict, list)):
            case.body = at_limit(case.body, number, real)
        if case.query:
            case.query = at_limit(case.query, number, real)
        if case.path_parameters:
            case.path_parameters = {
                name: number if isinstance(value, int) and not isinstance(value, bool) else real.get(name, value)
                for name, value in case.path_parameters.items()}
        return True
    if kind == 3 and isinstance(case.body, (dict, list)):
        deep = nested(NESTED_DEPTH)
        case.body = {**case.body, "nested": deep} if isinstance(case.body, dict) else [*case.body, deep]
        return True
    return False


PASSWORD_HASH = re.compile(r"(md5|bcrypt|bcrypt_sha256|pbkdf2_sha256|argon2)\$")


def health_may_be_unavailable(case) -> bool:
    return case.operation.path == "/health"


@dataclass
class FuzzTenant:
    client: APIClient
    token: str
    api_key: str
    terminal_id: str
    terminal_token: str
    values: dict[str, str] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)


# Creating a tenant creates a schema of ~100 tables; inside one test transaction (rolled back at the end) a few
# dozen of them exhaust PostgreSQL's lock table ("out of shared memory"), which a real deployment, one
# registration per transaction, never meets. The long run sends these a bounded number of requests.
TENANT_CREATING = {("POST", "/account/api/v1/accounts/register"): 8}


@pytest.fixture
def fuzz_tenant(api) -> FuzzTenant:
    from apps.core.auth import user_token

    make_superuser(TENANT_A)
    token = user_token(username="admin", tenant_id=TENANT_A, is_superuser=True)
    pos = set_up_store(api, token)
    sale = pos.sell(("49-01", 2))
    cart_id = pos.new_cart()
    pos.add(cart_id, ("49-01", 1))
    auth = bearer(token)
    md = f"/master-data/api/v1/tenants/{TENANT_A}"

    def ok(response):
        assert response.status_code in (200, 201), response.content.decode()
        return response.json()["data"]

    ok(api.post(f"{md}/promotions", {"promotionCode": "P1", "promotionType": "category_discount", "name": "P",
                                      "startDatetime": "2020-01-01T00:00:00", "endDatetime": "2099-01-01T00:00:00",
                                      "detail": {"targetCategoryCodes": ["001"], "discountRate": 5}},
                format="json", **auth))
    ok(api.post(f"{md}/settings", {"name": "FUZZ", "defaultValue": "1", "values": []}, format="json", **auth))
    ok(api.post(f"{md}/stores/{pos.store_code}/items", {"itemCode": "49-01", "storePrice": 90}, format="json",
                **auth))
    button = {"posX": 1, "posY": 1, "size": "Single", "imageUrl": "", "colorText": "", "itemCode": "49-01"}
    tab = {"tabNumber": 1, "title": "T", "color": "", "buttons": [button]}
    book = ok(api.post(f"{md}/item_books", {"title": "Book", "categories": [
        {"categoryNumber": 1, "title": "C", "color": "", "tabs": [tab]}]}, format="json", **auth))
    ok(api.post(f"/stock/api/v1/tenants/{TENANT_A}/stores/{pos.store_code}/stock/snapshot", {}, format="json",
                **auth))
    with tenant_context(TENANT_A):
        snapshot_id = str(Snapshot.objects.values_list("pk", flat=True).last())
    terminal_token = ok(api.post(f"/terminal/api/v1/auth/token?terminal_id={pos.terminal_id}",
                                 HTTP_X_API_KEY=pos.api_key))["access_token"]
    values = {
        "tenant_id": TENANT_A, "store_code": pos.store_code, "terminal_no": str(pos.terminal_no),
        "terminal_id": pos.terminal_id, "transaction_no": str(sale["transactionNo"]), "cart_id": cart_id,
        "line_no": "1", "item_code": "49-01", "category_code": "001", "payment_code": "01", "staff_id": "S001",
        "tax_code": "01", "name": "FUZZ", "promotion_code": "P1", "item_book_id": book["itemBookId"],
        "category_number": "1", "tab_number": "1", "pos_x": "1", "pos_y": "1",
        "snapshot_id": snapshot_id,
    }
    return FuzzTenant(api, token, pos.api_key, pos.terminal_id, terminal_token, values)


@pytest.fixture
def wsgi_in_test_transaction():
    """Requests go through the real WSGI application, inside this test's transaction: Django must not close the
    test's connection at the end of each request (its own test client disconnects these handlers the same way)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def authenticators(case) -> list:
    """The authentication classes of the view that serves this operation (per action, as DRF builds them)."""
    match = resolve(re.sub(r"\{\w+\}", "x", case.operation.path))
    callback = match.func
    view = callback.cls(**getattr(callback, "initkwargs", {}))
    actions = getattr(callback, "actions", None)
    view.action_map = actions or {}
    view.action = actions.get(case.method.lower()) if actions else None
    return view.get_authenticators()


def credentials(case, tenant: FuzzTenant) -> tuple[dict[str, str], dict[str, str]]:
    """(headers, query) for this case: the credential its endpoint takes, varied deterministically."""
    classes = authenticators(case)
    if not classes:
        return {}, {}
    if any(isinstance(auth, NotifyAuthentication) for auth in classes):
        return {"X-API-KEY": django_settings.PUBSUB_NOTIFY_API_KEY}, {}
    takes_api_key = any(scheme.get("apiKeyAuth") is not None for scheme in case.operation.definition.raw.get(
        "security", []))
    choice = zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 3
    terminal_only = any(isinstance(auth, TerminalAuthentication) for auth in classes)
    if terminal_only or (takes_api_key and choice):
        if choice == 1 or not takes_api_key:
            return {"Authorization": f"Bearer {tenant.terminal_token}"}, {}
        return {"X-API-KEY": tenant.api_key}, {"terminal_id": tenant.terminal_id}
    return {"Authorization": f"Bearer {tenant.token}"}, {}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, database=None,
          suppress_health_check=list(HealthCheck))
@seed(SEED)
def test_every_operation_answers_per_schema(case, fuzz_tenant, wsgi_in_test_transaction):
    bound = TENANT_CREATING.get((case.method.upper(), case.operation.path))
    if bound is not None:
        fuzz_tenant.calls[case.operation.path] = fuzz_tenant.calls.get(case.operation.path, 0) + 1
        assume(fuzz_tenant.calls[case.operation.path] <= bound)
    if case.path_parameters:
        case.path_parameters = {name: fuzz_tenant.values.get(name, "x") if value == REAL else value
                                for name, value in case.path_parameters.items()}
    pushed = push_to_limits(case, fuzz_tenant.values)
    headers, query = credentials(case, fuzz_tenant)
    if query:
        case.query = {**(case.query or {}), **query}
    checks = [status_code_conformance, content_type_conformance, response_schema_conformance]
    if not pushed:  # a changed case may have become valid or invalid: only "no 5xx, documented answer" holds
        checks.append(negative_data_rejection)
    response = case.call(headers=headers)
    if not health_may_be_unavailable(case):
        checks.append(not_a_server_error)
    if health_may_be_unavailable(case):
        assert response.status_code in (200, 503)
    assert not PASSWORD_HASH.search(response.text or ""), f"a password hash in the answer of {case.operation.label}"
    case.validate_response(response, checks=checks, headers=headers)
