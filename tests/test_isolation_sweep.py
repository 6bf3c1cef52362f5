"""Tenant isolation, swept over every API route of the URL conf (issue #10).

Tenant B (the victim) has a store, a terminal, master data, a sale and an open cart. Every route is called with
tenant A's user JWT, A's terminal JWT, A's API key (with A's and with B's terminal id) and with no credential,
its path parameters pointing at B's data. Nothing of B may be read (no B marker in any answer, no 2xx on a route
naming B's data) and nothing of B may change (a checksum of every B table and of B's public rows).
A route added later is swept automatically: the list comes from the URL resolver.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from apps.cart.tests.conftest import set_up_store
from tests.support import TENANT_A, TENANT_B, bearer, make_superuser

pytestmark = pytest.mark.django_db

MARKER = "SECRET-OF-B"
PUBLIC_ROUTES = re.compile(
    r"(^\^?[a-z-]+/\?\^/\?\$$)|health|metrics|api/schema|api/docs|api/redoc|\^admin|accounts/register/\?\$|accounts/token"
    r"|dapr/subscribe"
)
PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def routes():
    """(regex route, callback, methods) for every API view in the URL conf."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    for route, callback in walk(get_resolver().url_patterns):
        actions = getattr(callback, "actions", None)
        if actions:
            methods = sorted(method for method in actions if method != "head")  # HEAD is GET without a body
        elif getattr(callback, "cls", None) is not None:
            methods = [m for m in ("get", "post", "put", "patch", "delete") if hasattr(callback.cls, m)]
        else:
            continue  # plain Django views: the public pages
        yield route, methods


def concrete(route: str, values: dict[str, str]) -> str:
    path = PARAM.sub(lambda match: values.get(match.group(1), "x"), route)
    path = path.replace("^", "").replace("/?$", "").replace("$", "").replace("/?", "/")
    return "/" + re.sub(r"/+", "/", path)


def example(schema: dict, components: dict, depth: int = 0):
    """A value valid for a JSON schema (required properties only), so a request passes body validation and
    reaches the tenant check: a 422 would hide whether a valid body is refused (check order, spec/00 §2.4)."""
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[-1]], components, depth)
    for combined in ("allOf", "oneOf", "anyOf"):
        if schema.get(combined):
            return example(schema[combined][0], components, depth)
    if "enum" in schema:
        return next((value for value in schema["enum"] if value is not None), None)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", ()))
        return {name: example(sub, components, depth + 1) for name, sub in schema.get("properties", {}).items()
                if name in required and depth < 6}
    if kind == "array":
        return [example(schema.get("items", {}), components, depth + 1)] if depth < 6 else []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return float(max(schema.get("minimum", 1), 1))
    if kind == "boolean":
        return True
    if kind == "string":
        if schema.get("format") == "date-time":
            return "2020-01-01T00:00:00"
        if schema.get("format") == "date":
            return "2020-01-01"
        return "B" * max(int(schema.get("minLength", 1)), 1)
    return "B"


def request_bodies() -> dict[tuple[str, str], object]:
    """(schema path, method) -> a valid JSON body, from our own OpenAPI schema."""
    from rest_framework.test import APIClient

    document = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = document["components"]["schemas"]
    bodies = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                bodies[(path, method)] = example(content["application/json"]["schema"], components)
    return bodies


def b_state() -> dict[str, str]:
    """A checksum of every table of B's schema and of B's rows in the shared tables."""
    schema = f"t_{TENANT_B.lower()}"
    state = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) '
                           f'FROM "{schema}"."{table}" t')
            state[table] = str(cursor.fetchone())
        for table, column in (("core_apikeyindex", "tenant_id"), ("core_eventrecord", "tenant_id"),
                              ("core_tenant", "tenant_id")):
            cursor.execute(f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                           f"FROM public.{table} t WHERE {column} = %s", [TENANT_B])
            state[f"public.{table}"] = str(cursor.fetchone())
    return state


