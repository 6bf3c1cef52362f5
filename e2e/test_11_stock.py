"""Flow 11: the stock back office (issue #22). The store manager receives a delivery of two items, writes one off
as damaged, runs a stocktake of a category with a CSV of counts and confirms it, reads an item's movements, and
watches the live dashboard update a row when a sale is made through the API; every effect is checked through the
stock API. A clerk sees the stock but cannot act. Saves ``docs/screenshots/stock-*.png`` (1366 px and 390 px)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.api import Api, Terminal, wait_for
from e2e.conftest import STORE_CODE, TENANT_ID, admin_url
from e2e.stack import Stack

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
STOCK = f"/stock/api/v1/tenants/{TENANT_ID}/stores/{STORE_CODE}/stock"
DAILY_GOODS = "003"  # seeded category: 49-14 ... 49-20
RECEIVED = (("49-14", 12), ("49-15", 6))  # Tissue box, Toothbrush
DAMAGED = ("49-14", -2)
SOLD = "49-19"  # Notebook A5: far above its thresholds, so a sale crosses none
ALERTED = "49-06"  # Rice ball salmon: seeded at 12 with reorder point 11
CLERK = "clerk-e2e"
CLERK_PASSWORD = "clerk-e2e-pass-1"


def _level(api: Api, item_code: str) -> float:
    return api.get(f"{STOCK}/{item_code}")["currentQuantity"]


def _latest(api: Api, item_code: str) -> dict:
    return api.get(f"{STOCK}/{item_code}/history", limit=1)["data"][0]


def _guide(page: Page, name: str, *, check_width: bool = True) -> None:
    """``docs/screenshots/stock-<name>-1366.png`` and ``-390.png`` of the page as it is (then back to 1366)."""
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=str(GUIDE / f"stock-{name}-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    if check_width:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, name  # nothing wider than a phone
    page.screenshot(path=str(GUIDE / f"stock-{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.mark.flow("11-stock")
def test_receive_adjust_count_and_watch(manager: Page, shots, api: Api, run_id: str, demo_terminal: Terminal):
    before = {code: _level(api, code) for code in ("49-14", "49-15", "49-16", "49-17", "49-18", "49-19", "49-20")}

    # the stock list: names beside codes, a status per row, filtered to the store
    manager.goto(admin_url(f"stock/stock/?store_code={STORE_CODE}"))
    expect(manager.locator("#result_list")).to_contain_text("Tissue box")
    expect(manager.locator("#changelist-filter")).to_contain_text("below reorder point")
    shots("stock list")
    _guide(manager, "list", check_width=False)  # the admin's own list scrolls sideways on a phone

    # 1. a delivery of two items
    reference = f"DN-{run_id}"
    manager.get_by_role("link", name="Receive goods").click()
    manager.fill("#id_store_code", STORE_CODE)
    manager.fill("#id_supplier_reference", reference)
    for index, (code, quantity) in enumerate(RECEIVED):
        manager.fill(f"#id_lines-{index}-item_code", code)
        manager.fill(f"#id_lines-{index}-quantity", str(quantity))
    expect(manager.locator("#lines .item-name").first).to_have_text("Tissue box")
    shots("receive form")
    _guide(manager, "receive")
    manager.get_by_role("button", name="Post the delivery").click()
    expect(manager.locator(".messagelist")).to_contain_text(f"Delivery {reference} received")
    for code, quantity in RECEIVED:
        assert _level(api, code) == before[code] + quantity
        latest = _latest(api, code)
        assert (latest["updateType"], latest["quantityChange"], latest["referenceId"], latest["operatorId"]) == (
            "purchase", quantity, reference, "admin")

    # 2. one item damaged
    manager.goto(admin_url(f"stock/stock/adjust/?store_code={STORE_CODE}"))
    manager.check("input[name=reason][value=damage]")
    manager.fill("#id_comment", "crushed in the back room")
    manager.fill("#id_lines-0-item_code", DAMAGED[0])
    manager.fill("#id_lines-0-quantity", str(DAMAGED[1]))
    shots("adjust form")
    _guide(manager, "adjust")
    manager.get_by_role("button", name="Post the adjustment").click()
    expect(manager.locator(".messagelist")).to_contain_text("adjusted")
    expected_14 = before["49-14"] + RECEIVED[0][1] + DAMAGED[1]
    assert _level(api, "49-14") == expected_14
    latest = _latest(api, "49-14")
    assert (latest["updateType"], latest["quantityChange"], latest["note"], latest["operatorId"]) == (
        "damage", -2, "damage: crushed in the back room", "admin")

    # 3. a stocktake of the daily goods, counts imported from a CSV, differences checked, confirmed
    manager.goto(admin_url("stock/stocktake/add/"))
    manager.fill("#id_store_code", STORE_CODE)
    manager.select_option("#id_category_code", DAILY_GOODS)
    manager.get_by_role("button", name="Create the count sheet").click()
    manager.wait_for_url(re.compile(r"/stocktake/(\d+)/change/$"))
    sheet_id = re.search(r"/stocktake/(\d+)/change/$", manager.url).group(1)
    counted = {code: _level(api, code) for code in before}
    counted["49-14"] -= 1  # one tissue box fewer on the shelf
    counted["49-16"] += 2  # two shampoos more than the books say
    csv = "item_code,counted\n" + "".join(f"{code},{quantity:g}\n" for code, quantity in counted.items())
    manager.set_input_files("#count-import input[type=file]",
                            files=[{"name": "counts.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    manager.get_by_role("button", name="Import").click()
    expect(manager.locator(".messagelist")).to_contain_text(f"{len(counted)} counts imported")
    expect(manager.locator("#differing-count")).to_have_text("2")
    expect(manager.locator("#count-lines tr[data-item='49-14'] .difference")).to_have_text("-1")
    expect(manager.locator("#count-lines tr[data-item='49-16'] .difference")).to_have_text("+2")
    shots("stocktake differences")
    _guide(manager, "stocktake")
    manager.get_by_role("button", name="Confirm and post the differences").click()
    expect(manager.locator(".messagelist")).to_contain_text("2 adjustments posted")
    expect(manager.locator("#sheet-status")).to_have_class(re.compile("confirmed"))
    expect(manager.locator("#count-lines input")).to_have_count(0)  # kept, read-only
    shots("stocktake confirmed")
    assert _level(api, "49-14") == expected_14 - 1
    assert _level(api, "49-16") == before["49-16"] + 2
    assert _level(api, "49-15") == before["49-15"] + RECEIVED[1][1]  # counted as expected: not moved
    latest = _latest(api, "49-16")
    assert (latest["updateType"], latest["quantityChange"], latest["referenceId"]) == (
        "adjustment", 2, f"STOCKTAKE-{sheet_id}")

    # 4. the movements of one item, with the running quantity, filtered and exported
    manager.goto(admin_url(f"stock/stock/?store_code={STORE_CODE}&q=49-14"))
    manager.locator("#result_list a", has_text="movements").first.click()
    rows = manager.locator("#movements tbody tr")
    expect(rows.first.locator(".running")).to_have_text(f"{expected_14 - 1:g}")
    expect(rows.first).to_contain_text(f"STOCKTAKE-{sheet_id}")
    shots("movements")
    _guide(manager, "movements")
    manager.select_option("#id_type", "purchase")
    manager.get_by_role("button", name="Filter").click()
    expect(manager.locator("#movements tbody tr[data-type='damage']")).to_have_count(0)
    expect(manager.locator("#movements tbody tr[data-type='purchase']").first).to_contain_text(reference)
    with manager.expect_download() as download:
        manager.locator("#export-csv").click()
    exported = Path(download.value.path()).read_text()
    assert exported.startswith("timestamp,store_code,item_code,update_type") and reference in exported
    assert ",damage," not in exported

    # 5. the live dashboard: a sale through the API moves its row without a reload (no threshold crossed)
    manager.goto(f"/t/{TENANT_ID}/dashboard/stock/{STORE_CODE}/")
    expect(manager.locator("#connection")).to_have_class(re.compile(r"\blive\b"))
    row = manager.locator(f"#stock-table tr[data-item='{SOLD}']")
    expect(row.locator(".name")).to_have_text("Notebook A5")
    quantity = _level(api, SOLD)
    expect(row.locator(".quantity")).to_have_text(f"{quantity:g}")
    manager.evaluate("window.__sameDocument = true")
    demo_terminal.sell((SOLD, 1))
    expect(row.locator(".quantity")).to_have_text(f"{quantity - 1:g}", timeout=30_000)
    assert manager.evaluate("window.__sameDocument") is True
    wait_for(lambda: _level(api, SOLD) == quantity - 1, what="the sale in the stock API")
    shots("dashboard after a sale")

    # a sale that takes an item to its reorder point: an alert with its time, which a reload keeps
    low = _level(api, ALERTED)
    reorder_point = api.get(f"{STOCK}/{ALERTED}")["reorderPoint"]
    demo_terminal.sell((ALERTED, max(1, int(low - reorder_point) + 1)))
    alert = manager.locator("#alerts li", has_text=ALERTED).first
    expect(alert).to_contain_text("reorder", timeout=30_000)
    expect(manager.locator(f"#stock-table tr[data-item='{ALERTED}']")).to_have_class(re.compile(r"\breorder\b"))
    sent_at = alert.locator("time").text_content()
    manager.reload()
    expect(manager.locator("#connection")).to_have_class(re.compile(r"\blive\b"))
    expect(manager.locator("#alerts li", has_text=ALERTED).first.locator("time")).to_have_text(sent_at)
    shots("dashboard with an alert, reloaded")
    _guide(manager, "dashboard")

    # an unknown store is a 404 page
    response = manager.goto(f"/t/{TENANT_ID}/dashboard/stock/NO-SUCH-{run_id}/")
    assert response.status == 404
    expect(manager.locator("#unknown-store")).to_contain_text("Unknown store")


@pytest.fixture
def clerk_page(browser: Browser, stack: Stack, api: Api) -> Page:
    """A clerk of the demo store (the Clerk role, store S001), signed in."""
    if not stack.env:
        pytest.skip("needs the stack this run started (creates a user with manage.py)")
    stack._manage("shell", "-c", (
        "from django.contrib.auth.models import Group\n"
        "from apps.account.models import User\n"
        "from apps.core.tenancy import tenant_context\n"
        f"with tenant_context({TENANT_ID!r}):\n"
        f"    user = (User.objects.filter(username={CLERK!r}).first()\n"
        f"            or User(username={CLERK!r}, tenant_id={TENANT_ID!r}))\n"
        f"    user.is_staff, user.stores = True, [{STORE_CODE!r}]\n"
        f"    user.set_password({CLERK_PASSWORD!r})\n"
        "    user.save()\n"
        "    user.groups.set([Group.objects.get(name='Clerk')])\n"
    ))
    context = browser.new_context(base_url=stack.base_url, viewport={"width": 1366, "height": 900}, locale="en-US",
                                  timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(admin_url())
    page.fill("#id_username", CLERK)
    page.fill("#id_password", CLERK_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(rf"/t/{TENANT_ID}/admin/$"))
    yield page
    context.close()


@pytest.mark.flow("11-stock-clerk")
def test_a_clerk_sees_stock_but_cannot_act(clerk_page: Page, api: Api):
    page = clerk_page
    page.goto(admin_url(f"stock/stock/?store_code={STORE_CODE}"))
    expect(page.locator("#result_list")).to_contain_text("Tissue box")
    expect(page.get_by_role("link", name="Receive goods")).to_have_count(0)
    expect(page.get_by_role("link", name="Adjust stock")).to_have_count(0)
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "stock-clerk-1366.png"), full_page=True)
    level = _level(api, "49-14")
    for path in ("stock/stock/receive/", "stock/stock/adjust/", "stock/stocktake/add/"):
        response = page.goto(admin_url(path))
        assert response.status == 403, path
    # a form posted anyway (a crafted request with the clerk's session) is refused and moves nothing
    page.goto(admin_url("stock/stock/"))
    token = page.evaluate("document.querySelector('[name=csrfmiddlewaretoken]').value")  # the logout form's
    answer = page.request.post(admin_url("stock/stock/receive/"), form={
        "csrfmiddlewaretoken": token, "store_code": STORE_CODE, "supplier_reference": "CLERK",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-0-item_code": "49-14", "lines-0-quantity": "5"},
        headers={"Referer": page.url})
    assert answer.status == 403 and "CSRF" not in answer.text()  # refused for the permission, not the token
    assert _level(api, "49-14") == level
