"""Flows 6 and 7 (issue #21): the structured master data is edited with real inputs (the item book's layout on a
grid), and the back office's lists fit a 1366 px screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.api import Api
from e2e.conftest import SCREENSHOTS, STORE_CODE, TENANT_ID, admin_url

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
        # the page itself, and the result table inside its own scrolling box (the admin's .results scrolls)
        widths = manager.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " (document.querySelector('.results') || {}).scrollWidth || 0,"
            " (document.querySelector('.results') || {}).clientWidth || 0]"
        )
        name = path.strip("/").replace("/", "-")
        manager.screenshot(path=str(SCREENSHOTS / f"7-lists-fit-{name}.png"), full_page=False)
        if widths[0] > widths[1] or widths[2] > widths[3]:
            too_wide.append((path, widths))
    assert not too_wide, "\n".join(map(str, too_wide))


STRUCTURED = ("item_details", "image_urls", "roles", "target_store_codes", "target_category_codes", "categories")


def assert_no_json_text_box(page: Page) -> None:
    for name in STRUCTURED:
        expect(page.locator(f"textarea[name={name}]")).to_have_count(0)


@pytest.mark.flow("8-forms")
def test_manager_fills_structured_fields_with_real_inputs(manager: Page, shots, api: Api, run_id: str):
    # a promotion on a store and a category picked from the lists, by name
    code = f"E2E{run_id}"
    manager.goto(admin_url("masterdata/promotion/add/"))
    assert_no_json_text_box(manager)
    manager.fill("#id_promotion_code", code)
    manager.select_option("#id_promotion_type", "category_discount")
    manager.fill("#id_name", "E2E spring sale")
    manager.fill("#id_start_datetime_0", "2026-03-01")
    manager.fill("#id_start_datetime_1", "00:00:00")
    manager.fill("#id_end_datetime_0", "2026-04-01")
    manager.fill("#id_end_datetime_1", "00:00:00")
    manager.select_option("#id_target_store_codes_from", STORE_CODE)
    manager.click("#id_target_store_codes_add")
    manager.select_option("#id_target_category_codes_from", "001")
    manager.click("#id_target_category_codes_add")
    manager.fill("#id_discount_rate", "10")
    shots("promotion with targets")
    manager.set_viewport_size({"width": 390, "height": 844})
    shots("promotion on a phone")
    manager.set_viewport_size({"width": 1366, "height": 900})
    manager.click("input[name=_save]")
    expect(manager.locator("ul.messagelist")).to_contain_text("was added successfully")
    detail = api.get(f"{MD}/promotions/{code}")["detail"]
    assert (detail["targetStoreCodes"], detail["targetCategoryCodes"]) == ([STORE_CODE], ["001"])

    # an item with two details and an image URL, one input each
    manager.goto(admin_url("masterdata/item/add/"))
    assert_no_json_text_box(manager)
    manager.fill("#id_item_code", code)
    manager.fill("#id_description", "E2E tea")
    manager.fill("#id_unit_price", "150")
    manager.fill("#id_unit_cost", "60")
    manager.fill("#id_category_code", "001")
    manager.select_option("#id_tax_code", "01")
    details = manager.locator("input[name=item_details]")
    details.nth(0).fill("Green tea")
    details.nth(1).fill("500 ml")
    manager.locator("#id_item_details").get_by_role("button", name="Add another").click()
    details.nth(2).fill("Shizuoka")
    manager.locator("input[name=image_urls]").first.fill("https://img.example/tea.png")
    shots("item with details and image")
    manager.set_viewport_size({"width": 390, "height": 844})
    shots("item on a phone")
    manager.set_viewport_size({"width": 1366, "height": 900})
    manager.click("input[name=_save]")
    expect(manager.locator("ul.messagelist")).to_contain_text("was added successfully")
    item = api.get(f"{MD}/items/{code}")
    assert (item["itemDetails"], item["imageUrls"]) == (["Green tea", "500 ml", "Shizuoka"],
                                                      ["https://img.example/tea.png"])

    # a staff member with two roles
    manager.goto(admin_url("masterdata/staff/add/"))
    assert_no_json_text_box(manager)
    manager.fill("#id_staff_id", code)
    manager.fill("#id_name", "E2E Hanako")
    manager.fill("#id_pin", "2468")
    manager.locator("input[name=roles]").first.fill("staff")
    manager.locator("#id_roles").get_by_role("button", name="Add another").click()
    manager.locator("input[name=roles]").nth(1).fill("manager")
    shots("staff with roles")
    manager.click("input[name=_save]")
    expect(manager.locator("ul.messagelist")).to_contain_text("was added successfully")
    assert api.get(f"{MD}/staff/{code}")["roles"] == ["staff", "manager"]
