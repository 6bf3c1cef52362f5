"""Flow 16: the store manager verifies a store's journal (issue #24). A store of its own with two terminals sells
through the API; the back office's "Verify journal" page shows each terminal intact, with the number of entries the
verify API counts, in English and in Japanese, at 1366 px and on a 390 px phone. Saves the guide's screenshots
docs/screenshots/journal-verify-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.api import Api, Terminal, wait_for
from e2e.conftest import TENANT_ID, admin_url
from e2e.stack import Stack

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def _guide_shots(page: Page, name: str) -> None:
    """``journal-verify-<name>-1366.png`` and ``-390.png``; on the phone nothing is wider than the screen."""
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(GUIDE / f"journal-verify{name}-1366.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, name
    page.screenshot(path=str(GUIDE / f"journal-verify{name}-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.mark.flow("16-journal-verify")
def test_manager_verifies_a_stores_journal(manager: Page, shots, stack: Stack, api: Api, run_id: str):
    store_code = f"V{run_id}"
    api.post(f"/terminal/api/v1/tenants/{TENANT_ID}/stores", {"storeCode": store_code, "storeName": "Verify store"})
    terminals = [
        Terminal.connect(stack.base_url, api.post("/terminal/api/v1/terminals", {
            "storeCode": store_code, "terminalNo": number, "description": f"Register {number}"}))
        for number in (1, 2)
    ]
    for terminal in terminals:
        terminal.ready()  # signed in and opened: an open entry each
    terminals[0].sell(("49-01", 2))
    terminals[0].sell(("49-02", 1))
    terminals[1].sell(("49-14", 1))

    def verify(terminal_no: int) -> dict:
        path = f"/journal/api/v1/tenants/{TENANT_ID}/stores/{store_code}/terminals/{terminal_no}/journals/verify"
        return api.get(path)

    expected = {1: 3, 2: 2}  # an open and the sales of each register
    wait_for(lambda: all(verify(n)["verified"] == count for n, count in expected.items()),
             what="every journal entry delivered")

    manager.goto(admin_url("journal/journalentry/"))
    manager.click("#verify-journal")
    expect(manager.locator("#content h1")).to_have_text("Verify journal")
    manager.select_option("#id_store_code", store_code)
    shots("the verify form")
    manager.click("#verify-form input[type=submit]")
    expect(manager.locator("#verify-summary")).to_contain_text("The journals of 2 terminals are intact")
    for terminal_no, count in expected.items():
        row = manager.locator(f'#verify-results tr[data-terminal="{terminal_no}"]')
        expect(row).to_contain_text("Intact")
        expect(row.locator("td.num")).to_have_text(str(count))
        assert verify(terminal_no)["brokenAt"] is None and verify(terminal_no)["gaps"] == []
        expect(row.locator(".hash")).to_have_text(verify(terminal_no)["lastHash"])
    shots("each terminal intact")
    _guide_shots(manager, "")

    try:
        manager.click("#language-ja")
        expect(manager.locator("html")).to_have_attribute("lang", "ja")
        expect(manager.locator("#content h1")).to_have_text("ジャーナル検証")
        expect(manager.locator("#verify-summary")).to_contain_text("2 台のレジのジャーナルに不整合はありません")
        expect(manager.locator('#verify-results tr[data-terminal="1"]')).to_contain_text("正常")
        shots("in japanese")
        _guide_shots(manager, "-ja")
    finally:
        manager.click("#language-en")
        expect(manager.locator("html")).to_have_attribute("lang", "en")
