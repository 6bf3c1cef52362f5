"""A store's day across every app: open, sell, void, cash in, close; the logs fan out (Celery eager) to the
journal, the report and stock, and every number agrees with the sales made."""

import pytest

from apps.cart.tests.conftest import set_up_store
from apps.core.models import EventRecord
from tests.support import TENANT_A, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(api, token_a, django_capture_on_commit_callbacks):
    """Every API call of the day runs its after-commit hooks, as the outbox does in production."""

    class Day:
        def __getattr__(self, name):
            return getattr(self.pos, name)

        def step(self, call):
            with django_capture_on_commit_callbacks(execute=True):
                return call()

    day = Day()
    with django_capture_on_commit_callbacks(execute=True):
        day.pos = set_up_store(api, token_a, open_terminal=False)
    return day


def stock_of(api, token, item_code):
    response = api.get(f"/stock/api/v1/tenants/{TENANT_A}/stores/5678/stock/{item_code}", **bearer(token))
    return response.json()["data"]["currentQuantity"] if response.status_code == 200 else 0.0


def test_a_full_day(api, token_a, day):
    pos = day.pos
    terminal = f"/terminal/api/v1/terminals/{pos.terminal_id}"
    key = {"HTTP_X_API_KEY": pos.api_key}
    stock_before = stock_of(api, token_a, "49-01")

    opened = day.step(lambda: api.post(f"{terminal}/open", {"initialAmount": 10000}, format="json", **key))
    assert opened.status_code == 200
    business_date = opened.json()["data"]["businessDate"]
    first = day.step(lambda: pos.sell(("49-01", 2), payments=(("01", 1000),)))
    second = day.step(lambda: pos.sell(("49-01", 1)))
    assert (first["totalAmountWithTax"], second["totalAmountWithTax"]) == (220.0, 110.0)
    voided = day.step(lambda: pos.ok("post", pos.transactions_path(f"/{second['transactionNo']}/void"),
                                     [{"paymentCode": "01", "amount": 110}]))
    assert voided["transactionType"] == 201
    assert day.step(lambda: api.post(f"{terminal}/cash-in", {"amount": 500}, format="json", **key)).status_code == 200
    closed = day.step(lambda: api.post(f"{terminal}/close", {"physicalAmount": 10830}, format="json", **key))
    assert closed.status_code == 200

    # every log delivered to every consumer
    records = EventRecord.objects.filter(tenant_id=TENANT_A)
    assert records.count() == 7  # open cash log, open, 2 sales, void, cash in, close
    assert set(records.values_list("status", flat=True)) == {"delivered"}

    # the terminal's close log counts the session's transactions
    close_log = records.get(event_type="opencloselog", payload__operation="close").payload
    assert close_log["cart_transaction_count"] == 3 and close_log["cart_transaction_last_no"] == 3
    assert close_log["cash_in_out_count"] == 2

    # journal: one entry per log
    journal = api.get(f"/journal/api/v1/tenants/{TENANT_A}/stores/5678/journals?limit=0", **bearer(token_a)).json()
    assert sorted(entry["transactionType"] for entry in journal["data"]) == [101, 101, 201, 301, 302, 401, 401]

    # stock: 2 + 1 sold, 1 back with the void
    assert stock_of(api, token_a, "49-01") == stock_before - 2

    # the flash sales report agrees with the sales
    report = api.get(
        f"/report/api/v1/tenants/{TENANT_A}/stores/5678/reports?report_scope=flash&report_type=sales"
        f"&business_date={business_date}", **bearer(token_a)).json()["data"]
    assert report["salesGross"] == {"amount": 220.0, "quantity": 2, "count": 1}
    assert report["salesNet"] == {"amount": 200.0, "quantity": 2, "count": 1}
    assert report["payments"] == [{"paymentName": "Cash", "amount": 220.0, "count": 1}]
    cash = report["cash"]
    assert cash["cashIn"] == {"amount": 10500.0, "count": 2}
    assert (cash["logicalAmount"], cash["physicalAmount"], cash["differenceAmount"]) == (10720.0, 10830.0, 110.0)

    # delivering everything again changes nothing
    from apps.core import events

    for record in records:
        for service in ("journal", "report", "stock"):
            if events.consumer_handler(service, record.event_type):
                events.event_receive(service=service, event_type=record.event_type, payload=record.payload)
    journal_again = api.get(f"/journal/api/v1/tenants/{TENANT_A}/stores/5678/journals?limit=0", **bearer(token_a))
    assert journal_again.json()["metadata"]["total"] == 7
    assert stock_of(api, token_a, "49-01") == stock_before - 2
    report_again = api.get(
        f"/report/api/v1/tenants/{TENANT_A}/stores/5678/reports?report_scope=flash&report_type=sales"
        f"&business_date={business_date}", **bearer(token_a)).json()["data"]

    def figures(data):  # the printed texts carry the time they were printed (to the minute): not a figure
        return {key: value for key, value in data.items() if key not in ("receiptText", "journalText")}

    assert figures(report_again) == figures(report)
    assert report_again.keys() == report.keys()
