"""Flow 6: the report page. A store sells a day through the API (as POS terminals do) and closes; the manager picks
the store, the date and every report type, sees the API's totals, exports each report as CSV (the API's numbers)
and prints it (A4 and 80 mm receipt); an open terminal's daily report says what to do instead of raw error text.

Besides the flow's screenshots, the pages people read are saved for the docs as ``docs/screenshots/report-*.png``
at 1366 px and at a phone's 390 px."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.api import Api, Terminal, wait_for
from e2e.conftest import STORE_CODE, TENANT_ID, admin_url, show_json
from e2e.stack import Stack

DOCS_SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
WIDE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
TYPES = ("sales", "category", "item", "payment", "promotion")


def _number(value) -> str:
    """A figure as the report page prints it: thousands separators, no trailing .00."""
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{Decimal(str(value)):,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _money(value) -> str:
    """An amount as the report page prints it: ``¥1,100``, ``¥150.5``, ``-¥30`` (apps.core.admin.money)."""
    amount = Decimal(str(value))
    text = f"{abs(amount):,.4f}".rstrip("0").rstrip(".")
    return f"{'-' if amount < 0 else ''}¥{text}"


def _iso(business_date: str) -> str:
    return f"{business_date[:4]}-{business_date[4:6]}-{business_date[6:]}"


def _cells(page: Page, table_title: str) -> dict[str, list[str]]:
    """The rows of one report table by their first cell: {"Gross sales": ["1,234", "3", "2"], ...}."""
    title = page.locator("h2", has_text=re.compile(f"^{re.escape(table_title)}$"))
    module = page.locator("#report-result .module", has=title)
    rows = {}
    for row in module.locator("tbody tr").all():
        cells = [cell.strip() for cell in row.locator("td").all_inner_texts()]
        rows[cells[0]] = cells[1:]
    return rows


def docs_shot(page: Page, name: str, *, phone: bool = True) -> None:
    """``docs/screenshots/report-<name>-1366.png`` (and ``-390.png``), full page; the viewport is put back."""
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    for viewport in (WIDE, PHONE) if phone else (WIDE,):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(DOCS_SHOTS / f"report-{name}-{viewport['width']}.png"), full_page=True)
    page.set_viewport_size(WIDE)


def _export(page: Page) -> dict[str, list[str]]:
    """Click "Export CSV"; the downloaded rows by their first cell."""
    with page.expect_download() as download:
        page.click("#report-export-csv")
    assert re.fullmatch(r"report-.*\.csv", download.value.suggested_filename)
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return {row[0]: row[1:] for row in csv.reader(io.StringIO(text)) if row}


def _show(page: Page, report_type: str) -> None:
    page.select_option("#id_report_type", report_type)
    page.click("#report-show")
    expect(page.locator("#report-result")).to_be_visible()
    expect(page.locator("#report-error")).to_have_count(0)


@pytest.mark.flow("9-reports")
def test_manager_reads_exports_and_prints_every_report(manager: Page, shots, api: Api, stack: Stack, run_id: str):
    # a store of its own with one terminal: a whole day of sales, then closed
    store_code = f"R{run_id}"
    api.post(f"/terminal/api/v1/tenants/{TENANT_ID}/stores", {"storeCode": store_code, "storeName": "E2E Store"})
    terminal = Terminal.connect(stack.base_url, api.post("/terminal/api/v1/terminals", {
        "storeCode": store_code, "terminalNo": 1, "description": "E2E register"}))
    opened = terminal.ready()
    business_date = opened["businessDate"]
    sales = [
        terminal.sell(("49-01", 2), ("49-14", 1), tendered=1000),  # cash with change
        terminal.sell(("49-16", 1), payment_code="11"),  # cashless
        terminal.sell(("49-09", 3)),
    ]
    terminal.close(physical_amount=10000 + sum(s["totalAmountWithTax"] for s in sales if s is not sales[1]))
    reports = f"/report/api/v1/tenants/{TENANT_ID}/stores/{store_code}/reports"
    params = {"report_scope": "daily", "business_date": business_date}
    report = wait_for(lambda: api.get(reports, report_type="sales", **params),
                      what="the daily sales report (every log of the day delivered)", timeout=60)
    assert report["salesGross"]["count"] == 3 and report["salesNet"]["count"] == 3
    api_reports = {report_type: api.get(reports, report_type=report_type, **params) for report_type in TYPES}

    # the form: the store's business date is the default; pickers show names
    manager.goto(admin_url(f"report/reportpage/?store_code={store_code}"))
    expect(manager.locator("#id_business_date")).to_have_value(_iso(business_date))
    expect(manager.locator("#id_store_code option:checked")).to_have_text(f"{store_code} E2E Store")
    # every flow's store has a terminal 1: pick this store's (the page disables the other stores' options)
    mine = manager.locator(f'#id_terminal_no option[data-store="{store_code}"][value="1"]')
    manager.select_option("#id_terminal_no", element=mine.element_handle())
    expect(manager.locator("#id_terminal_no option:checked")).to_have_text("1 E2E register")
    manager.select_option("#id_terminal_no", "")
    manager.select_option("#id_report_scope", "daily")
    shots("report form")
    docs_shot(manager, "form")

    # sales: the API's totals, and the same numbers in the CSV
    _show(manager, "sales")
    shots("daily sales report")
    docs_shot(manager, "sales")
    summary = _cells(manager, "Sales")
    for label, key in (("Gross sales", "salesGross"), ("Returns", "returns"), ("Net sales", "salesNet"),
                       ("Line discounts", "discountForLineitems"), ("Subtotal discounts", "discountForSubtotal")):
        figures = report[key]
        assert summary[label] == [_money(figures["amount"]), _number(figures["quantity"]),
                                  _number(figures["count"])], label
    assert _cells(manager, "Payments") == {p["paymentName"]: [_money(p["amount"]), _number(p["count"])]
                                           for p in report["payments"]}
    assert _cells(manager, "Taxes") == {t["taxName"]: [_money(t["taxAmount"]), _money(t["targetAmount"]),
                                                       _number(t["targetQuantity"])] for t in report["taxes"]}
    drawer = _cells(manager, "Cash drawer")
    assert drawer["Counted (physical)"][0] == _money(report["cash"]["physicalAmount"])
    assert drawer["Difference"][0] == _money(report["cash"]["differenceAmount"])
    exported = _export(manager)
    assert Decimal(exported["Gross sales"][0]) == Decimal(str(report["salesGross"]["amount"]))
    assert Decimal(exported["Net sales"][0]) == Decimal(str(report["salesNet"]["amount"]))
    assert Decimal(exported["Difference"][0]) == Decimal(str(report["cash"]["differenceAmount"]))

    # the breakdowns: a table with its total, a chart, the CSV
    category = api_reports["category"]
    _show(manager, "category")
    expect(manager.locator("#report-chart")).to_be_visible()
    shots("category report")
    docs_shot(manager, "category")
    rows = _cells(manager, "Categories")
    for row in category["categories"]:
        assert rows[f"{row['categoryCode']} {row['categoryName']}"][2] == _money(row["netAmount"])
    assert manager.locator("#report-result tfoot th").all_inner_texts()[3] == _money(category["totalNetAmount"])
    exported = _export(manager)
    assert Decimal(exported["Total"][2]) == Decimal(str(category["totalNetAmount"]))

    item = api_reports["item"]
    _show(manager, "item")
    expect(manager.locator("#report-chart")).to_be_visible()
    shots("item report")
    docs_shot(manager, "item", phone=False)
    exported = _export(manager)
    for group in item["categories"]:
        for row in group["items"]:
            assert Decimal(exported[f"{row['itemCode']} {row['itemName']}"][2]) == Decimal(str(row["netAmount"]))
    assert Decimal(exported["Total"][2]) == Decimal(str(item["totalNetAmount"]))

    payment = api_reports["payment"]
    _show(manager, "payment")
    expect(manager.locator("#report-chart")).to_be_visible()
    shots("payment report")
    docs_shot(manager, "payment")
    exported = _export(manager)
    for row in payment["payment_summary"]:
        assert int(exported[f"{row['payment_code']} {row['payment_name']}"][0]) == row["count"]
        assert Decimal(exported[f"{row['payment_code']} {row['payment_name']}"][1]) == Decimal(str(row["amount"]))
    assert Decimal(exported["Total"][1]) == Decimal(str(payment["total"]["amount"]))

    promotion = api_reports["promotion"]
    _show(manager, "promotion")
    shots("promotion report")
    docs_shot(manager, "promotion", phone=False)
    exported = _export(manager)
    assert Decimal(exported["Total"][1]) == Decimal(str(promotion["totalGrossAmount"]))

    # print: A4, then the 80 mm receipt layout; no navigation on paper
    _show(manager, "sales")
    manager.emulate_media(media="print")
    expect(manager.locator("#header")).to_be_hidden()
    expect(manager.locator("#report-form")).to_be_hidden()
    manager.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    manager.screenshot(path=str(DOCS_SHOTS / "report-print-a4.png"), full_page=True)
    manager.emulate_media(media="screen")
    manager.set_viewport_size(WIDE)
    manager.click("#report-layout-receipt")
    expect(manager.locator("body.report-layout-receipt")).to_have_count(1)
    shots("receipt layout")
    manager.emulate_media(media="print")
    manager.set_viewport_size({"width": 302, "height": 1123})  # 80 mm at 96 dpi
    manager.screenshot(path=str(DOCS_SHOTS / "report-print-receipt.png"), full_page=True)
    width = manager.locator("#report-result").evaluate("e => e.getBoundingClientRect().width")
    assert width <= 80 / 25.4 * 96 + 1  # the roll's width at most
    manager.emulate_media(media="screen")
    manager.set_viewport_size(WIDE)

    # a date range: daily only, every day in it
    manager.click("#report-layout-a4")
    manager.fill("#id_business_date_from", _iso(business_date))
    manager.fill("#id_business_date_to", _iso(business_date))
    _show(manager, "sales")
    assert _cells(manager, "Sales")["Gross sales"][0] == _money(report["salesGross"]["amount"])

    show_json(manager, f"GET {reports}?report_scope=daily&report_type=sales&business_date={business_date}",
              {key: report[key] for key in ("salesGross", "salesNet", "payments", "taxes", "cash")})
    shots("the same report through the API")


@pytest.mark.flow("9-reports-messages")
def test_an_open_terminals_daily_report_says_what_to_do(manager: Page, shots, demo_terminal: Terminal):
    business_date = demo_terminal.state()["businessDate"]
    manager.goto(admin_url(f"report/reportpage/?store_code={STORE_CODE}"))
    expect(manager.locator("#id_business_date")).to_have_value(_iso(business_date))
    manager.select_option("#id_report_scope", "daily")
    manager.select_option("#id_report_type", "sales")
    manager.click("#report-show")
    error = manager.locator("#report-error")
    expect(error).to_contain_text(f"Terminal {demo_terminal.terminal_no} is not closed yet: close it or pick flash")
    expect(error).not_to_contain_text("terminal_no->")
    expect(manager.locator("#report-result")).to_have_count(0)
    shots("open terminal")
    docs_shot(manager, "error")

    # flash is the report of the open session: it answers
    manager.select_option("#id_report_scope", "flash")
    manager.click("#report-show")
    expect(manager.locator("#report-result")).to_be_visible()

    # a bad date typed by hand is a message on the page, never a server error
    manager.goto(admin_url(f"report/reportpage/?store_code={STORE_CODE}&report_type=sales&report_scope=flash"
                           "&business_date=2025-02-30"))
    expect(manager.locator(".errorlist")).to_contain_text("Enter a valid date.")
    shots("bad date")
