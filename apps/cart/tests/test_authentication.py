"""Cart endpoints check the API key and read the terminal in one query, and refuse exactly what core refuses."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cart.tests.conftest import set_up_store

pytestmark = pytest.mark.django_db


def refused(response) -> None:
    assert response.status_code == 401, response.content.decode()
    body = response.json()
    assert (body["success"], body["message"]) == (False, "Invalid API Key")


def test_the_key_and_the_terminal_are_read_by_one_query(pos):
    cart_id = pos.new_cart()
    with CaptureQueriesContext(connection) as captured:
        pos.add(cart_id, ("49-01", 1))
    reads = [q["sql"] for q in captured.captured_queries if "terminal_terminal" in q["sql"]]
    assert len(reads) == 1
    assert "core_apikeyindex" in reads[0] and "masterdata_dataversion" in reads[0]
    assert not [q for q in captured.captured_queries
                if "core_apikeyindex" in q["sql"] and "terminal_terminal" not in q["sql"]]


def test_a_wrong_key_is_refused_and_changes_nothing(pos):
    cart_id = pos.new_cart()
    before = pos.ok("get", f"/carts/{cart_id}")
    pos.api_key, good = "not-the-key", pos.api_key
    refused(pos.post(f"/carts/{cart_id}/lineItems", [{"itemCode": "49-01", "quantity": 1}]))
    pos.api_key = good
    assert pos.ok("get", f"/carts/{cart_id}") == before


def test_the_key_of_another_terminal_is_refused(api, token_a, pos):
    other = set_up_store(api, token_a, terminal_no=10, items=())
    cart_id = other.new_cart()
    other.api_key = pos.api_key  # terminal 9's key for terminal 10
    refused(other.post(f"/carts/{cart_id}/lineItems", [{"itemCode": "49-01", "quantity": 1}]))
    refused(other.post("/carts", {}))


def test_a_terminal_id_of_an_unknown_tenant_or_terminal_is_refused(pos):
    tenant, rest = pos.terminal_id.split("-", 1)
    for terminal_id in (f"ZZ{tenant}-{rest}", f"{tenant}-{pos.store_code}-99"):
        pos.terminal_id = terminal_id
        refused(pos.post("/carts", {}))


def test_a_good_key_whose_terminal_row_is_gone_is_refused(pos):
    from apps.core import tenancy
    from apps.terminal.models import Terminal

    with tenancy.tenant_context(pos.tenant_id):
        Terminal.objects.filter(terminal_id=pos.terminal_id).delete()
    refused(pos.post("/carts", {}))