@pytest.fixture
def victim_and_attacker(api):
    from apps.core.auth import user_token

    make_superuser(TENANT_A)
    make_superuser(TENANT_B)
    token_b = user_token(username="admin", tenant_id=TENANT_B, is_superuser=True)
    victim = set_up_store(api, token_b, tenant_id=TENANT_B)
    md = f"/master-data/api/v1/tenants/{TENANT_B}"
    created = {}
    for path, body in (
        ("/items", {"itemCode": "B-1", "description": MARKER, "unitPrice": 1, "unitCost": 0, "itemDetails": [],
                    "imageUrls": [], "categoryCode": "001", "taxCode": "01"}),
        ("/settings", {"name": "SWEEP", "defaultValue": MARKER, "values": []}),
        ("/promotions", {"promotionCode": "PB", "promotionType": "category_discount", "name": MARKER,
                         "startDatetime": "2020-01-01T00:00:00", "endDatetime": "2099-01-01T00:00:00",
                         "detail": {"targetCategoryCodes": ["001"], "discountRate": 5}}),
        ("/item_books", {"title": MARKER, "categories": []}),
    ):
        response = api.post(md + path, body, format="json", **bearer(token_b))
        assert response.status_code == 201, path
        created[path] = response.json()["data"]
    sale = victim.sell(("49-01", 1))
    open_cart = victim.new_cart(user_name=MARKER)
    attacker = set_up_store(api, user_token(username="admin", tenant_id=TENANT_A, is_superuser=True),
                            store_code="1111", terminal_no=1)
    terminal_token = api.post(f"/terminal/api/v1/auth/token?terminal_id={attacker.terminal_id}",
                              HTTP_X_API_KEY=attacker.api_key).json()["data"]["access_token"]
    values = {
        "tenant_id": TENANT_B, "store_code": victim.store_code, "terminal_no": str(victim.terminal_no),
        "terminal_id": victim.terminal_id, "transaction_no": str(sale["transactionNo"]), "cart_id": open_cart,
        "item_code": "B-1", "category_code": "001", "payment_code": "01", "name": "SWEEP", "staff_id": "S001",
        "promotion_code": "PB", "tax_code": "01", "line_no": "1", "item_book_id": created["/item_books"]["itemBookId"],
        "category_number": "1", "tab_number": "1", "pos_x": "1", "pos_y": "1",
    }
    return victim, attacker, terminal_token, values


def template(route: str) -> str:
    """The route as its OpenAPI path: ``/cart/api/v1/carts/{cart_id}``."""
    path = PARAM.sub(lambda match: "{" + match.group(1) + "}", route)
    path = path.replace("^", "").replace("/?$", "").replace("$", "").replace("/?", "/")
    return ("/" + re.sub(r"/+", "/", path)).rstrip("/") or "/"


def error_of(response) -> tuple[str | None, str]:
    """(user_error code, message) of an error envelope; (None, "") for anything else."""
    try:
        body = response.json()
    except ValueError:
        return None, ""
    if not isinstance(body, dict) or set(body) != ERROR_KEYS:
        return None, ""
    return body["user_error"]["code"], body["message"]


ERROR_KEYS = {"success", "code", "message", "user_error", "data", "metadata", "operation"}


