"""Flows 1 and 2: a store manager keeps the catalogue in the back office, and the API serves what was entered."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.api import Api
from e2e.conftest import STORE_CODE, TENANT_ID, TENANT_NAME, admin_url, show_json, sign_in

MD = f"/master-data/api/v1/tenants/{TENANT_ID}"


@pytest.mark.flow("1-add-item")
def test_manager_adds_a_category_and_an_item_with_a_store_price(page: Page, shots, api: Api, run_id: str, stack):
    category_code, item_code = f"C{run_id}", f"E2E-{run_id}"
    sign_in(page, stack.admin_password, shots)
    expect(page.locator("#site-name")).to_contain_text(TENANT_NAME)  # the tenant's name on every page
    shots("back office home")

    # a category
    page.get_by_role("link", name="Categories").first.click()
    page.get_by_role("link", name=re.compile("Add category", re.I)).click()
    page.fill("#id_category_code", category_code)
    page.fill("#id_description", "E2E snacks")
    page.fill("#id_description_short", "Snacks")
    page.select_option("#id_tax_code", "01")
    shots("new category")
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")
    expect(page.locator("#result_list")).to_contain_text(category_code)

    # an item of that category, with its price in store S001
    page.goto(admin_url("masterdata/item/add/"))
    page.fill("#id_item_code", item_code)
    page.fill("#id_description", "E2E rice crackers")
    page.fill("#id_unit_price", "300")
    page.fill("#id_unit_cost", "120")
    page.fill("#id_category_code", category_code)
    page.select_option("#id_tax_code", "01")
    page.fill("#id_store_prices-0-store_code", STORE_CODE)
    page.fill("#id_store_prices-0-store_price", "250")
    shots("new item with a store price")
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")
    page.fill("#searchbar", item_code)
    page.keyboard.press("Enter")
    row = page.locator("#result_list tbody tr", has_text=item_code)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("¥300")
    shots("item in the list")

    # the API serves the item and its store price as entered
    item = api.get(f"{MD}/items/{item_code}")
    assert (item["description"], item["unitPrice"], item["unitCost"], item["categoryCode"], item["taxCode"]) == (
        "E2E rice crackers", 300.0, 120.0, category_code, "01")
    details = api.get(f"{MD}/stores/{STORE_CODE}/items/{item_code}/details")
    assert (details["unitPrice"], details["storePrice"]) == (300.0, 250.0)
    category = api.get(f"{MD}/categories/{category_code}")
    assert (category["description"], category["taxCode"]) == ("E2E snacks", "01")
    show_json(page, f"GET {MD}/stores/{STORE_CODE}/items/{item_code}/details", details)
    shots("the item through the API")


@pytest.mark.flow("2-csv-import")
def test_manager_imports_items_from_csv_fixes_the_bad_row_and_imports(manager: Page, shots, api: Api, run_id: str,
                                                                     tmp_path):
    codes = [f"CSV{run_id}-{n}" for n in (1, 2, 3)]
    header = "item_code,description,unit_price,unit_cost,category_code,tax_code\n"
    bad = header + (f"{codes[0]},Imported tea,120,50,001,01\n"
                    f"{codes[1]},Imported coffee,one hundred,60,001,01\n"
                    f"{codes[2]},Imported water,90,30,001,01\n")
    bad_file = tmp_path / "items-bad.csv"
    bad_file.write_text(bad, encoding="utf-8")

    manager.goto(admin_url("masterdata/item/"))
    manager.get_by_role("link", name=re.compile("^Import$", re.I)).click()
    manager.set_input_files("#id_import_file", str(bad_file))
    shots("import form")
    manager.click("input[type=submit]")

    # the preview names the bad row and its error; nothing can be confirmed, nothing is written
    errors = manager.locator(".import-error, .validation-error-container, .errorlist").first
    expect(errors).to_be_visible()
    expect(manager.locator("table.import-preview")).to_contain_text("'one hundred' is not a number")
    expect(manager.locator("table.import-preview tbody tr").first).to_contain_text(codes[1])  # the bad row
    expect(manager.locator("input[name=confirm], button[name=confirm]")).to_have_count(0)
    shots("row error")
    for code in codes:
        api.call("GET", f"{MD}/items/{code}", expect=(404,))

    # the manager fixes the row and imports the file again: preview, then confirm
    fixed_file = tmp_path / "items-fixed.csv"
    fixed_file.write_text(bad.replace("one hundred", "100"), encoding="utf-8")
    manager.set_input_files("#id_import_file", str(fixed_file))
    manager.click("input[type=submit]")
    preview = manager.locator("table.import-preview")
    expect(preview).to_be_visible()
    for code in codes:
        expect(preview).to_contain_text(code)
    shots("preview of the fixed file")
    manager.locator("input[name=confirm], button[name=confirm]").first.click()
    expect(manager.locator("ul.messagelist")).to_contain_text(re.compile(r"3 new", re.I))
    manager.fill("#searchbar", f"CSV{run_id}")
    manager.keyboard.press("Enter")
    expect(manager.locator("#result_list tbody tr")).to_have_count(3)
    shots("imported items")

    prices = {code: api.get(f"{MD}/items/{code}")["unitPrice"] for code in codes}
    assert prices == {codes[0]: 120.0, codes[1]: 100.0, codes[2]: 90.0}
