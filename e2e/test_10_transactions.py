"""Flow 11: transactions in the back office (issue #22). A sale made through the API is found in the list by its
receipt number, opened and voided from its page by a store manager; the API then shows the sale voided, the
journal has the void, the sales report counts it and the stock is back. A second sale is returned at the register
with another payment method. A clerk sees the page without the buttons, and a direct POST is refused. Saves the
guide's screenshots ``docs/screenshots/transactions-*.png`` (1366 px and a 390 px phone)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.api import Api, Terminal, wait_for
from e2e.conftest import SCREENSHOTS, TENANT_ID, TENANT_NAME, admin_url
from e2e.stack import ROOT, Stack

GUIDE = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PASSWORD = "e2e-Transactions-1"

USERS_SCRIPT = """
from django.contrib.auth.models import Group
from apps.account.models import User
from apps.core.tenancy import tenant_context
with tenant_context({tenant!r}):
    for username, group in (({manager!r}, "Store manager"), ({clerk!r}, "Clerk")):
        user = User.objects.filter(username=username).first() or User.objects.create_user(
            username, {password!r}, tenant_id={tenant!r}, is_staff=True)
        user.stores = [{store!r}]
        user.set_password({password!r})
        user.save()
        user.groups.set([Group.objects.get(name=group)])
