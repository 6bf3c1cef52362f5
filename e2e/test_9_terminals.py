"""Flow 11: "Terminals and cash" (issue #22). The store manager signs a cashier in, opens a terminal with a change
fund, puts cash in and closes with the counted cash in the browser; the API then shows the terminal closed, the
journal holds the four entries and the report counts the cash in. A clerk, added through the user admin, sees
the page but no action, and a direct POST is refused. Saves the guide's screenshots under docs/screenshots/."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.api import Api, Terminal, wait_for
from e2e.conftest import TENANT_ID, _browse, admin_url
from e2e.stack import Stack

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DESK = "terminal/terminaldesk/"
CLERK_PASSWORD = "Clerk-e2e-Passw0rd!"


def _money(value) -> str:
    amount = Decimal(str(value))
    text = f"{abs(amount):,.4f}".rstrip("0").rstrip(".")
    return f"{'-' if amount < 0 else ''}¥{text}"


def _guide_shots(page: Page, name: str) -> None:
    """``docs/screenshots/terminals-<name>-1366.png`` and ``-390.png``; nothing wider than the phone."""
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=str(GUIDE / f"terminals-{name}-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, name
    page.screenshot(path=str(GUIDE / f"terminals-{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def _action(page: Page, terminal_no: int, action: str) -> None:
    page.locator(f'#terminal-{terminal_no} a[data-action="{action}"]').click()
    expect(page.locator("#desk-action-form")).to_be_visible()


@pytest.fixture(scope="module")
def store(api: Api, run_id: str) -> dict:
    """A store of its own with terminal 1 (Idle, nobody signed in), created through the API."""
    store_code = f"K{run_id}"
    api.post(f"/terminal/api/v1/tenants/{TENANT_ID}/stores", {"storeCode": store_code, "storeName": "Desk Store"})
    info = api.post("/terminal/api/v1/terminals",
                    {"storeCode": store_code, "terminalNo": 1, "description": "Front register"})
    return {"code": store_code, "terminal": info}


@pytest.mark.flow("11-terminals")
def test_manager_runs_the_day_of_a_terminal(manager: Page, shots, api: Api, stack: Stack, store: dict):
    code = store["code"]
    terminal = Terminal.connect(stack.base_url, store["terminal"])
    manager.goto(admin_url())
    manager.get_by_role("link", name="Terminals and cash").first.click()
    manager.goto(admin_url(f"{DESK}?store={code}"))
    card = manager.locator("#terminal-1")
    expect(card).to_have_attribute("data-status", "Idle")
    shots("an idle terminal")

    # sign the cashier in
    _action(manager, 1, "sign-in")
    manager.select_option("#id_staff_id", "S001")
    manager.click("#desk-next")
    expect(manager.locator("#desk-summary")).to_contain_text("S001 Taro")
    manager.click("#desk-confirm")
    expect(manager.locator(".messagelist")).to_contain_text("Signed Taro in on terminal 1")
    expect(card.locator(".desk-staff")).to_contain_text("S001 Taro")

    # open with a change fund of 10,000: the open receipt, printable on 80 mm
    _action(manager, 1, "open")
    manager.fill("#id_initial_amount", "10000")
    manager.click("#desk-next")
    expect(manager.locator("#desk-summary")).to_contain_text("¥10,000")
    shots("confirm the open")
    manager.click("#desk-confirm")
    expect(manager.locator(".messagelist")).to_contain_text("Terminal 1 is open")
    expect(manager.locator(".receipts")).to_contain_text("開 設")
    expect(manager.locator("#desk-print")).to_be_visible()
    shots("the open receipt")
    manager.emulate_media(media="print")  # printed: the slips alone, no header, menu or buttons
    expect(manager.locator("#header")).to_be_hidden()
    expect(manager.locator("#desk-print")).to_be_hidden()
    expect(manager.locator(".receipt").first).to_be_visible()
    shots("the open receipt as printed")
    manager.emulate_media(media="screen")
    _guide_shots(manager, "receipt")
    assert terminal.state()["status"] == "Opened"

    # cash in 2,000 with a reason
    manager.goto(admin_url(f"{DESK}?store={code}"))
    _action(manager, 1, "cash-in")
    manager.fill("#id_amount", "2000")
    manager.fill("#id_description", "Change from the bank")
    manager.click("#desk-next")
    manager.click("#desk-confirm")
    expect(manager.locator(".receipts")).to_contain_text("入 金")
    expect(manager.locator(".receipts")).to_contain_text("Change from the bank")

    # the report has the logs: the page's expected cash is 12,000
    business_date = terminal.state()["businessDate"]
    reports = f"/report/api/v1/tenants/{TENANT_ID}/stores/{code}/reports"

    def flash() -> dict:
        return api.get(reports, report_scope="flash", report_type="sales", business_date=business_date,
                       terminal_no=1)

    wait_for(lambda: flash()["cash"]["cashIn"]["count"] == 2, what="both cash-ins in the report", timeout=60)
    manager.goto(admin_url(f"{DESK}?store={code}"))
    expect(card.locator(".desk-expected")).to_have_text("¥12,000")
    expect(card.locator(".desk-trail")).to_contain_text("Cash in: ¥2,000 (Change from the bank)")
    shots("an open terminal")
    _guide_shots(manager, "page")

    # close with 12,100 counted: the confirmation shows expected, counted and the difference first
    _action(manager, 1, "close")
    expect(manager.locator("#desk-expected")).to_have_text("¥12,000")
    manager.fill("#id_physical_amount", "12100")
    manager.click("#desk-next")
    expect(manager.locator("#desk-counted")).to_have_text("¥12,100")
    expect(manager.locator("#desk-difference")).to_have_text("+¥100")
    shots("confirm the close")
    _guide_shots(manager, "close")
    manager.click("#desk-confirm")
    expect(manager.locator(".receipts")).to_contain_text("精 算")
    shots("the close receipt")

    # the API: closed with the count; the journal has the four entries; the report counts the cash in
    state = terminal.state()
    assert state["status"] == "Closed" and state["physicalAmount"] == 12100
    journal = f"/journal/api/v1/tenants/{TENANT_ID}/stores/{code}/journals"
    entries = wait_for(lambda: (lambda found: found if len(found) == 4 else None)(
        api.get(journal, terminals=1, business_date_from=business_date, business_date_to=business_date)),
        what="four journal entries", timeout=60)
    texts = " ".join(entry["journalText"] for entry in entries)
    for title in ("開 設", "入 金", "精 算"):
        assert title in texts, title
    report = wait_for(lambda: (lambda r: r if r["cash"]["physicalAmount"] == 12100 else None)(flash()),
                      what="the close in the report", timeout=60)
    assert report["cash"]["cashIn"] == {"amount": 12000, "count": 2}
    assert report["cash"]["logicalAmount"] == 12000 and report["cash"]["differenceAmount"] == 100

    # the audit trail on the page
    manager.goto(admin_url(f"{DESK}?store={code}"))
    expect(card).to_have_attribute("data-status", "Closed")
    trail = card.locator(".desk-trail")
    expect(trail).to_contain_text("Closed: counted ¥12,100, expected ¥12,000, difference +¥100")
    expect(trail).to_contain_text("Opened: business date")
    expect(trail).to_contain_text("Signed in: staff S001 Taro")
    shots("a closed terminal with its trail")
    _guide_shots(manager, "closed")

    # a refused action is a readable message and changes nothing: cash in on the closed terminal
    manager.goto(admin_url(f"{DESK}{card.get_attribute('data-pk')}/cash-in/"))
    expect(manager.locator("#desk-not-now")).to_be_visible()
    manager.fill("#id_amount", "500")
    manager.click("#desk-next")
    manager.click("#desk-confirm")
    expect(manager.locator("#desk-error")).to_have_text("Terminal 1 is not open: open it first. (error 406003)")
    shots("a refused cash in")
    assert terminal.state()["status"] == "Closed"
    assert flash()["cash"]["cashIn"]["count"] == 2


@pytest.mark.flow("11-terminals")
def test_a_clerk_sees_but_may_not_act(manager: Page, shots, browser: Browser, stack: Stack, request, api: Api,
                                      store: dict, run_id: str):
    code = store["code"]
    username = f"clerk{run_id.lower()}"
    # the manager adds the clerk in the user admin: role Clerk, store of this test
    manager.goto(admin_url("account/user/add/"))
    manager.fill("#id_username", username)
    manager.fill("#id_password1", CLERK_PASSWORD)
    manager.fill("#id_password2", CLERK_PASSWORD)
    manager.check("#id_is_staff")
    manager.get_by_label("Clerk", exact=True).check()
    manager.locator(f'input[name="stores"][value="{code}"]').check()
    shots("add a clerk")
    _guide_shots(manager, "user")
    manager.click("input[name=_save]")
    expect(manager.locator(".messagelist")).to_contain_text(username)
    manager.goto(admin_url(f"account/user/?q={username}"))
    expect(manager.locator("#result_list")).to_contain_text("Clerk")
    expect(manager.locator("#result_list")).to_contain_text(code)

    for clerk in _browse(browser, stack, request):
        clerk.goto(admin_url())
        clerk.fill("#id_username", username)
        clerk.fill("#id_password", CLERK_PASSWORD)
        clerk.click("input[type=submit]")
        clerk.wait_for_url(re.compile(rf"/t/{TENANT_ID}/admin/$"))
        clerk.goto(admin_url(DESK))
        card = clerk.locator("#terminal-1")
        expect(card).to_be_visible()
        expect(clerk.locator("#desk-view-only")).to_be_visible()
        expect(clerk.locator("a.desk-action")).to_have_count(0)
        expect(clerk.locator("#desk-store")).to_have_count(0)  # one store only: no picker of other stores
        Screenshots = type(shots)
        Screenshots(clerk, "11-terminals-clerk")("the clerk's view")
        _guide_shots(clerk, "clerk")

        # a direct POST (with the session's CSRF token) is refused and changes nothing
        before = api.get(f"/terminal/api/v1/terminals/{store['terminal']['terminalId']}")
        pk = card.get_attribute("data-pk")
        token = next(c["value"] for c in clerk.context.cookies() if c["name"] == "csrftoken")
        for action, form in (("open", {"initial_amount": "1"}), ("sign-in", {"staff_id": "S001"})):
            response = clerk.request.post(f"{stack.base_url}{admin_url(f'{DESK}{pk}/{action}/')}",
                                          form={**form, "confirm": "yes", "csrfmiddlewaretoken": token},
                                          headers={"X-CSRFToken": token, "Referer": stack.base_url + admin_url()},
                                          max_redirects=0)
            assert response.status == 403, (action, response.status)
            assert "CSRF" not in response.text()
        after = api.get(f"/terminal/api/v1/terminals/{store['terminal']['terminalId']}")
        assert (after["status"], after["staff"], after["openCounter"]) == (
            before["status"], before["staff"], before["openCounter"])
