"""The fan-out of a sale with the real consumers (issue #9): one transaction, a fixed number of statements
whatever the number of lines, and the journal, the report and stock all hold the sale afterwards."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cart.tests.conftest import set_up_store
from apps.core import events
from apps.core.models import ConsumedEvent, EventRecord
from tests.support import TENANT_A, bearer

pytestmark = pytest.mark.django_db

ITEMS = (("49-02", 1000, "001", "01"), ("49-03", 550, "001", "01"), ("49-04", 300, "002", "02"))


def sell(pos, lines):
    pos.sell(*lines)
    return EventRecord.objects.filter(event_type="tranlog").latest("published_at")


@pytest.mark.parametrize("lines", [(("49-01", 1),), (("49-01", 1), ("49-02", 1), ("49-03", 2), ("49-04", 1),
                                                      ("49-01", 3))])
def test_a_sale_fans_out_in_one_transaction_of_eight_statements_whatever_its_lines(api, token_a, lines,
                                                                  django_capture_on_commit_callbacks):
    pos = set_up_store(api, token_a, items=ITEMS)
    with django_capture_on_commit_callbacks(execute=False):  # the worker's part is run by hand below
        earlier = sell(pos, (("49-01", 1),))  # the terminal's journal chain exists from its first entry on
    events.event_deliver(event_id=earlier.event_id, tenant_id=TENANT_A)
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=False):
        record = sell(pos, lines)
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as queries:
        outcome = events.event_deliver(event_id=record.event_id, tenant_id=TENANT_A)
    assert outcome == {"journal": "received", "report": "received", "stock": "received"}
    statements = [q["sql"] for q in queries.captured_queries]
    # in the test's transaction the delivery's own transaction is a savepoint; in a worker it is BEGIN … COMMIT
    assert statements[0].startswith("SET search_path") and statements[1].startswith("SAVEPOINT")
    assert statements[-1].startswith("RELEASE SAVEPOINT")
    work = statements[2:-1]
    assert not any(sql.startswith(("SAVEPOINT", "SET ")) for sql in work)
    # record (locked), markers, the terminal's journal chain head (locked), journal entry (appended with its head
    # moved), report copy (header, lines, payments, taxes in one), stock, stock history, delivery statuses with the
    # overall status
    assert len(work) == 8, "\n".join(sql[:80] for sql in work)
    assert work[2].startswith('SELECT last_seq, last_hash FROM "journal_journalchain"') and "FOR UPDATE" in work[2]

    quantity = {"49-01": 1}  # the earlier sale
    for code, count in lines:
        quantity[code] = quantity.get(code, 0) + count
    auth = bearer(token_a)
    for code, sold in quantity.items():
        stock = api.get(f"/stock/api/v1/tenants/{TENANT_A}/stores/5678/stock/{code}", **auth).json()["data"]
        assert stock["currentQuantity"] == -sold
    journal = api.get(f"/journal/api/v1/tenants/{TENANT_A}/stores/5678/journals?transaction_types=101",
                      **auth).json()["data"]
    assert len(journal) == 2
    assert sorted(ConsumedEvent.objects.filter(event_id=record.event_id).values_list("consumer", flat=True)) == [
        "journal", "report", "stock"]
