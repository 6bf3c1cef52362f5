"""Flow 3: a sale made through the API, as a POS terminal makes it, seen in the back office: the journal entry of
its receipt. (Flow 4, the daily report with the API's own totals, is in test_5_reports.py, with every report.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.api import Api, Terminal, wait_for
from e2e.conftest import STORE_CODE, TENANT_ID


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
