"""Flows 3 and 4: sales made through the API, as a POS terminal makes them, seen in the back office: the journal
entry of a receipt, and the daily report with the API's own totals."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from e2e.api import Api, Terminal, wait_for
from e2e.conftest import STORE_CODE, TENANT_ID, admin_url, show_json
from e2e.stack import Stack


@pytest.mark.flow("3-journal")
def test_manager_finds_a_sale_in_the_journal_by_its_receipt_number(manager: Page, shots, api: Api,
                                                                   demo_terminal: Terminal):
    sale = demo_terminal.sell(("49-02", 2), ("49-09", 1))  # Coffee 350ml x2, Bento box (store price 500)
    receipt_no = sale["receiptNo"]
    journals = f"/journal/api/v1/tenants/{TENANT_ID}/stores/{STORE_CODE}/journals"
    wait_for(lambda: api.get(journals, receipt_no_from=receipt_no, receipt_no_to=receipt_no,
                             transaction_types=101, terminals=demo_terminal.terminal_no),
             what=f"the journal entry of receipt {receipt_no}")

    manager.get_by_role("link", name="Journal entries").first.click()
    manager.get_by_role("link", name=STORE_CODE).first.click()  # the store filter
    manager.fill("#searchbar", str(receipt_no))
    manager.keyboard.press("Enter")
    rows = manager.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sale")
    expect(rows.first).to_contain_text(f"¥{sale['totalAmountWithTax']:,.0f}")
    shots("search by receipt number")

    rows.first.locator("th a, td a").first.click()
    journal = manager.locator(".field-printed_journal pre")
    expect(journal).to_be_visible()
    text = journal.inner_text()
    assert str(receipt_no) in text
    for name in ("Coffee 350ml", "Bento box"):
        assert name in text
    assert f"{sale['totalAmountWithTax']:,.0f}" in text
    shots("the receipt as printed")


def _number(value) -> str:
    """A figure as the report page prints it: thousands separators, no trailing .00."""
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{Decimal(str(value)):,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _cells(page: Page, table_title: str) -> dict[str, list[str]]:
    """The rows of one report table by their first cell: {"Gross sales": ["1,234", "3", "2"], ...}."""
    title = page.locator("h2", has_text=re.compile(f"^{table_title}$"))
    module = page.locator("#report-result .module", has=title)
    rows = {}
    for row in module.locator("tbody tr").all():
        cells = [cell.strip() for cell in row.locator("td").all_inner_texts()]
        rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.flow("4-daily-report")
def test_manager_opens_the_daily_report_of_a_day_with_sales(manager: Page, shots, api: Api, stack: Stack,
                                                            run_id: str):
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
    report = wait_for(lambda: api.get(reports, report_scope="daily", report_type="sales",
                                      business_date=business_date),
                      what="the daily sales report (every log of the day delivered)", timeout=60)
    assert report["salesGross"]["count"] == 3 and report["salesNet"]["count"] == 3

    manager.goto(admin_url("report/reportpage/"))
    manager.fill("#id_store_code", store_code)
    manager.select_option("#id_report_type", "sales")
    manager.select_option("#id_report_scope", "daily")
    manager.fill("#id_business_date", business_date)
    shots("report form")
    manager.click("input[type=submit][value='Show report']")
    expect(manager.locator("#report-result")).to_be_visible()
    expect(manager.locator("#report-error")).to_have_count(0)
    shots("daily report")

    summary = _cells(manager, "Sales")
    for label, key in (("Gross sales", "salesGross"), ("Returns", "returns"), ("Net sales", "salesNet"),
                       ("Line discounts", "discountForLineitems"), ("Subtotal discounts", "discountForSubtotal")):
        figures = report[key]
        assert summary[label] == [_number(figures["amount"]), _number(figures["quantity"]),
                                  _number(figures["count"])], label
    payments = _cells(manager, "Payments")
    assert payments == {p["paymentName"]: [_number(p["amount"]), _number(p["count"])] for p in report["payments"]}
    taxes = _cells(manager, "Taxes")
    assert taxes == {t["taxName"]: [_number(t["taxAmount"]), _number(t["targetAmount"]),
                                    _number(t["targetQuantity"])] for t in report["taxes"]}
    drawer = _cells(manager, "Cash drawer")
    assert drawer["Counted (physical)"][0] == _number(report["cash"]["physicalAmount"])
    assert drawer["Difference"][0] == _number(report["cash"]["differenceAmount"])

    show_json(manager, f"GET {reports}?report_scope=daily&report_type=sales&business_date={business_date}",
              {key: report[key] for key in ("salesGross", "salesNet", "payments", "taxes", "cash")})
    shots("the same report through the API")