def refusal_problem(response, *, names_tenant: bool) -> str | None:
    """Why this answer is not one of the refusals the spec gives a credential of another tenant, or None.

    - 401 ``200001``: the endpoint does not take this kind of credential (or not for this terminal);
    - 400 ``100000`` "... does not match ...": the path names another tenant than the credential's (spec/00 §4.8);
    - 404: the object named in the path is not the caller's (its own tenant has no such cart, terminal ...);
    - 400 ``500004`` "Terminal not found": deleting a terminal that is not the caller's (spec/10);
    - 422 ``300001`` "Path does not match the terminal": void / return of another terminal's sale (spec/30).
    """
    status = response.status_code
    code, message = error_of(response)
    if 200 <= status < 300:
        return "accepted"
    if code is None:
        return "not an error envelope"
    if status == 401 and code == "200001":
        return None
    if status == 400 and code == "100000" and "does not match" in message:
        return None
    if status == 404 and code in ("100001", "401002"):
        return None if not names_tenant else "404 where the tenant check comes first"
    if status == 400 and code == "500004" and message.startswith("Terminal not found"):
        return None
    if status == 422 and code == "300001" and message.startswith("Path does not match the terminal"):
        return None  # void / return name another terminal than the caller's (spec/30 §2)
    return f"{status} {code} {message[:80]!r}"


# Query parameters some routes require (report scope and type, a setting's store and terminal), so the request
# gets past validation to the tenant check; every other route ignores them.
QUERY = "&store_code=5678&terminal_no=9&report_scope=flash&report_type=sales&business_date=20250101"


def test_no_credential_of_tenant_a_reads_or_changes_anything_of_tenant_b(api, victim_and_attacker):
    victim, attacker, terminal_token, values = victim_and_attacker
    credentials = {
        "user JWT of A": {"HTTP_AUTHORIZATION": f"Bearer {attacker.token}"},
        "terminal JWT of A": {"HTTP_AUTHORIZATION": f"Bearer {terminal_token}"},
        "API key of A": {"HTTP_X_API_KEY": attacker.api_key},
        "API key of A for B's terminal": {"HTTP_X_API_KEY": attacker.api_key, "terminal_id": victim.terminal_id},
        "no credential": {},
    }
    default_body = {"tenant_id": TENANT_B, "tenantId": TENANT_B, "data": {"tenant_id": TENANT_B, "event_id": "sweep"}}
    bodies = request_bodies()
    from apps.core.models import EventRecord

    tranlog_of_b = EventRecord.objects.get(tenant_id=TENANT_B, event_type="tranlog").payload
    for service in ("report", "journal"):  # the direct tranlog receivers take B's own sale
        bodies[(f"/{service}/api/v1/tenants/{{tenant_id}}/stores/{{store_code}}/terminals/{{terminal_no}}/transactions",
                "post")] = tranlog_of_b
    before = b_state()
    problems, swept = [], 0
    for route, methods in routes():
        public = bool(PUBLIC_ROUTES.search(route))
        names_b = bool(PARAM.search(route))
        names_tenant = "(?P<tenant_id>" in route
        path = concrete(route, values)
        for method in methods:
            body = bodies.get((template(route), method), default_body)
            if isinstance(body, dict):  # a valid body, that names B's tenant wherever it names one
                body = {**body, **{key: TENANT_B for key in ("tenant_id", "tenantId") if key in body}}
            for label, headers in credentials.items():
                headers = dict(headers)
                terminal_id = headers.pop("terminal_id", attacker.terminal_id)
                url = f"{path}?terminal_id={terminal_id}{QUERY}"
                response = api.generic(method.upper(), url, json.dumps(body), content_type="application/json",
                                       **headers)
                swept += 1
                where = f"{method.upper()} {path} [{label}]"
                text = response.content.decode(errors="replace")
                if MARKER in text:
                    problems.append(f"{where} leaked B's data: {response.status_code}")
                if response.status_code >= 500 and not (route.startswith("^health") and response.status_code == 503):
                    problems.append(f"{where} answered {response.status_code}")
                if public:
                    continue
                if label == "no credential" and (response.status_code, error_of(response)[0]) != (401, "200001"):
                    problems.append(f"{where} answered {response.status_code} {error_of(response)}, not 401 200001")
                if names_b:
                    problem = refusal_problem(response, names_tenant=names_tenant)
                    if problem:
                        problems.append(f"{where}: {problem}")
    assert swept > 300
    assert not problems, "\n".join(problems)
    assert b_state() == before
