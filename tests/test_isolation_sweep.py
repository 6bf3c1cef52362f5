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
from apps.core.testing import TENANT_A, TENANT_B, bearer, make_superuser

pytestmark = pytest.mark.django_db

MARKER = "SECRET-OF-B"
PUBLIC_ROUTES = re.compile(
    r"(^\^?[a-z-]+/\?\^/\?\$$)|health|metrics|api/schema|api/docs|\^admin|accounts/register/\?\$|accounts/token"
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
            methods = sorted(actions)
        elif getattr(callback, "cls", None) is not None:
            methods = [m for m in ("get", "post", "put", "patch", "delete") if hasattr(callback.cls, m)]
        else:
            continue  # plain Django views: the public pages
        yield route, methods


def concrete(route: str, values: dict[str, str]) -> str:
    path = PARAM.sub(lambda match: values.get(match.group(1), "x"), route)
    path = path.replace("^", "").replace("/?$", "").replace("$", "").replace("/?", "/")
    return "/" + re.sub(r"/+", "/", path)


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
    for path, body in (
        ("/items", {"itemCode": "B-1", "description": MARKER, "unitPrice": 1, "unitCost": 0, "itemDetails": [],
                    "imageUrls": [], "categoryCode": "001", "taxCode": "01"}),
        ("/settings", {"name": "SWEEP", "defaultValue": MARKER, "values": []}),
        ("/promotions", {"promotionCode": "PB", "promotionType": "category_discount", "name": MARKER,
                         "startDatetime": "2020-01-01T00:00:00", "endDatetime": "2099-01-01T00:00:00",
                         "detail": {"targetCategoryCodes": ["001"], "discountRate": 5}}),
        ("/item_books", {"title": MARKER, "categories": []}),
    ):
        assert api.post(md + path, body, format="json", **bearer(token_b)).status_code == 201, path
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
        "promotion_code": "PB", "tax_code": "01", "line_no": "1",
    }
    return victim, attacker, terminal_token, values


def test_no_credential_of_tenant_a_reads_or_changes_anything_of_tenant_b(api, victim_and_attacker):
    victim, attacker, terminal_token, values = victim_and_attacker
    credentials = {
        "user JWT of A": {"HTTP_AUTHORIZATION": f"Bearer {attacker.token}"},
        "terminal JWT of A": {"HTTP_AUTHORIZATION": f"Bearer {terminal_token}"},
        "API key of A": {"HTTP_X_API_KEY": attacker.api_key},
        "API key of A for B's terminal": {"HTTP_X_API_KEY": attacker.api_key, "terminal_id": victim.terminal_id},
        "no credential": {},
    }
    body = {"tenant_id": TENANT_B, "tenantId": TENANT_B, "data": {"tenant_id": TENANT_B, "event_id": "sweep"}}
    before = b_state()
    problems, swept = [], 0
    for route, methods in routes():
        public = bool(PUBLIC_ROUTES.search(route))
        names_b = bool(PARAM.search(route))
        path = concrete(route, values)
        for method in methods:
            for label, headers in credentials.items():
                headers = dict(headers)
                terminal_id = headers.pop("terminal_id", attacker.terminal_id)
                url = f"{path}?terminal_id={terminal_id}"
                response = api.generic(method.upper(), url, json.dumps(body), content_type="application/json",
                                       **headers)
                swept += 1
                text = response.content.decode(errors="replace")
                if MARKER in text:
                    problems.append(f"{method.upper()} {path} [{label}] leaked B's data: {response.status_code}")
                if response.status_code >= 500 and not (route.startswith("^health") and response.status_code == 503):
                    problems.append(f"{method.upper()} {path} [{label}] answered {response.status_code}")
                if label == "no credential" and not public and response.status_code != 401:
                    problems.append(f"{method.upper()} {path} [{label}] answered {response.status_code}, not 401")
                if names_b and not public and 200 <= response.status_code < 300:
                    problems.append(f"{method.upper()} {path} [{label}] answered {response.status_code} on B's data")
    assert swept > 300
    assert not problems, "\n".join(problems)
    assert b_state() == before
