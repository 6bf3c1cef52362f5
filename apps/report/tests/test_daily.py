"""Daily verification (spec/40 §3.10, scenarios 2-3) and journaling a report (§3.11)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.core.auth import encode_jwt
from apps.core.tenancy import tenant_context
from apps.report.models import DailyInfo
from tests.support import TENANT_A, bearer

from .factories import DAY, STORE, TERMINAL, at, close_log, d1_logs, open_log, tranlog

pytestmark = pytest.mark.django_db

TERMINAL_ID = f"{TENANT_A}-{STORE}-{TERMINAL}"


def daily_rows():
    with tenant_context(TENANT_A):
        return list(DailyInfo.objects.order_by("id").values(
            "terminal_no", "open_counter", "verified", "verified_message", "verified_update_time"))


def report_entries():
    from apps.journal.models import JournalEntry

    with tenant_context(TENANT_A):
        return list(JournalEntry.objects.filter(transaction_type__in=[501, 502]).order_by("id"))


# --- scenario 2 ----------------------------------------------------------------------------------------------
def test_d1_daily_passes_records_verified_and_has_the_flash_numbers(consume_all, report_data):
    consume_all(d1_logs())
    daily = report_data(terminal=TERMINAL, report_scope="daily", report_type="sales", business_date=DAY,
                        open_counter=1, business_counter=1001)
    flash = report_data(terminal=TERMINAL, report_scope="flash", report_type="sales", business_date=DAY,
                        open_counter=1)
    for key in ("salesGross", "salesNet", "returns", "taxes", "payments", "cash"):
        assert daily[key] == flash[key]
    assert "日報" in daily["receiptText"] and "精算通番 1001" in daily["journalText"]
    assert "精算通番" not in flash["journalText"]
    rows = daily_rows()
    assert [(r["terminal_no"], r["open_counter"], r["verified"], r["verified_message"]) for r in rows] == [
        (TERMINAL, 1, True, "All logs are received successfully")]
    assert rows[0]["verified_update_time"].endswith("+09:00")
    # a verified session is not checked again
    report_data(report_scope="daily", report_type="category", business_date=DAY)
    assert len(daily_rows()) == 1
    assert report_entries() == []  # JWT only, no terminal_id: nothing journaled


def test_d1_daily_with_terminal_id_journals_a_502_entry(consume_all, report_data):
    consume_all(d1_logs())
    data = report_data(terminal=TERMINAL, report_scope="daily", report_type="sales", business_date=DAY,
                       open_counter=1, business_counter=1001, terminal_id=TERMINAL_ID)
    [entry] = report_entries()
    assert (entry.store_code, entry.terminal_no, entry.transaction_type, entry.receipt_no, entry.amount,
            entry.quantity, entry.open_counter, entry.business_counter, entry.business_date, entry.staff_id,
            entry.transaction_no, entry.user_id) == (
        STORE, TERMINAL, 502, 0, 0, 0, 1, 1001, DAY, "SYSTEM", None, None)
    assert entry.journal_text == data["journalText"] and entry.receipt_text == data["receiptText"]
    assert entry.generate_date_time.endswith("+09:00")


@pytest.mark.parametrize(("scope", "journal_type"), [("flash", 501), ("flush", 501), ("invalid_scope", None)])
def test_flash_reports_journal_as_501_and_other_scopes_not_at_all(consume_all, report_data, scope, journal_type):
    consume_all(d1_logs())
    report_data(report_scope=scope, report_type="payment", business_date=DAY, terminal_id=TERMINAL_ID)
    entries = report_entries()
    if journal_type is None:
        assert entries == []
    else:
        [entry] = entries
        assert entry.transaction_type == journal_type
        assert entry.terminal_no == TERMINAL  # from terminal_id, on the store endpoint
        assert (entry.open_counter, entry.business_counter) == (0, 0)
        assert "決済別レポート" in entry.journal_text


def test_promotion_report_journals_its_plain_text_and_an_unparseable_terminal_id_falls_back(consume, report_data):
    consume("tranlog", [tranlog(1)])
    data = report_data(report_scope="flush", report_type="promotion", business_date_from="20250101",
                       business_date_to="20250131", terminal_id="odd")
    [entry] = report_entries()
    assert entry.terminal_no == 0 and entry.business_date == "20250101"
    assert entry.journal_text == data["journalText"]


def test_terminal_jwt_staff_is_the_journaled_staff(consume_all, get_report):
    consume_all(d1_logs())
    from apps.core.tenancy import tenant_context as _in_tenant
    from apps.terminal.tests.factories import TerminalFactory

    with _in_tenant(TENANT_A):  # a terminal JWT works while its terminal exists (issue #20)
        TerminalFactory(store_code=STORE, terminal_no=TERMINAL)
    token = encode_jwt({"sub": f"terminal:{TERMINAL_ID}", "token_type": "terminal", "tenant_id": TENANT_A,
                        "terminal_id": TERMINAL_ID, "store_code": STORE, "terminal_no": TERMINAL,
                        "staff_id": "S042", "exp": datetime.now(UTC) + timedelta(hours=1)})
    response = get_report(terminal=TERMINAL, headers=bearer(token), report_scope="flash", report_type="sales",
                          business_date=DAY, terminal_id=TERMINAL_ID)
    assert response.status_code == 200
    assert report_entries()[0].staff_id == "S042"


def test_api_key_request_journals_the_staff_signed_in_on_the_terminal(consume_all, get_report):
    from apps.terminal.models import Terminal
    from apps.terminal.services import terminal_api_key
    from apps.terminal.tests.factories import TerminalFactory, tenant_with_store

    consume_all(d1_logs())
    with tenant_context(TENANT_A):
        tenant_with_store()
        terminal = TerminalFactory(terminal_no=TERMINAL)
        Terminal.objects.filter(pk=terminal.pk).update(staff_id="S007", staff_name="Hanako")
        key = terminal_api_key(terminal)
    response = get_report(headers={"HTTP_X_API_KEY": key}, report_scope="flash", report_type="sales",
                          business_date=DAY, terminal_id=terminal.terminal_id)
    assert response.status_code == 200, response.json()
    [entry] = report_entries()
    assert (entry.staff_id, entry.terminal_no) == ("S007", TERMINAL)


def test_journaling_failure_never_fails_the_report(consume_all, report_data, monkeypatch):
    import apps.journal.services as journal_services

    def broken(**kwargs):
        raise RuntimeError("journal down")

    consume_all(d1_logs())
    monkeypatch.setattr(journal_services, "journal_entry_store", broken)
    data = report_data(report_scope="flash", report_type="sales", business_date=DAY, terminal_id=TERMINAL_ID)
    assert data["salesGross"]["amount"] == 1100.0


# --- scenario 3 ----------------------------------------------------------------------------------------------
def test_missing_tranlog_is_403_and_recorded(consume_all, get_report):
    logs = d1_logs()
    logs["tranlog"] = logs["tranlog"][:4]  # 1005 not received yet
    consume_all(logs)
    response = get_report(terminal=TERMINAL, report_scope="daily", report_type="sales", business_date=DAY,
                          open_counter=1, terminal_id=TERMINAL_ID)
    assert response.status_code == 403
    body = response.json()
    assert body["user_error"]["code"] == "412101"
    assert body["user_error"]["message"] == "端末が閉じられていないため、レポートを生成できません"
    assert [(r["verified"], r["verified_message"]) for r in daily_rows()] == [
        (False, "Missing transaction logs. Expected count->5, Actual count->4")]
    assert report_entries() == []


def test_late_tranlog_then_daily_passes(consume_all, consume, get_report):
    logs = d1_logs()
    late = logs["tranlog"].pop()
    consume_all(logs)
    assert get_report(report_scope="daily", report_type="sales", business_date=DAY).status_code == 403
    consume("tranlog", [late])
    assert get_report(report_scope="daily", report_type="sales", business_date=DAY).status_code == 200
    assert [r["verified"] for r in daily_rows()] == [False, True]


def test_terminal_still_open_is_403(consume, get_report):
    consume("opencloselog", [open_log()])
    response = get_report(terminal=TERMINAL, report_scope="daily", report_type="sales", business_date=DAY)
    assert response.status_code == 403 and response.json()["user_error"]["code"] == "412101"
    assert daily_rows()[0]["verified_message"].startswith("No close logs found")


def test_cash_log_missing_or_late_is_403(consume_all, get_report):
    logs = d1_logs()
    logs["cashlog"] = logs["cashlog"][:2]
    consume_all(logs)
    assert get_report(report_scope="daily", report_type="sales", business_date=DAY).status_code == 403
    assert daily_rows()[-1]["verified_message"] == "Missing cash in/out logs. Expected count->3, Actual count->2"


def test_latest_transaction_number_must_match(consume_all, consume, get_report):
    logs = d1_logs()
    logs["opencloselog"][1]["cart_transaction_last_no"] = 1006
    consume_all(logs)
    assert get_report(report_scope="daily", report_type="sales", business_date=DAY).status_code == 403
    assert daily_rows()[-1]["verified_message"] == (
        "Missing transaction logs. Expected transaction no->1006, Actual transaction no->1005")


def test_cancelled_sales_count_in_verification(consume_all, get_report):
    logs = d1_logs()
    logs["tranlog"].append(tranlog(1006, is_cancelled=True, generate_date_time=at("10:30")))
    consume_all(logs)
    response = get_report(report_scope="daily", report_type="sales", business_date=DAY)
    assert response.status_code == 403
    assert daily_rows()[-1]["verified_message"] == "Missing transaction logs. Expected count->5, Actual count->6"


def test_a_store_terminal_never_opened_passes_and_one_open_terminal_fails_the_store(consume_all, consume,
                                                                                  get_report):
    consume_all(d1_logs())
    consume("tranlog", [tranlog(1, terminal_no=7777)])  # sold without an open log: not checked
    assert get_report(report_scope="daily", report_type="sales", business_date=DAY).status_code == 200
    consume("opencloselog", [open_log(terminal_no=8888)])
    response = get_report(report_scope="daily", report_type="sales", business_date=DAY)
    assert response.status_code == 403
    assert [(r["terminal_no"], r["verified"]) for r in daily_rows()] == [(TERMINAL, True), (8888, False)]
    # the other terminal's own report is not affected
    assert get_report(terminal=TERMINAL, report_scope="daily", report_type="sales",
                      business_date=DAY).status_code == 200


def test_without_open_counter_every_session_of_the_day_is_checked(consume_all, consume, get_report):
    consume_all(d1_logs())
    consume("opencloselog", [open_log(open_counter=2, generate_date_time=at("19:00"))])
    assert get_report(terminal=TERMINAL, report_scope="daily", report_type="sales", business_date=DAY,
                      open_counter=1).status_code == 200
    assert get_report(terminal=TERMINAL, report_scope="daily", report_type="sales",
                      business_date=DAY).status_code == 403
    consume("opencloselog", [close_log(open_counter=2, physical_amount=None, cart_transaction_count=0,
                                       cart_transaction_last_no=None, cash_in_out_count=0,
                                       cash_in_out_last_datetime=None, generate_date_time=at("20:00"))])
    response = get_report(terminal=TERMINAL, report_scope="daily", report_type="sales", business_date=DAY)
    assert response.status_code == 200
    # whole day: both sessions; the second close has no physical amount (counted as 0)
    assert response.json()["data"]["cash"]["physicalAmount"] == 20000.0


# --- end to end with the terminal service ---------------------------------------------------------------------
def test_terminal_session_events_feed_the_daily_report(tenant_a, token_a, api, monkeypatch,
                                                       django_capture_on_commit_callbacks):
    """Open with a float, cash in and out, close: the terminal's own events reach the report through the outbox."""
    from decimal import Decimal

    from apps.masterdata.services import staff_create
    from apps.terminal import services as terminal_services
    from apps.terminal.tests.factories import TerminalFactory, tenant_with_store

    moment = [datetime(2025, 1, 10, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))]

    def now():
        moment[0] += timedelta(minutes=1)
        return moment[0]

    monkeypatch.setattr("apps.terminal.clock.now", now)
    with tenant_context(TENANT_A):
        staff_create(staff_id="S001", name="Taro", pin="1234", roles=["staff"])
        tenant_with_store()
        terminal = TerminalFactory(terminal_no=3)
    with django_capture_on_commit_callbacks(execute=True), tenant_context(TENANT_A):
        terminal_services.terminal_sign_in(terminal_id=terminal.terminal_id, staff_id="S001")
        terminal_services.terminal_open(terminal_id=terminal.terminal_id, initial_amount=Decimal(10000))
        terminal_services.terminal_cash_in(terminal_id=terminal.terminal_id, amount=Decimal(1000))
        terminal_services.terminal_cash_out(terminal_id=terminal.terminal_id, amount=Decimal(500))
        terminal_services.terminal_close(terminal_id=terminal.terminal_id, physical_amount=Decimal(12000))
    response = api.get(f"/report/api/v1/tenants/{TENANT_A}/stores/{STORE}/terminals/3/reports",
                       {"report_scope": "daily", "report_type": "sales", "business_date": "20250110"},
                       **bearer(token_a))
    assert response.status_code == 200, response.json()
    cash = response.json()["data"]["cash"]
    assert cash == {"logicalAmount": 10500.0, "physicalAmount": 12000.0, "differenceAmount": 1500.0,
                    "cashIn": {"amount": 11000.0, "count": 2}, "cashOut": {"amount": -500.0, "count": 1}}
    assert [(r["terminal_no"], r["verified"]) for r in daily_rows()] == [(3, True)]
