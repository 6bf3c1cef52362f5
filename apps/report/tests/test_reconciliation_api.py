"""Reconciliation of a store-day through the API (issue #24): a real day sold through the cart and delivered to the
journal, the report and stock by the outbox; then a copy damaged directly in the database, as a bug or an intruder
would, is found and named; a sale not delivered yet is pending, then balanced once delivered."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.cart.models import Transaction
from apps.cart.tests.conftest import set_up_store
from apps.core import events
from apps.core.models import EventRecord
from apps.core.tenancy import tenant_context
from apps.journal.models import JournalEntry
from apps.report.models import ReportCashLog, ReportTranlog, ReportTranlogPayment, StoreReconciliation
from apps.stock.models import StockUpdate
from apps.terminal.models import CashLog
from tests.support import TENANT_A, bearer

pytestmark = pytest.mark.django_db

ITEMS = (("49-02", 1000, "001", "01"), ("49-03", 550, "001", "01"))


class Day:
    def __init__(self, api, token, capture):
        self.api, self.token, self.capture = api, token, capture
        with capture(execute=True):
            self.pos = set_up_store(api, token, items=ITEMS)
            self.sales = [
                self.pos.sell(("49-01", 2)),
                self.pos.sell(("49-02", 1), ("49-03", 3)),
                self.pos.sell(("49-01", 1)),
            ]
            terminal = f"/terminal/api/v1/terminals/{self.pos.terminal_id}"
            response = api.post(f"{terminal}/cash-in", {"amount": 500}, format="json",
                                HTTP_X_API_KEY=self.pos.api_key)
            assert response.status_code == 200, response.content
        with tenant_context(TENANT_A):
            self.business_date = Transaction.objects.get(transaction_no=self.sales[0]["transactionNo"]).business_date

    def numbers(self) -> list[int]:
        return [sale["transactionNo"] for sale in self.sales]

    def get(self, business_date: str | None = None, **params):
        query = "&".join(f"{k}={v}" for k, v in {"business_date": business_date or self.business_date,
                                                  **params}.items())
        return self.api.get(f"/report/api/v1/tenants/{TENANT_A}/stores/5678/reconciliation?{query}",
                            **bearer(self.token))

    def data(self, **params) -> dict:
        response = self.get(**params)
        assert response.status_code == 200, response.content
        return response.json()["data"]


def ledgers(data: dict) -> dict[str, dict]:
    [terminal] = data["terminals"]
    return {ledger["ledger"]: ledger for ledger in terminal["ledgers"]}


@pytest.fixture
def day(api, token_a, django_capture_on_commit_callbacks) -> Day:
    return Day(api, token_a, django_capture_on_commit_callbacks)


def test_a_delivered_day_is_balanced_with_every_ledgers_counts_and_sums(day):
    body = day.get().json()
    assert body["success"] is True and body["code"] == 200
    data = body["data"]
    assert data["status"] == "balanced"
    assert data["summary"] == {"sessions": 1, "transactions": 3, "mismatches": 0, "pending": 0}
    total = sum(sale["totalAmountWithTax"] for sale in day.sales)
    found = ledgers(data)
    assert list(found) == ["transactions", "journal", "reportCopies", "payments", "stock", "cashLogs",
                           "cashReportCopies", "cashJournal"]
    for name in ("transactions", "journal", "reportCopies", "payments"):
        assert (found[name]["count"], found[name]["amount"], found[name]["status"]) == (3, total, "balanced"), name
    assert (found["stock"]["count"], found["stock"]["quantity"], found["stock"]["expectedQuantity"]) == (3, -7.0, -7.0)
    for name in ("cashLogs", "cashReportCopies", "cashJournal"):  # the cash-in (opened without a float)
        assert (found[name]["count"], found[name]["amount"], found[name]["status"]) == (1, 500.0, "balanced"), name
    assert data["terminals"][0]["terminalNo"] == 9 and data["terminals"][0]["openCounter"] == 1


def _only_mismatch(data: dict) -> dict[str, dict]:
    assert data["status"] == "mismatch"
    return {name: ledger for name, ledger in ledgers(data).items() if ledger["status"] != "balanced"}


def test_a_removed_journal_entry_is_a_mismatch_naming_its_transaction(day):
    victim = day.numbers()[1]
    with tenant_context(TENANT_A):
        JournalEntry.objects.filter(transaction_no=victim, terminal_no=9).delete()
    wrong = _only_mismatch(day.data())
    assert list(wrong) == ["journal"]
    assert wrong["journal"]["missing"] == [victim] and wrong["journal"]["count"] == 2


def test_a_removed_report_copy_is_a_mismatch_of_the_copies_and_their_payments(day):
    victim = day.numbers()[0]
    with tenant_context(TENANT_A):
        ReportTranlog.objects.filter(transaction_no=victim, terminal_no=9).delete()
    wrong = _only_mismatch(day.data())
    assert list(wrong) == ["reportCopies", "payments"]
    assert wrong["reportCopies"]["missing"] == [victim] and wrong["payments"]["missing"] == [victim]


def test_a_removed_stock_movement_is_a_mismatch_naming_its_sale(day):
    victim = day.numbers()[1]
    with tenant_context(TENANT_A):
        StockUpdate.objects.filter(reference_id=str(victim), item_code="49-03").delete()
    wrong = _only_mismatch(day.data())
    assert list(wrong) == ["stock"]
    assert wrong["stock"]["different"] == [victim]
    assert (wrong["stock"]["quantity"], wrong["stock"]["expectedQuantity"]) == (-4.0, -7.0)


def test_a_changed_payment_amount_is_a_mismatch_naming_its_transaction(day):
    victim = day.numbers()[2]
    with tenant_context(TENANT_A):
        ReportTranlogPayment.objects.filter(tranlog__transaction_no=victim).update(amount=Decimal("1"))
    wrong = _only_mismatch(day.data())
    assert list(wrong) == ["payments"]
    assert wrong["payments"]["different"] == [victim]


def test_a_changed_journal_amount_and_a_removed_cash_copy_are_named(day):
    victim = day.numbers()[0]
    with tenant_context(TENANT_A):
        JournalEntry.objects.filter(transaction_no=victim).update(amount=Decimal("9999"))
        cash_in = ReportCashLog.objects.get(amount=500)
        cash_in.delete()
    wrong = _only_mismatch(day.data())
    assert list(wrong) == ["journal", "cashReportCopies"]
    assert wrong["journal"]["different"] == [victim]
    assert wrong["cashReportCopies"]["missing"] == [cash_in.generate_date_time]


def test_a_removed_transaction_is_a_mismatch_of_the_transactions_ledger(day):
    victim = day.numbers()[2]
    with tenant_context(TENANT_A):
        Transaction.objects.filter(transaction_no=victim).delete()
    wrong = _only_mismatch(day.data())
    assert list(wrong) == ["transactions", "journal", "reportCopies", "payments", "stock"]
    assert wrong["transactions"]["missing"] == [victim]
    assert all(wrong[name]["unexpected"] == [victim] for name in ("journal", "reportCopies", "payments", "stock"))


def test_a_sale_not_delivered_yet_is_pending_then_balanced_once_delivered(day, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run yet
        sale = day.pos.sell(("49-01", 4))
    number = sale["transactionNo"]
    data = day.data()
    assert data["status"] == "pending"
    found = ledgers(data)
    assert found["transactions"]["status"] == "balanced" and found["transactions"]["count"] == 4
    for name in ("journal", "reportCopies", "payments", "stock"):
        assert (found[name]["status"], found[name]["pending"], found[name]["missing"]) == ("pending", [number], [])
    record = EventRecord.objects.get(tenant_id=TENANT_A, event_type="tranlog", transaction_no=number)
    assert events.event_deliver(event_id=record.event_id, tenant_id=TENANT_A) == dict.fromkeys(
        ("journal", "report", "stock"), "received")
    assert day.data()["status"] == "balanced"


def test_a_delivered_sale_whose_copy_is_gone_is_not_pending(day, django_capture_on_commit_callbacks):
    """Pending is only while the outbox still owes the delivery: a received one that left nothing is a mismatch."""
    with django_capture_on_commit_callbacks(execute=True):
        sale = day.pos.sell(("49-01", 1))
    with tenant_context(TENANT_A):
        JournalEntry.objects.filter(transaction_no=sale["transactionNo"]).delete()
    assert ledgers(day.data())["journal"]["missing"] == [sale["transactionNo"]]


def test_one_terminal_and_an_empty_day(day):
    assert day.data(terminal_no=9)["summary"]["transactions"] == 3
    assert day.data(terminal_no=8)["terminals"] == []
    empty = day.data(business_date="20000101")
    assert (empty["status"], empty["terminals"]) == ("balanced", [])


@pytest.mark.parametrize("query, field", [("business_date=2025-01-01", "business_date"), ("", "business_date"),
                                          ("business_date=20250230", "business_date"),
                                          ("business_date=20250101&terminal_no=x", "terminal_no")])
def test_bad_parameters_are_422(day, query, field):
    response = day.api.get(f"/report/api/v1/tenants/{TENANT_A}/stores/5678/reconciliation?{query}",
                           **bearer(day.token))
    assert response.status_code == 422, response.content
    assert field in response.content.decode()


def test_another_tenants_credential_is_refused_and_a_terminal_key_works(day, token_b):
    response = day.api.get(f"/report/api/v1/tenants/{TENANT_A}/stores/5678/reconciliation?business_date=20250101",
                           **bearer(token_b))
    assert response.status_code == 400 and "does not match" in response.json()["message"]
    keyed = day.api.get(f"/report/api/v1/tenants/{TENANT_A}/stores/5678/reconciliation?"
                        f"business_date={day.business_date}&terminal_id={day.pos.terminal_id}",
                        HTTP_X_API_KEY=day.pos.api_key)
    assert keyed.status_code == 200 and keyed.json()["data"]["status"] == "balanced"
    unauthenticated = day.api.get(f"/report/api/v1/tenants/{TENANT_A}/stores/5678/reconciliation?business_date=1")
    assert unauthenticated.status_code == 401


def test_the_nightly_task_records_each_store_and_counts_a_mismatch(day):
    from apps.core import metrics
    from apps.report.tasks import reconcile_tenant

    def counted() -> float:
        return metrics.RECONCILIATION_MISMATCHES.labels("journal")._value.get()

    before = counted()
    with tenant_context(TENANT_A):
        JournalEntry.objects.filter(transaction_no=day.numbers()[0]).delete()
    assert reconcile_tenant.delay(TENANT_A, day.business_date).get() == {"5678": "mismatch"}
    with tenant_context(TENANT_A):
        row = StoreReconciliation.objects.get(store_code="5678", business_date=day.business_date)
    assert (row.status, row.transactions, row.mismatches) == ("mismatch", 3, 1)
    assert row.detail["terminals"][0]["ledgers"][1]["missing"] == [day.numbers()[0]]
    assert counted() == before + 1
    assert reconcile_tenant.delay(TENANT_A, day.business_date).get() == {"5678": "mismatch"}  # replaced, not added
    with tenant_context(TENANT_A):
        assert StoreReconciliation.objects.filter(store_code="5678").count() == 1
        assert CashLog.objects.count() == 1  # nothing written but the result


# --- the back office ----------------------------------------------------------------------------------------------
PAGE = f"/t/{TENANT_A}/admin/report/storereconciliation/"
HOME = f"/t/{TENANT_A}/admin/"


def test_reconcile_now_stores_the_day_and_the_page_and_home_banner_show_the_mismatch(day, manager):
    victim = day.numbers()[1]
    balanced = manager.post(PAGE, {"store": "5678", "business_date": day.business_date})
    assert balanced.status_code == 302
    assert 'id="home-reconciliation"' not in manager.get(HOME).content.decode()
    with tenant_context(TENANT_A):
        StockUpdate.objects.filter(reference_id=str(victim)).delete()
    response = manager.post(PAGE, {"store": "5678", "business_date": day.business_date}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="recon-status"' in html
    assert 'class="recon-status mismatch" id="recon-status"' in html
    assert f'<td class="keys">{victim}</td>' in html  # stock: the sale's movements are missing
    home = manager.get(HOME, {"store": "5678"}).content.decode()
    assert 'id="home-reconciliation"' in home and f"business_date={day.business_date}" in home


def test_the_page_picks_the_latest_day_and_says_when_a_day_was_never_reconciled(day, manager):
    never = manager.get(PAGE, {"store": "5678", "business_date": "2000-01-01"})
    assert never.status_code == 200 and 'id="recon-none"' in never.content.decode()
    assert manager.get(PAGE, {"store": "nope"}).status_code == 400
    assert manager.get(PAGE, {"store": "5678", "business_date": "soon"}).status_code == 400


def test_viewing_is_not_reconciling(day):
    from django.contrib.auth.models import Permission
    from django.test import Client

    from apps.account.models import User

    with tenant_context(TENANT_A):
        viewer = User.objects.create_user("viewer", "viewer-password", tenant_id=TENANT_A, is_staff=True,
                                          stores=["5678"])
        viewer.user_permissions.add(Permission.objects.get(codename="view_storereconciliation"))
    client = Client()
    assert client.post(f"/t/{TENANT_A}/admin/login/", {"username": "viewer", "password": "viewer-password"}
                       ).status_code == 302
    page = client.get(PAGE, {"store": "5678"})
    assert page.status_code == 200 and 'id="recon-now"' not in page.content.decode()
    assert client.post(PAGE, {"store": "5678", "business_date": day.business_date}).status_code == 403
    with tenant_context(TENANT_A):
        assert not StoreReconciliation.objects.exists()
    elsewhere = client.get(PAGE, {"store": "9999"})
    assert elsewhere.status_code == 400 and "9999" in elsewhere.content.decode()


def test_the_beat_dispatcher_works_only_in_the_stores_reconciliation_hour(day, settings, monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from apps.report import tasks

    settings.RECONCILIATION_HOUR = 3
    monkeypatch.setattr(tasks, "app_now", lambda: datetime(2025, 1, 16, 14, 7, tzinfo=ZoneInfo("Asia/Tokyo")))
    assert tasks.dispatch_reconciliations.delay().get() == []
    monkeypatch.setattr(tasks, "app_now", lambda: datetime(2025, 1, 16, 3, 7, tzinfo=ZoneInfo("Asia/Tokyo")))
    assert TENANT_A in tasks.dispatch_reconciliations.delay().get()  # the previous day: nothing sold, balanced
    assert TENANT_A in tasks.dispatch_reconciliations.delay(day.business_date).get()  # by hand: any day, any hour
    with tenant_context(TENANT_A):
        assert StoreReconciliation.objects.get(business_date=day.business_date).status == "balanced"
