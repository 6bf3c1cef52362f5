"""The store manager's report page: pickers, every report type with the API's numbers, CSV export, print layouts,
readable messages for every refusal (never a 500, never raw error text)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.test import Client

from apps.core.formats import business_date_today
from apps.core.tenancy import tenant_context
from apps.report.models import DailyInfo
from tests.support import TENANT_A

from .factories import DAY, STORE, TERMINAL, d1_logs

pytestmark = pytest.mark.django_db

URL = f"/t/{TENANT_A}/admin/report/reportpage/"
ISO_DAY = f"{DAY[:4]}-{DAY[4:6]}-{DAY[6:]}"
TYPES = ("sales", "category", "item", "payment", "promotion")


@pytest.fixture
def d1(consume_all):
    consume_all(d1_logs())


def page(client: Client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def flash(report_type: str, **extra) -> dict:
    return {"store_code": STORE, "report_type": report_type, "report_scope": "flash", "business_date": ISO_DAY,
            "terminal_no": TERMINAL, "open_counter": 1, **extra}


def export(client: Client, **params) -> list[list[str]]:
    response = client.get(URL, {**params, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def csv_rows(rows: list[list[str]]) -> dict[str, list[str]]:
    """Rows of the export by their first cell (titles, headers and figures alike)."""
    return {row[0]: row[1:] for row in rows if row}


# --- the form ---------------------------------------------------------------------------------------------------
def test_pickers_show_stores_with_names_terminals_and_every_type(manager, d1):
    from apps.terminal.tests.factories import TerminalFactory, tenant_with_store

    with tenant_context(TENANT_A):
        tenant_with_store(store_code=STORE, store_name="Shibuya")
        TerminalFactory(store_code=STORE, terminal_no=7, description="Front register")
    html = page(manager)
    assert f'<option value="{STORE}" selected>{STORE} Shibuya</option>' in html
    assert 'data-store="5678" value="7"' in html and "7 Front register" in html
    assert f'value="{TERMINAL}"' in html  # a terminal known only from its logs
    for report_type in TYPES:
        assert f'<option value="{report_type}"' in html
    assert 'type="date"' in html and 'name="business_date_from"' in html and 'name="business_date_to"' in html
    assert 'id="report-result"' not in html


def test_the_date_defaults_to_the_stores_business_date_of_its_terminals(manager):
    from apps.terminal.tests.factories import TerminalFactory, tenant_with_store

    with tenant_context(TENANT_A):
        tenant_with_store(store_code=STORE, store_name="Shibuya")
        terminal = TerminalFactory(store_code=STORE, terminal_no=1)
        type(terminal).objects.filter(pk=terminal.pk).update(business_date="20250301")
    html = page(manager, store_code=STORE)
    assert 'name="business_date" value="2025-03-01"' in html


def test_the_date_defaults_to_today_without_a_terminal(manager):
    today = business_date_today()
    html = page(manager)
    assert f'name="business_date" value="{today[:4]}-{today[4:6]}-{today[6:]}"' in html


# --- every type, the API's numbers ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("report_type", "expected"),
    [
        ("sales", ["1,100", "16,950", "外税10%", "売 上 レ ポ ー ト ( 速報 )"]),
        ("category", ["cat456", "cat567", "500"]),
        ("item", ["item123 Item item123", "Category total"]),
        ("payment", ["Cash", "550", "100"]),
        ("promotion", ["Promotions", "No data"]),
    ],
)
def test_every_report_type_renders_the_numbers_of_the_api(manager, d1, report_type, expected):
    html = page(manager, **flash(report_type))
    assert 'id="report-result"' in html and 'id="report-error"' not in html
    for text in expected:
        assert text in html
    assert ".0000" not in html


@pytest.mark.parametrize("report_type", ["category", "item", "payment"])
def test_breakdowns_have_a_chart(manager, d1, report_type):
    html = page(manager, **flash(report_type))
    assert 'id="report-chart"' in html and "vendor/chartjs/chart.umd.min.js" in html
    assert 'id="report-chart-data"' in html


def test_a_report_without_a_breakdown_has_no_chart(manager, d1):
    assert 'id="report-chart"' not in page(manager, **flash("promotion"))


def test_a_date_typed_as_yyyymmdd_still_works(manager, d1):
    html = page(manager, **flash("sales", business_date=DAY))
    assert 'id="report-result"' in html and "1,100" in html


def test_a_daily_report_over_a_date_range(manager, d1, report_data):
    html = page(manager, store_code=STORE, report_type="category", report_scope="daily", business_date="",
                business_date_from="2025-01-01", business_date_to="2025-01-31")
    assert 'id="report-result"' in html and 'id="report-error"' not in html
    api = report_data(report_scope="daily", report_type="category", business_date_from="20250101",
                      business_date_to="20250131")
    for category in api["categories"]:
        assert f"{category['categoryCode']} {category['categoryName']}" in html


# --- CSV export ------------------------------------------------------------------------------------------------
def test_csv_export_of_sales_has_the_apis_numbers(manager, d1, report_data):
    rows = csv_rows(export(manager, **flash("sales")))
    api = report_data(terminal=TERMINAL, report_scope="flash", report_type="sales", business_date=DAY,
                      open_counter=1)
    for label, key in (("Gross sales", "salesGross"), ("Returns", "returns"), ("Net sales", "salesNet"),
                       ("Line discounts", "discountForLineitems"), ("Subtotal discounts", "discountForSubtotal")):
        assert [Decimal(cell) for cell in rows[label]] == [Decimal(str(api[key][k]))
                                                           for k in ("amount", "quantity", "count")], label
    assert Decimal(rows["Difference"][0]) == Decimal(str(api["cash"]["differenceAmount"])) == Decimal("16950")
    for payment in api["payments"]:
        assert Decimal(rows[payment["paymentName"]][0]) == Decimal(str(payment["amount"]))
    assert rows["Gross sales"][0] == "1100"  # as people read it: no trailing zeros, no separators in a CSV


@pytest.mark.parametrize("report_type", ["category", "item", "payment", "promotion"])
def test_csv_export_of_every_breakdown_has_the_apis_numbers(manager, d1, report_data, report_type):
    rows = csv_rows(export(manager, **flash(report_type)))
    api = report_data(terminal=TERMINAL, report_scope="flash", report_type=report_type, business_date=DAY,
                      open_counter=1)
    if report_type == "category":
        for category in api["categories"]:
            figures = rows[f"{category['categoryCode']} {category['categoryName']}"]
            assert Decimal(figures[0]) == Decimal(str(category["grossAmount"]))
            assert Decimal(figures[2]) == Decimal(str(category["netAmount"]))
            assert int(figures[3]) == category["quantity"]
        assert Decimal(rows["Total"][0]) == Decimal(str(api["totalGrossAmount"]))
    elif report_type == "item":
        for category in api["categories"]:
            for item in category["items"]:
                figures = rows[f"{item['itemCode']} {item['itemName']}"]
                assert Decimal(figures[2]) == Decimal(str(item["netAmount"]))
        assert Decimal(rows["Total"][2]) == Decimal(str(api["totalNetAmount"]))
    elif report_type == "payment":
        for payment in api["payment_summary"]:
            figures = rows[f"{payment['payment_code']} {payment['payment_name']}"]
            assert int(figures[0]) == payment["count"]
            assert Decimal(figures[1]) == Decimal(str(payment["amount"]))
        assert Decimal(rows["Total"][1]) == Decimal(str(api["total"]["amount"]))
    else:
        assert Decimal(rows["Total"][1]) == Decimal(str(api["totalGrossAmount"]))


def test_csv_export_of_a_refused_report_is_the_page_with_its_message(manager, d1):
    response = manager.get(URL, {**flash("sales"), "business_date": "2025-13-45", "export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Enter a valid date." in response.content.decode()


# --- print layouts ---------------------------------------------------------------------------------------------
def test_print_layout_is_a4_by_default_and_80mm_on_request(manager, d1):
    html = page(manager, **flash("sales"))
    assert "size: A4" in html and "report-layout-a4" in html
    assert "layout=receipt" in html  # the switch to the receipt layout
    receipt = page(manager, **flash("sales", layout="receipt"))
    assert "report-layout-receipt" in receipt and "80mm" in receipt


# --- readable messages -----------------------------------------------------------------------------------------
def test_daily_report_of_an_open_terminal_says_what_to_do(manager, consume):
    consume("opencloselog", d1_logs()["opencloselog"][:1])
    html = page(manager, store_code=STORE, report_type="sales", report_scope="daily", business_date=ISO_DAY)
    assert f"Terminal {TERMINAL} is not closed yet: close it or pick flash" in html
    assert "terminal_no-&gt;" not in html and 'id="report-result"' not in html
    with tenant_context(TENANT_A):
        assert DailyInfo.objects.filter(verified=False).count() == 1  # the verification's own record, as the API


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"business_date": ""}, "Pick a business date, or both dates of a range"),
        ({"business_date": "2025-13-45"}, "Enter a valid date."),
        ({"business_date": "yesterday"}, "Enter a valid date."),
        ({"terminal_no": "abc"}, "Enter a whole number."),
        ({"open_counter": "99999999999"}, "Ensure this value is less than or equal to 2147483647."),
        ({"report_type": "nope"}, "Select a valid choice."),
        ({"report_scope": "weekly"}, "Select a valid choice."),
        ({"business_date_from": "2025-01-15", "business_date_to": "2025-01-10", "report_scope": "daily"},
         "The first date of the range is after the last"),
        ({"business_date_from": "2025-01-01", "business_date_to": "2025-01-10"},
         "A flash report covers one business date: pick daily for a date range"),
        ({"business_date_from": "2025-01-01"}, "Pick both dates of the range"),
        ({"store_code": ""}, "This field is required."),
        ({"layout": "poster"}, "Select a valid choice."),
    ],
)
def test_bad_parameters_give_a_message_not_a_500(manager, d1, params, message):
    with tenant_context(TENANT_A):
        infos = DailyInfo.objects.count()
    html = page(manager, **{**flash("sales"), **params})
    assert message in html
    assert 'id="report-result"' not in html
    with tenant_context(TENANT_A):
        assert DailyInfo.objects.count() == infos


def test_an_unknown_store_shows_an_empty_report_not_an_error(manager, d1):
    html = page(manager, **flash("sales", store_code="NOPE"))
    assert 'id="report-result"' in html and 'id="report-error"' not in html
    assert '<option value="NOPE" selected>NOPE</option>' in html  # the picker shows the store asked for


def test_report_page_needs_a_staff_login(d1):
    response = Client().get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- issue #21: the page in Japanese ---------------------------------------------------------------------------
def test_the_report_page_speaks_japanese_with_the_same_numbers(manager, d1):
    english = page(manager, **flash("sales"))
    manager.post(f"/t/{TENANT_A}/admin/language/", {"language": "ja"})
    japanese = page(manager, **flash("sales"))
    assert '<html lang="ja"' in japanese and "売上レポート" in japanese and "純売上" in japanese
    assert "点検（現在の営業中の集計）" in japanese and "CSV出力" in japanese and "ホーム" in japanese
    assert "2025/01/10" in japanese and "2025-01-10 " not in japanese.split('id="report-result"')[1]
    numbers = re.compile(r'<td class="num">([^<]*)</td>')
    assert numbers.findall(japanese) == numbers.findall(english)  # figures are data: the same in both languages
    csv_heading = export(manager, **flash("sales"))[0]
    assert csv_heading[0] == "店舗"


def test_a_refused_report_says_why_in_japanese(manager, consume):
    consume("opencloselog", d1_logs()["opencloselog"][:1])
    manager.post(f"/t/{TENANT_A}/admin/language/", {"language": "ja"})
    html = page(manager, store_code=STORE, report_type="sales", report_scope="daily", business_date=ISO_DAY)
    assert f"端末 {TERMINAL} はまだ閉局していません" in html
    html = page(manager, **flash("sales", business_date="2025-13-45"))
    assert "日付を正しく入力してください。" in html  # Django's own form message, in Japanese


def test_amounts_are_money_on_the_page_and_plain_numbers_in_the_csv(manager, d1):
    html = page(manager, **flash("sales"))
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    assert "¥1,100" in cells and all("¥" not in cell for cell in cells if cell in ("1", "2", "3"))
    assert not any(cell.endswith((".00", ".0")) for cell in cells)
    assert not any("¥" in cell for row in export(manager, **flash("sales")) for cell in row)
