"""The back office's home page (issue 21): the day at a glance shows the report API's numbers; bad input is a
readable message (page) or a Kugelpos envelope (JSON), never a 500."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils.html import escape

from apps.core.tenancy import tenant_context
from apps.report import overview
from apps.report.calculations import SalesAmount, SalesFigures, TypeTotals
from apps.report.models import ReportTranlog
from apps.terminal.tests.factories import tenant_with_store
from tests.support import TENANT_A

from .factories import DAY, STORE, TERMINAL, at, d1_logs, tranlog

pytestmark = pytest.mark.django_db

HOME = f"/t/{TENANT_A}/admin/"
DATA = f"/t/{TENANT_A}/admin/home/data/"


@pytest.fixture
def store(tenant_a):
    with tenant_context(TENANT_A):
        tenant_with_store(TENANT_A, STORE, "Shibuya")
        tenant_with_store(TENANT_A, "9999", "Other")


@pytest.fixture
def d1(consume_all, consume, store):
    consume_all(d1_logs())
    # the same weekday a week before: two sales of 550
    consume("tranlog", [tranlog(n, 101, business_date="20250103", generate_date_time=at("09:00", "20250103"))
                        for n in (2001, 2002)])


def data(client, **params) -> dict:
    response = client.get(DATA, params)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_home_shows_the_report_apis_numbers(manager, d1, report_data):
    home = data(manager, store=STORE, business_date=DAY)
    api = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    summary = home["summary"]
    assert summary["netSales"] == api["salesNet"]["amount"] == 500.0
    assert summary["transactions"] == api["salesNet"]["count"] == 1
    assert summary["itemsSold"] == api["salesNet"]["quantity"]
    assert summary["returnsCount"] == api["returns"]["count"] == 1
    assert summary["returnsAmount"] == api["returns"]["amount"] == 550.0
    assert (summary["voidsCount"], summary["voidsAmount"]) == (1, 550.0)
    assert summary["tax"] == 50.0 and summary["averageBasket"] == 500.0
    assert home["netSalesChange"]["before"] == 1000.0 and home["netSalesChange"]["percent"] == "-50.0%"
    assert home["transactionsChange"]["before"] == 2.0
    by_hour = {h["hour"]: h for h in home["hours"]}
    assert len(home["hours"]) == 24 and by_hour[10]["amount"] == 550.0 and by_hour[10]["transactions"] == 2
    assert sum(h["amount"] for h in home["hours"]) == 550.0  # 3 sales - 1 return - 1 void, with tax
    assert [p["label"] for p in home["payments"]] == [f"{p}" for p in ["01 Cash"]]
    assert home["payments"][0]["amount"] == api["payments"][0]["amount"]
    items = report_data(report_scope="flash", report_type="item", business_date=DAY)
    api_items = [i for c in items["categories"] for i in c["items"]]
    assert sorted(line["netAmount"] for line in home["topItems"]) == sorted(i["netAmount"] for i in api_items)
    assert home["lowStockCount"] == 0 and home["outbox"]["isHealthy"] is True


def test_home_page_renders_the_day_and_keeps_the_model_list(manager, d1):
    response = manager.get(HOME, {"store": STORE, "business_date": DAY})
    html = response.content.decode()
    assert response.status_code == 200
    assert "5678 Shibuya" in html and "2025-01-10" in html
    assert "¥500" in html and "¥1,000" in html  # net sales, and last week's
    assert 'id="home-hours"' in html and "vendor/chartjs/chart.umd.min.js" in html and "cdn" not in html.lower()
    assert '<option value="9999">' in html  # the store picker: several stores
    assert "app-report" in html  # the admin's model list is still there


def test_home_defaults_to_the_first_store_and_its_terminals_business_date(manager, store):
    html = manager.get(HOME).content.decode()
    assert "5678 Shibuya" in html and "home-error" not in html


def test_home_without_stores_says_so(manager, tenant_a):
    response = manager.get(HOME)
    assert response.status_code == 200 and 'id="home-empty"' in response.content.decode()
    assert manager.get(DATA).json()["data"] is None


@pytest.mark.parametrize(
    ("params", "status", "code", "text"),
    [
        ({"store": "nope"}, 404, "407101", "Store not found: store_code->nope"),
        ({"business_date": "2025-01-10"}, 422, "300001", "Business date must be YYYYMMDD"),
        ({"business_date": "20251399"}, 422, "300001", "Not a date: 20251399"),
    ],
)
def test_home_bad_parameters_are_messages_not_500s(manager, d1, params, status, code, text):
    with tenant_context(TENANT_A):
        before = ReportTranlog.objects.count()
    response = manager.get(DATA, params)
    assert response.status_code == status
    body = response.json()
    assert body["success"] is False and body["code"] == status and body["user_error"]["code"] == code
    assert text in body["message"]
    page = manager.get(HOME, params)
    html = page.content.decode()
    if params.get("business_date") == "2025-01-10":  # the page's date picker sends YYYY-MM-DD: the page reads it
        assert page.status_code == 200 and 'value="2025-01-10"' in html and "home-error" not in html
        return
    assert page.status_code == 400 and escape(text) in html and 'id="home-error"' in html
    assert '<option value="5678">' in html  # the picker stays, to choose again
    with tenant_context(TENANT_A):
        assert ReportTranlog.objects.count() == before


def test_home_data_is_for_staff_only(client, d1):
    response = client.get(DATA)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_home_numbers_need_the_report_permission(d1):
    """Staff without ``report.view_reportpage`` (the report page's permission) keep the model list, not the sales."""
    from apps.account.models import User

    with tenant_context(TENANT_A):
        User.objects.create_user("clerk", "clerk-password", tenant_id=TENANT_A, is_staff=True)
    clerk = Client()
    signed_in = clerk.post(f"/t/{TENANT_A}/admin/login/", {"username": "clerk", "password": "clerk-password"})
    assert signed_in.status_code == 302
    page = clerk.get(HOME, {"store": STORE, "business_date": DAY})
    html = page.content.decode()
    assert page.status_code == 200 and "home-summary" not in html and "¥500" not in html
    response = clerk.get(DATA, {"store": STORE})
    assert response.status_code == 403 and response.json()["success"] is False


@pytest.mark.parametrize(
    ("now", "before", "difference", "percent"),
    [(1500, 1000, 500, Decimal("50.0")), (500, 1000, -500, Decimal("-50.0")), (100, 0, 100, None),
     (Decimal("1.5"), 3, Decimal("-1.5"), Decimal("-50.0"))],
)
def test_change_against_last_week(now, before, difference, percent):
    result = overview.change(now, before)
    assert result.difference == difference and result.percent == percent


def test_day_summary_takes_the_reports_figures_and_counts_voids():
    figures = SalesFigures(
        sales_gross=SalesAmount(Decimal(3000), 6, 3), sales_net=SalesAmount(Decimal(2000), 5, 3),
        discount_for_lineitems=SalesAmount(Decimal(100)), discount_for_subtotal=SalesAmount(Decimal(50)),
        returns=SalesAmount(Decimal(550), 1, 1), net_tax=Decimal(300),
    )
    totals = [TypeTotals(201, count=2, amount_with_tax=Decimal(1100)), TypeTotals(202, count=1,
                                                                                  amount_with_tax=Decimal(550))]
    summary = overview.day_summary(figures, totals)
    assert summary.average_basket == Decimal("666.67") and summary.voids_count == 3
    assert summary.voids_amount == 1650 and summary.discounts == 150 and summary.tax == 300


def test_week_before_crosses_months():
    assert overview.week_before("20250303") == "20250224"
    assert overview.week_before(DAY) == "20250103"


def test_home_terminals_show_state_staff_expected_cash_and_last_sale(manager, d1, report_data):
    from apps.terminal.models import Terminal
    from apps.terminal.tests.factories import TerminalFactory

    with tenant_context(TENANT_A):
        TerminalFactory(store_code=STORE, terminal_no=TERMINAL, description="Front")
        Terminal.objects.filter(terminal_no=TERMINAL).update(
            status=Terminal.Status.OPENED, business_date=DAY, open_counter=1, business_counter=3,
            staff_id="S01", staff_name="Taro")
        TerminalFactory(store_code=STORE, terminal_no=2, description="Back")
    home = data(manager, store=STORE)
    assert home["businessDate"] == DAY  # the open terminal's business date, without asking for one
    back, front = home["terminals"]  # by terminal number
    assert (back["terminalNo"], front["terminalNo"]) == (2, TERMINAL)
    api = report_data(terminal=TERMINAL, report_scope="flash", report_type="sales", business_date=DAY,
                      open_counter=1)
    assert front["isOpen"] is True and front["staff"] == "S01 Taro" and front["businessCounter"] == 3
    assert front["expectedCash"] == api["cash"]["logicalAmount"]
    assert front["lastSaleAt"] == at("10:03") and front["lastSaleShown"] == "10:03"  # 1004/1005: return, void
    assert back["isOpen"] is False and back["staff"] == "" and back["expectedCash"] == 0 and back["lastSaleAt"] is None
    html = manager.get(HOME, {"store": STORE}).content.decode()
    assert 'data-terminal="5555"' in html and "S01 Taro" in html and "Closed" in html
    # the panel's title opens the store's "Terminals and cash" page, where the manager acts on them
    assert home["terminalsUrl"] == f"/t/{TENANT_A}/admin/terminal/terminaldesk/?store={STORE}"
    assert manager.get(home["terminalsUrl"]).status_code == 200


def test_home_data_reads_a_fixed_number_of_queries(manager, d1, django_assert_max_num_queries):
    """With the session and user: grouped queries whatever the number of transactions or terminals."""
    with django_assert_max_num_queries(HOME_DATA_MAX_QUERIES):
        data(manager, store=STORE, business_date=DAY)


HOME_DATA_MAX_QUERIES = 24  # 21 without a terminal; 3 more for the expected cash of any number of them


def _open_terminals(count: int) -> None:
    from apps.terminal.models import Terminal
    from apps.terminal.tests.factories import TerminalFactory

    with tenant_context(TENANT_A):
        for terminal_no in range(1, count + 1):
            if not Terminal.objects.filter(store_code=STORE, terminal_no=terminal_no).exists():
                TerminalFactory(store_code=STORE, terminal_no=terminal_no)
        Terminal.objects.filter(store_code=STORE).update(status=Terminal.Status.OPENED, business_date=DAY,
                                                         open_counter=1, business_counter=1)


def test_home_query_count_does_not_grow_with_terminals(manager, d1, consume):
    """Expected cash of every terminal in three grouped queries: the same count at one terminal and at five."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def home_queries() -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as captured:
            home = data(manager, store=STORE, business_date=DAY)
        return len(captured.captured_queries), home

    _open_terminals(1)
    one, _ = home_queries()
    _open_terminals(5)
    for terminal_no in range(1, 6):  # each terminal sold something in its session
        consume("tranlog", [tranlog(3000 + terminal_no, 101, terminal_no=terminal_no)])
    five, home = home_queries()
    assert one == five <= HOME_DATA_MAX_QUERIES
    assert len(home["terminals"]) == 5
    assert all(terminal["expectedCash"] > 0 for terminal in home["terminals"])


def test_home_figures_are_the_reports_with_discounts_returns_and_several_terminals(manager, store, consume_all,
                                                                                   consume, report_data):
    """The folded one-pass figures (headers by type, hour and terminal; lines by item with the sales report's
    line sums) are exactly the sales, item and category reports' figures on a day with line and subtotal
    discounts, a return and a void, at two terminals."""
    from .factories import DiscountFactory, LineItemFactory

    consume_all(d1_logs())

    def discounted(no: int) -> list[dict]:
        return [
            LineItemFactory(line_no=1, item_code=f"A{no % 3}", category_code="C1", unit_price=300.0, quantity=2,
                            discounts=[DiscountFactory(discount_amount=30.0)],
                            discounts_allocated=[DiscountFactory(discount_amount=10.0)]),
            LineItemFactory(line_no=2, item_code="B", category_code="C2", unit_price=100.0,
                            discounts_allocated=[DiscountFactory(discount_amount=5.0)]),
        ]

    consume("tranlog", [
        tranlog(3000 + no, 101, terminal_no=1 + no % 2, with_tax=710.0, tax=65.0, quantity=3, discount=45.0,
                line_items=discounted(no), subtotal_discounts=[DiscountFactory(discount_amount=15.0)],
                generate_date_time=at(f"1{no % 4}:15"))
        for no in range(6)
    ])
    home = data(manager, store=STORE, business_date=DAY)
    sales = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    summary = home["summary"]
    assert (summary["netSales"], summary["transactions"], summary["itemsSold"]) == (
        sales["salesNet"]["amount"], sales["salesNet"]["count"], sales["salesNet"]["quantity"])
    assert summary["discounts"] == sales["discountForLineitems"]["amount"] + sales["discountForSubtotal"]["amount"]
    assert summary["discounts"] > 0 and summary["returnsCount"] == sales["returns"]["count"] == 1
    assert [(p["amount"], int(p["count"])) for p in home["payments"]] == [(p["amount"], p["count"])
                                                                      for p in sales["payments"]]
    items = report_data(report_scope="flash", report_type="item", business_date=DAY)
    by_code = {i["itemCode"]: i for c in items["categories"] for i in c["items"]}
    for line in home["topItems"]:
        api_item = by_code[line["code"]]
        assert line["netAmount"] == api_item["netAmount"] and api_item["itemName"] in line["label"]
    categories = report_data(report_scope="flash", report_type="category", business_date=DAY)
    assert sorted((line["code"], line["netAmount"]) for line in home["topCategories"]) == sorted(
        (c["categoryCode"], c["netAmount"]) for c in categories["categories"])
    # every sale's hour, signed as the sales report signs it: the day's takings with tax
    assert sum(h["amount"] for h in home["hours"]) == 550.0 + 6 * 710.0
