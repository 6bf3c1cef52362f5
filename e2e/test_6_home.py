"""Flow 6: the back office's home page, the store's day at a glance: sales made through the API appear with the
report API's own numbers, on a desktop screen and on a phone. Saves the guide's screenshots under docs/."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.api import Api, Terminal, wait_for
from e2e.conftest import TENANT_ID, admin_url
from e2e.stack import Stack

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _money(value) -> str:
    """An amount as the page prints it: ``¥1,234``, ``¥1,234.5``, ``-¥500``."""
    amount = Decimal(str(value))
    text = f"{abs(amount):,.4f}".rstrip("0").rstrip(".")
    return f"{'-' if amount < 0 else ''}¥{text}"


def _tile(page: Page, figure: str):
    return page.locator(f'#home-summary [data-figure="{figure}"] .value')


@pytest.mark.flow("10-home")
def test_home_shows_the_days_sales_as_the_report_api_does(manager: Page, shots, api: Api, stack: Stack,
                                                            run_id: str):
    # a store of its own with one open terminal, a few sales through the API
    store_code = f"H{run_id}"
    api.post(f"/terminal/api/v1/tenants/{TENANT_ID}/stores", {"storeCode": store_code, "storeName": "Home Store"})
    terminal = Terminal.connect(stack.base_url, api.post("/terminal/api/v1/terminals", {
        "storeCode": store_code, "terminalNo": 1, "description": "Front register"}))
    opened = terminal.ready()
    business_date = opened["businessDate"]
    terminal.sell(("49-01", 2), ("49-14", 1), tendered=1000)
    terminal.sell(("49-16", 1), payment_code="11")
    terminal.sell(("49-09", 3))
    reports = f"/report/api/v1/tenants/{TENANT_ID}/stores/{store_code}/reports"

    def get_report() -> dict:
        return api.get(reports, report_scope="flash", report_type="sales", business_date=business_date)

    def sales_report(count: int) -> dict:
        """The report once ``count`` sales are in, asked again: the report's queries read no common snapshot,
        so the answer that first sees the last sale's header may have missed its tax rows."""
        wait_for(lambda: get_report()["salesNet"]["count"] == count, what=f"{count} sales in the report", timeout=60)
        return get_report()

    report = sales_report(3)

    manager.goto(admin_url(f"?store={store_code}"))
    expect(manager.locator("#home-title")).to_contain_text(f"{store_code} Home Store")
    expect(_tile(manager, "netSales")).to_have_text(_money(report["salesNet"]["amount"]))
    expect(_tile(manager, "transactions")).to_have_text("3")
    expect(_tile(manager, "itemsSold")).to_have_text(f"{report['salesNet']['quantity']:,}")
    tax = sum(Decimal(str(t["taxAmount"])) for t in report["taxes"])
    expect(_tile(manager, "tax")).to_have_text(_money(tax))
    payments = manager.locator("#home-payments tbody tr")
    expect(payments).to_have_count(len(report["payments"]))
    for payment in report["payments"]:
        expect(manager.locator("#home-payments")).to_contain_text(_money(payment["amount"]))
    row = manager.locator('#home-terminals tr[data-terminal="1"]')
    expect(row).to_contain_text("Open")
    expect(row).to_contain_text(_money(report["cash"]["logicalAmount"]))  # the only terminal: the store's drawer
    expect(manager.locator("#home-top-items tbody tr")).to_have_count(4)
    expect(manager.locator("canvas#home-hours")).to_be_visible()
    assert manager.evaluate("typeof Chart") == "function"  # served by us (vendored), no CDN
    # the model list is still on the home page
    expect(manager.get_by_role("link", name="Journal entries").first).to_be_visible()
    shots("the day at a glance")

    # the page refreshes by itself: one more sale shows up without a reload (the 30 s poll, run now)
    terminal.sell(("49-02", 1))
    report = sales_report(4)
    manager.evaluate("window.kugelposHomeRefresh()")
    expect(_tile(manager, "transactions")).to_have_text("4")
    expect(_tile(manager, "netSales")).to_have_text(_money(report["salesNet"]["amount"]))
    shots("after one more sale")

    GUIDE.mkdir(parents=True, exist_ok=True)
    manager.set_viewport_size({"width": 1366, "height": 768})
    manager.screenshot(path=str(GUIDE / "home-1366.png"))
    manager.set_viewport_size({"width": 390, "height": 844})
    expect(_tile(manager, "netSales")).to_be_visible()
    assert manager.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # nothing wider than the phone
    manager.screenshot(path=str(GUIDE / "home-phone.png"))
    shots("on a phone")


@pytest.mark.flow("10-home")
def test_home_bad_parameter_is_a_message(manager: Page, shots):
    manager.goto(admin_url("?business_date=2025-13-01"))
    expect(manager.locator("#home-error")).to_contain_text("Not a date: 20251301")  # the date picker's format, read
    shots("a bad business date")
