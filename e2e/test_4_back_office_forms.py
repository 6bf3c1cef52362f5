"""Flows 6 and 7 (issue #21): the structured master data is edited with real inputs (the item book's layout on a
grid), and the back office's lists fit a 1366 px screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.api import Api
from e2e.conftest import SCREENSHOTS, TENANT_ID, admin_url

MD = f"/master-data/api/v1/tenants/{TENANT_ID}"

CHANGELISTS = (
    "masterdata/category/", "masterdata/item/", "masterdata/itemstoreprice/", "masterdata/itembook/",
    "masterdata/paymentmethod/", "masterdata/setting/", "masterdata/staff/", "masterdata/promotion/",
    "terminal/store/", "terminal/terminal/", "terminal/cashlog/", "terminal/opencloselog/",
    "cart/transaction/", "journal/journalentry/", "stock/stock/", "stock/stockupdate/", "report/reporttranlog/",
)


@pytest.mark.flow("6-item-book")
def test_manager_lays_out_an_item_book_on_a_grid(manager: Page, shots, api: Api, run_id: str):
    manager.goto(admin_url("masterdata/itembook/add/"))
    expect(manager.locator("textarea")).to_have_count(0)
    manager.fill("#id_title", f"E2E menu {run_id}")
    manager.get_by_role("button", name="Add a category").click()
    manager.locator(".item-book-editor fieldset label", has_text="Title").first.locator("input").fill("Food")
    manager.get_by_role("button", name="Add a tab").click()
    manager.locator(".item-book-editor fieldset fieldset label", has_text="Title").first.locator("input").fill("Hot")
    manager.locator(".item-book-editor .grid .cell").nth(1).click()  # column 1, row 0
    manager.locator(".item-book-editor label", has_text="Item code").locator("input").fill("4901234567894")
    manager.locator(".item-book-editor label", has_text="Size").locator("select").select_option("DoubleWidth")
    expect(manager.locator(".item-book-editor .cell.taken")).to_have_css("grid-column-end", "span 2")
    shots("item book layout")
    manager.set_viewport_size({"width": 390, "height": 844})
    shots("item book layout on a phone")
    manager.set_viewport_size({"width": 1366, "height": 900})
    manager.click("input[name=_save]")
    expect(manager.locator("ul.messagelist")).to_contain_text("was added successfully")
    books = api.get(f"{MD}/item_books")
    book = next(book for book in books if book["title"] == f"E2E menu {run_id}")
    button = book["categories"][0]["tabs"][0]["buttons"][0]
    assert (book["categories"][0]["title"], button["posX"], button["posY"], button["size"], button["itemCode"]) == (
        "Food", 1, 0, "DoubleWidth", "4901234567894")


@pytest.mark.flow("7-lists-fit")
def test_list_pages_fit_1366_px(manager: Page, shots):
    too_wide = []
    for path in CHANGELISTS:
        manager.goto(admin_url(path))
        expect(manager.locator("#changelist")).to_be_visible()
        width = manager.evaluate("document.documentElement.scrollWidth")
        name = path.strip("/").replace("/", "-")
        manager.screenshot(path=str(SCREENSHOTS / f"7-lists-fit-{name}.png"), full_page=False)
        if width > 1366:
            too_wide.append((path, width))
    assert too_wide == []
