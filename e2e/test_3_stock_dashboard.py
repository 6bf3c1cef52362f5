"""Flow 5: the live stock dashboard of a store. A sale through the API takes an item below its reorder point and
the alert arrives on the open page over its WebSocket, without a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.api import Api, Terminal, wait_for
from e2e.conftest import STORE_CODE, TENANT_ID

ITEM = "49-04"  # Mineral water, in the seeded stock of the demo store


@pytest.mark.flow("5-stock-dashboard")
def test_a_sale_below_the_reorder_point_alerts_the_open_dashboard(manager: Page, shots, api: Api,
                                                                  demo_terminal: Terminal):
    stock = f"/stock/api/v1/tenants/{TENANT_ID}/stores/{STORE_CODE}/stock/{ITEM}"
    # the item sits just above its reorder point: selling two takes it below (whatever earlier runs left)
    quantity = api.get(stock)["currentQuantity"]
    if quantity < 10:
        api.put(f"{stock}/update", {"quantityChange": 50, "updateType": "adjustment", "referenceId": "E2E"})
        quantity += 50
    api.put(f"{stock}/minimum", {"minimumQuantity": 0})
    api.put(f"{stock}/reorder", {"reorderPoint": quantity - 1, "reorderQuantity": 24})

    manager.get_by_role("link", name="Stock dashboard").click()
    manager.get_by_role("link", name=re.compile(STORE_CODE)).first.click()
    manager.wait_for_url(re.compile(rf"/t/{TENANT_ID}/dashboard/stock/{STORE_CODE}/$"))
    expect(manager.locator("#connection")).to_have_class(re.compile(r"\blive\b"))
    row = manager.locator(f"#stock-table tr[data-item='{ITEM}']")
    expect(row.locator(".quantity")).to_have_text(re.compile(rf"^{quantity:g}(\.0)?$"))
    alerts = manager.locator("#alerts li", has_text=ITEM)
    expect(alerts).to_have_count(0)
    manager.evaluate("window.__sameDocument = true")  # gone if the page reloads
    shots("dashboard before the sale")

    sale = demo_terminal.sell((ITEM, 2))
    assert sale["totalQuantity"] == 2

    expect(alerts).to_have_count(1, timeout=30_000)
    expect(alerts.first).to_contain_text("reorder")
    expect(alerts.first).to_contain_text(f"quantity {quantity - 2:g}")
    expect(row).to_have_class(re.compile(r"\breorder\b"))
    expect(row.locator(".quantity")).to_have_text(re.compile(rf"^{quantity - 2:g}(\.0)?$"))
    assert manager.evaluate("window.__sameDocument") is True
    shots("alert arrived without a reload")

    # the API agrees with the page
    level = wait_for(lambda: (lambda s: s if s["currentQuantity"] == quantity - 2 else None)(api.get(stock)),
                     what="the stock level after the sale")
    assert level["reorderPoint"] == quantity - 1
