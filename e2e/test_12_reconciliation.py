"""Flow 16: reconciliation (issue #24). Sales made through the API reconcile as balanced; then one journal entry
is removed directly in the database (as a bug or an intruder would), "Reconcile now" names the sale, and the home
page shows the banner linking to the detail. Saves the guide's screenshots (1366 px and 390 px, English and
Japanese) under docs/screenshots/reconciliation-*.png."""

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
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(GUIDE / f"{name}-1366.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(GUIDE / f"{name}-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def _remove_journal_entry(stack: Stack, store_code: str, transaction_no: int) -> None:
    with psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as conn:
        schema = conn.execute("SELECT schema_name FROM core_tenant WHERE tenant_id = %s", [TENANT_ID]).fetchone()[0]
        deleted = conn.execute(
            sql.SQL("DELETE FROM {}.journal_journalentry WHERE store_code = %s AND transaction_no = %s")
            .format(sql.Identifier(schema)), [store_code, transaction_no]).rowcount
    assert deleted == 1


@pytest.mark.flow("16-reconciliation")
def test_reconcile_a_day_then_find_a_removed_journal_entry(manager: Page, shots, api: Api, stack: Stack,
                                                           run_id: str):
    store_code = f"Q{run_id}"
    api.post(f"/terminal/api/v1/tenants/{TENANT_ID}/stores", {"storeCode": store_code, "storeName": "Recon Store"})
    terminal = Terminal.connect(stack.base_url, api.post("/terminal/api/v1/terminals", {
        "storeCode": store_code, "terminalNo": 1, "description": "Front register"}))
    business_date = terminal.ready()["businessDate"]
    sales = [terminal.sell(("49-01", 2)), terminal.sell(("49-14", 1), ("49-09", 3)), terminal.sell(("49-16", 1))]
    path = f"/report/api/v1/tenants/{TENANT_ID}/stores/{store_code}/reconciliation"
    wait_for(lambda: api.get(path, business_date=business_date)["status"] == "balanced", what="a balanced day",
             timeout=60)

    picked = f"{business_date[:4]}-{business_date[4:6]}-{business_date[6:]}"
    manager.goto(admin_url(f"report/storereconciliation/?store={store_code}&business_date={picked}"))
    expect(manager.locator("#recon-none")).to_be_visible()
    manager.click("#recon-now input[type=submit]")
    expect(manager.locator("#recon-status")).to_have_text("Balanced")
    shots("balanced")

    victim = sales[1]["transactionNo"]
    _remove_journal_entry(stack, store_code, victim)
    assert api.get(path, business_date=business_date)["status"] == "mismatch"
    manager.click("#recon-now input[type=submit]")
    expect(manager.locator("#recon-status")).to_have_text("Mismatch")
    journal_row = manager.locator("table.recon-table tr", has_text="Journal").first
    expect(journal_row).to_contain_text("Mismatch")
    expect(journal_row.locator("td.keys").first).to_have_text(str(victim))
    assert manager.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"] + 1
    _guide_shots(manager, "reconciliation")

    manager.goto(admin_url(f"?store={store_code}"))
    banner = manager.locator("#home-reconciliation")
    expect(banner).to_be_visible()
    shots("home banner")
    _guide_shots(manager, "reconciliation-home")
    banner.get_by_role("link").click()
    expect(manager.locator("#recon-status")).to_have_text("Mismatch")

    manager.click("#language-ja")
    try:
        expect(manager.locator("html")).to_have_attribute("lang", "ja")
        expect(manager.locator("#recon-status")).to_have_text("不一致")
        _guide_shots(manager, "reconciliation-ja")
        manager.goto(admin_url(f"?store={store_code}"))
        expect(manager.locator("#home-reconciliation")).to_contain_text("不一致")
        _guide_shots(manager, "reconciliation-home-ja")
    finally:
        manager.click("#language-en")
        expect(manager.locator("html")).to_have_attribute("lang", "en")
