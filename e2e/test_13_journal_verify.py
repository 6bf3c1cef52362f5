"""Flow 16: the store manager verifies a store's journal (issue #24). A store of its own with two terminals sells
through the API; the back office's "Verify journal" page shows each terminal intact, with the number of entries the
verify API counts, in English and in Japanese, at 1366 px and on a 390 px phone; then a sale's amount is changed
directly in the database and the page names exactly that sale. Saves the guide's screenshots
docs/screenshots/journal-verify-*.png."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Page, expect
from psycopg import sql

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

    journals = f"/journal/api/v1/tenants/{TENANT_ID}/stores/{store_code}/journals"
    sales = {1: 2, 2: 1}
    wait_for(lambda: all(len(api.get(journals, terminals=n, transaction_types=101, limit=0)) == count
                         for n, count in sales.items()),
             what="every sale in the journal")
    # every entry of each register (its open, its sales, whatever else the terminal journaled), as the search counts
    expected = {n: len(api.get(journals, terminals=n, limit=0)) for n in sales}
    assert expected[1] >= 3 and expected[2] >= 2, expected
    assert {n: verify(n)["verified"] for n in sales} == expected

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

    # Someone with database access lowers a sale's amount: the page names exactly that sale.
    database_url = (getattr(stack, "env", None) or {}).get("DATABASE_URL")
    if not database_url:
        return  # a system this run did not start (E2E_BASE_URL): its database is not ours to change
    first_sale = min(entry["transactionNo"] for entry in api.get(journals, terminals=1, transaction_types=101, limit=0))
    with psycopg.connect(database_url, autocommit=True) as connection:
        schema = connection.execute("SELECT schema_name FROM core_tenant WHERE tenant_id = %s",
                                    [TENANT_ID]).fetchone()[0]
        changed = connection.execute(
            sql.SQL("UPDATE {}.journal_journalentry SET amount = amount - 100 "
                    "WHERE store_code = %s AND terminal_no = 1 AND transaction_no = %s").format(sql.Identifier(schema)),
            [store_code, first_sale])
        assert changed.rowcount == 1
    broken = verify(1)["brokenAt"]
    assert (broken["transactionNo"], broken["reason"]) == (first_sale, "hash_mismatch")
    manager.reload()
    expect(manager.locator("#verify-summary")).to_contain_text("Problems found on 1 terminal")
    row = manager.locator('#verify-results tr[data-terminal="1"]')
    expect(row).to_contain_text("Not intact")
    expect(row.locator(".broken-at")).to_contain_text(f"Journal entry #{broken['journalSeq']}")
    expect(row.locator(".broken-at")).to_contain_text(f"Transaction no. {first_sale}")
    expect(row.locator(".broken-at")).to_contain_text("The entry was changed after it was stored.")
    expect(manager.locator('#verify-results tr[data-terminal="2"]')).to_contain_text("Intact")
    shots("a changed sale named")
    _guide_shots(manager, "-broken")
