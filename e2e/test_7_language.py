"""Flow 12: the back office in Japanese (issue #21). The store manager switches the header's language to Japanese and
sees the home page, the report page and the item list in Japanese (Django admin's own words too), signs out and in
again and is still in Japanese, also in another browser; then switches back to English. Saves the guide's
screenshots docs/screenshots/lang-*.png (home and report in Japanese at 1366 px and on a 390 px phone)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.api import Api, Terminal
from e2e.conftest import TENANT_ID, admin_url, sign_in
from e2e.stack import Stack

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def _guide_shots(page: Page, name: str, phone_shows: str | None = None) -> None:
    """``lang-<name>-1366.png`` and ``lang-<name>-390.png``; on the phone nothing is wider than the screen, and the
    phone's shot starts at ``phone_shows`` when given (the report below its form)."""
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(GUIDE / f"lang-{name}-1366.png"))
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, name
    if phone_shows:
        page.locator(phone_shows).evaluate("element => element.scrollIntoView()")
    page.screenshot(path=str(GUIDE / f"lang-{name}-390.png"))
    page.evaluate("window.scrollTo(0, 0)")
    page.set_viewport_size(DESKTOP)


def _switch(page: Page, language: str) -> None:
    page.click(f"#language-{language}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(f"#language-{language}")).to_have_attribute("aria-pressed", "true")


def _english_again(browser: Browser, stack: Stack) -> None:
    """Whatever happened, the store manager ends in English (the other flows read English)."""
    context = browser.new_context(base_url=stack.base_url)
    try:
        page = context.new_page()
        sign_in(page, stack.admin_password)
        if page.locator("html").get_attribute("lang") != "en":
            _switch(page, "en")
    finally:
        context.close()


@pytest.mark.flow("12-language")
def test_manager_works_in_japanese_and_back_in_english(page: Page, browser: Browser, shots, stack: Stack, api: Api,
                                                       run_id: str):
    # a store with a sale, so the home page and the report have figures
    store_code = f"L{run_id}"
    api.post(f"/terminal/api/v1/tenants/{TENANT_ID}/stores", {"storeCode": store_code, "storeName": "銀座店"})
    terminal = Terminal.connect(stack.base_url, api.post("/terminal/api/v1/terminals", {
        "storeCode": store_code, "terminalNo": 1, "description": "レジ1"}))
    business_date = terminal.ready()["businessDate"]
    terminal.sell(("49-01", 2), ("49-14", 1), tendered=1000)
    iso_date = f"{business_date[:4]}-{business_date[4:6]}-{business_date[6:]}"

    try:
        sign_in(page, stack.admin_password, shots)
        expect(page.locator("#language-en")).to_have_attribute("aria-pressed", "true")  # the browser's (en-US)
        expect(page.locator("#content h1")).to_have_text("Today at a glance")

        # Japanese: our words and Django admin's own
        _switch(page, "ja")
        page.goto(admin_url(f"?store={store_code}"))
        expect(page.locator("#content h1")).to_have_text("本日の概況")
        expect(page.locator("#home-title")).to_contain_text(f"{store_code} 銀座店 · 営業日 {business_date[:4]}/")
        expect(page.locator('#home-summary [data-figure="netSales"] .label')).to_have_text("純売上")
        expect(page.locator("#user-tools")).to_contain_text("ログアウト")
        expect(page.locator("#home-date")).to_have_attribute("type", "date")
        expect(page.locator('#home-terminals tr[data-terminal="1"]')).to_contain_text("開局")
        shots("home in japanese")
        _guide_shots(page, "home-ja")

        page.goto(admin_url("report/reportpage/"))
        page.select_option("#id_store_code", store_code)
        page.fill("#id_business_date", iso_date)
        page.select_option("#id_report_type", "sales")
        page.click("#report-show")
        expect(page.locator("#report-result h2").first).to_have_text("売上レポート")
        expect(page.locator("#report-result")).to_contain_text("純売上")
        expect(page.locator(".breadcrumbs")).to_contain_text("ホーム")
        expect(page.locator("#report-export-csv")).to_have_text("CSV出力")
        shots("report in japanese")
        _guide_shots(page, "report-ja", phone_shows=".report-buttons")

        page.goto(admin_url("masterdata/item/"))
        expect(page.locator("#result_list thead")).to_contain_text("商品コード")
        expect(page.locator("#result_list thead")).to_contain_text("単価")
        expect(page.locator("#changelist-search input[type=submit]")).to_have_value("検索")
        expect(page.locator("#content h1")).to_contain_text("変更する 商品 を選択")  # Django admin's own
        shots("items in japanese")

        # an item's page on a phone: the store-price table fits the screen
        page.click("#result_list tbody tr:first-child th a")
        expect(page.locator("#store_prices-group")).to_contain_text("店舗別価格")
        page.set_viewport_size(PHONE)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        shots("an item on a phone")
        page.set_viewport_size(DESKTOP)

        # signed out and in again: still Japanese (the sign-in page too, from the cookie)
        page.click("#logout-form button")
        expect(page.locator("html")).to_have_attribute("lang", "ja")
        page.goto(admin_url())
        page.wait_for_url(re.compile(r"/admin/login/"))
        expect(page.locator("#login-form input[type=submit]")).to_have_value("ログイン")
        shots("sign in page in japanese")
        sign_in(page, stack.admin_password)
        expect(page.locator("#content h1")).to_have_text("本日の概況")

        # another browser (English, no cookie): Japanese once the manager has signed in
        other_context = browser.new_context(base_url=stack.base_url, locale="en-US")
        try:
            other = other_context.new_page()
            other.goto(admin_url())
            expect(other.locator("#login-form input[type=submit]")).to_have_value("Log in")
            sign_in(other, stack.admin_password)
            expect(other.locator("#content h1")).to_have_text("本日の概況")
        finally:
            other_context.close()

        # and back to English
        _switch(page, "en")
        expect(page.locator("#content h1")).to_have_text("Today at a glance")
        expect(page.locator("#user-tools")).to_contain_text("Log out")
        shots("home in english again")
    finally:
        _english_again(browser, stack)