"""


def _make_users(stack: Stack, *, store_code: str, manager: str, clerk: str) -> None:
    """A store manager and a clerk of ``store_code`` (the back office has no API for users: a manage.py shell)."""
    if not stack.env:
        pytest.skip("needs the stack this run started (users are made with manage.py)")
    script = USERS_SCRIPT.format(tenant=TENANT_ID, manager=manager, clerk=clerk, password=PASSWORD, store=store_code)
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=stack.env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def _signed_in(browser: Browser, stack: Stack, username: str, viewport: dict = DESKTOP) -> Iterator[Page]:
    context = browser.new_context(base_url=stack.base_url, viewport=viewport, locale="en-US",
                                  timezone_id="Asia/Tokyo")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(admin_url())
    page.wait_for_url(re.compile(r"/admin/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(rf"/t/{TENANT_ID}/admin/$"))
    try:
        yield page
    finally:
        context.close()


class Shots:
    """Full-page screenshots: the guide's (``docs/screenshots/transactions-<name>-<width>.png``) and the run's."""

    def __init__(self, page: Page) -> None:
        self.page, self.count = page, 0

    def __call__(self, name: str, *, guide: bool = True) -> None:
        self.count += 1
        if self.page.locator("#header").count():
            expect(self.page.locator("#site-name")).to_contain_text(TENANT_NAME)
        SCREENSHOTS.mkdir(exist_ok=True)
        width = self.page.viewport_size["width"]
        self.page.screenshot(path=str(SCREENSHOTS / f"11-transactions-{self.count:02d}-{name}-{width}.png"),
                             full_page=True)
        if guide:
            GUIDE.mkdir(parents=True, exist_ok=True)
            width = self.page.viewport_size["width"]
            self.page.screenshot(path=str(GUIDE / f"transactions-{name}-{width}.png"), full_page=True)

    def phone(self, name: str, url: str) -> None:
        """The same page on a phone (390 x 844)."""
        self.page.set_viewport_size(PHONE)
        self.page.goto(url)
        self(name)
        self.page.set_viewport_size(DESKTOP)


def _fits(page: Page) -> None:
    """Nothing wider than the window (the list's columns fit 1366 px)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"


@pytest.fixture
def shop(stack: Stack, api: Api, run_id: str) -> dict:
    """A store of its own with an open terminal, and its manager and clerk."""
    store_code = f"T{run_id}"
    api.post(f"/terminal/api/v1/tenants/{TENANT_ID}/stores", {"storeCode": store_code, "storeName": "Tran Store"})
    terminal = Terminal.connect(stack.base_url, api.post("/terminal/api/v1/terminals", {
        "storeCode": store_code, "terminalNo": 1, "description": "Front register"}))
    opened = terminal.ready()
    users = {"manager": f"mgr{run_id.lower()}", "clerk": f"tclerk{run_id.lower()}"}
    _make_users(stack, store_code=store_code, **users)
    return {"store_code": store_code, "terminal": terminal, "business_date": opened["businessDate"], **users}


def _report(api: Api, shop: dict) -> dict:
    return api.get(f"/report/api/v1/tenants/{TENANT_ID}/stores/{shop['store_code']}/reports",
                   report_scope="flash", report_type="sales", business_date=shop["business_date"])


def _stock(api: Api, shop: dict, item_code: str) -> float:
    return api.get(f"/stock/api/v1/tenants/{TENANT_ID}/stores/{shop['store_code']}/stock/{item_code}")[
        "currentQuantity"]


def _transaction(shop: dict, number: int) -> dict:
    terminal: Terminal = shop["terminal"]
    return terminal._cart("GET", f"/tenants/{TENANT_ID}/stores/{shop['store_code']}/terminals/"
                                 f"{terminal.terminal_no}/transactions/{number}")


def _journal(api: Api, shop: dict, transaction_type: int) -> list:
    return api.get(f"/journal/api/v1/tenants/{TENANT_ID}/stores/{shop['store_code']}/journals",
                   transaction_types=transaction_type)


@pytest.mark.flow("11-transactions")
def test_a_manager_voids_and_returns_from_the_page_and_a_clerk_cannot(browser: Browser, stack: Stack, api: Api,
                                                                      shop: dict):
    terminal: Terminal = shop["terminal"]
    sale = terminal.sell(("49-01", 2), ("49-02", 1), tendered=1000)
    other = terminal.sell(("49-01", 1), payment_code="11")
    wait_for(lambda: _report(api, shop)["salesGross"]["count"] == 2, what="both sales in the report", timeout=60)
    wait_for(lambda: _stock(api, shop, "49-01") == -3, what="stock of 49-01 down by 3", timeout=60)

    for manager in _signed_in(browser, stack, shop["manager"]):
        shots = Shots(manager)
        # the list, filtered by the store and the receipt number
        manager.goto(admin_url("cart/transaction/"))
        manager.get_by_role("link", name=shop["store_code"]).first.click()
        manager.fill("#filter-receipt_no", str(sale["receiptNo"]))
        manager.locator("#filter-receipt_no").press("Enter")
        rows = manager.locator("#result_list tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Sale")
        expect(rows.first).to_contain_text(f"¥{sale['totalAmountWithTax']:,.0f}")
        _fits(manager)
        shots("list")
        list_url = manager.url
        shots.phone("list", list_url)

        # its page: header, lines, payments, receipt, the journal link
        manager.goto(list_url)
        manager.locator("#result_list tbody tr").first.locator("th a").first.click()
        expect(manager.locator("#transaction-header")).to_contain_text(str(sale["receiptNo"]))
        expect(manager.locator("#transaction-lines tbody tr")).to_have_count(2)
        expect(manager.locator("#transaction-lines")).to_contain_text("49-01")
        expect(manager.locator("#transaction-payments")).to_contain_text("¥1,000")
        expect(manager.locator("#transaction-receipt")).to_contain_text(str(sale["receiptNo"]))
        expect(manager.locator("#journal-link")).to_be_visible()
        _fits(manager)
        shots("page")
        page_url = manager.url
        shots.phone("page", page_url)

        # void it: the refund is prefilled with the sale's payment
        manager.goto(page_url)
        manager.click("#void-button")
        expect(manager.locator("#id_refund-0-amount")).to_have_value(f"{sale['totalAmountWithTax']:.0f}")
        shots("void-confirm")
        shots.phone("void-confirm", manager.url)
        manager.click("#confirm-action")
        expect(manager.locator(".messagelist .success")).to_contain_text("Voided.")
        expect(manager.locator("#transaction-status")).to_have_text("Voided")
        expect(manager.locator("#void-button")).to_have_count(0)
        expect(manager.locator(".related-transaction")).to_contain_text("Void")
        shots("voided")

        # voiding again is refused with the API's reason, nothing changed
        manager.goto(page_url.replace("/change/", "/void/"))
        manager.click("#confirm-action")
        expect(manager.locator(".messagelist .error")).to_contain_text("already been voided")
        shots("refused")

        # the other sale is returned, refunded in cash
        manager.goto(admin_url(f"cart/transaction/?store_code={shop['store_code']}&q={other['receiptNo']}"))
        manager.locator("#result_list tbody tr").first.locator("th a").first.click()
        manager.click("#return-button")
        manager.select_option("#id_refund-0-payment_code", "01")
        shots("return-confirm")
        manager.click("#confirm-action")
        expect(manager.locator(".messagelist .success")).to_contain_text("Returned.")
        expect(manager.locator("#transaction-status")).to_have_text("Returned")

    # the API: the sale voided, the other returned; journal, report and stock follow
    assert _transaction(shop, sale["transactionNo"])["status"]["isVoided"] is True
    assert _transaction(shop, other["transactionNo"])["status"]["isRefunded"] is True
    voids = wait_for(lambda: _journal(api, shop, 201), what="the void in the journal", timeout=60)
    assert [entry["amount"] for entry in voids] == [sale["totalAmountWithTax"]]
    returns = wait_for(lambda: _journal(api, shop, 102), what="the return in the journal", timeout=60)
    assert len(returns) == 1
    report = wait_for(lambda: (lambda r: r if r["salesGross"]["count"] == 1 and r["returns"]["count"] == 1 else None)(
        _report(api, shop)), what="the void and the return in the report", timeout=60)
    assert report["salesNet"]["amount"] == 0.0
    wait_for(lambda: _stock(api, shop, "49-01") == 0, what="stock of 49-01 back to 0", timeout=60)
    wait_for(lambda: _stock(api, shop, "49-02") == 0, what="stock of 49-02 back to 0", timeout=60)

    # a clerk sees the page, without the buttons, and cannot act
    for clerk in _signed_in(browser, stack, shop["clerk"]):
        clerk.goto(admin_url(f"cart/transaction/?store_code={shop['store_code']}&q={other['receiptNo']}"))
        clerk.locator("#result_list tbody tr").first.locator("th a").first.click()
        expect(clerk.locator("#transaction-header")).to_contain_text(str(other["receiptNo"]))
        expect(clerk.locator("#void-button")).to_have_count(0)
        expect(clerk.locator("#return-button")).to_have_count(0)
        Shots(clerk)("clerk-view", guide=False)
        void_url = clerk.url.replace("/change/", "/void/")
        token = next(c["value"] for c in clerk.context.cookies() if c["name"] == "csrftoken")
        refused = clerk.request.post(void_url, form={
            "csrfmiddlewaretoken": token, "refund-TOTAL_FORMS": "1", "refund-INITIAL_FORMS": "0",
            "refund-0-payment_code": "11", "refund-0-amount": "110"}, headers={"Referer": clerk.url})
        assert refused.status == 403
        assert clerk.request.get(void_url).status == 403
    assert len(_journal(api, shop, 201)) == 1  # still the one void
