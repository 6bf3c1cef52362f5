"""Sign-in/out, open, close and cash (spec/10 §6-§8) beyond the §11 walk-through: every refused operation
writes nothing, write failures roll back, the logs' payloads, the upsert, and the cart's close-stats hook."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from apps.core import events
from apps.core.models import EventRecord
from apps.core.tenancy import tenant_context
from apps.terminal import selectors, services
from apps.terminal.models import CashLog, OpenCloseLog, Store, TenantInfo, Terminal
from tests.support import TENANT_A

pytestmark = pytest.mark.django_db


def code_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["user_error"]["code"]


def footprint(terminal_id: str) -> dict:
    """Everything an operation could write: the terminal row, its logs, and outbox records."""
    with tenant_context(TENANT_A):
        terminal = Terminal.objects.filter(terminal_id=terminal_id).values().first()
        return {
            "terminal": terminal,
            "cash_logs": CashLog.objects.count(),
            "open_close_logs": OpenCloseLog.objects.count(),
            "events": EventRecord.objects.filter(tenant_id=TENANT_A).count(),
        }


def bring(terminal_id: str, *, status: str, signed_in: bool) -> None:
    with tenant_context(TENANT_A):
        if status in ("Opened", "Closed"):
            services.terminal_open(terminal_id=terminal_id, initial_amount=None)
        if status == "Closed":
            services.terminal_close(terminal_id=terminal_id, physical_amount=None)
        if signed_in:
            services.terminal_sign_in(terminal_id=terminal_id, staff_id="S001")


REFUSED = [
    # (status, signed in, call, body, HTTP status, code, message)
    ("Opened", False, "open", None, 400, "406003", "Terminal is already opened: {id}"),
    ("Idle", False, "close", None, 400, "406003", "Terminal is not opened: {id}"),
    ("Closed", False, "close", {"physical_amount": 5}, 400, "406003", "Terminal is already closed: {id}"),
    ("Idle", True, "cash-in", {"amount": 1}, 400, "406003", "Terminal is not opened: {id}"),
    ("Closed", True, "cash-in", {"amount": 1}, 400, "406003", "Terminal is not opened: {id}"),
    ("Idle", True, "cash-out", {"amount": 1}, 400, "406003", "Terminal is not opened: {id}"),
    ("Closed", True, "cash-out", {"amount": 1}, 400, "406003", "Terminal is not opened: {id}"),
    ("Opened", False, "cash-in", {"amount": 1}, 401, "406013", "Terminal is not signed in: {id}"),
    ("Idle", False, "cash-out", {"amount": 1}, 401, "406013", "Terminal is not signed in: {id}"),
    ("Idle", True, "sign-in", {"staff_id": "S001"}, 400, "406014", "Terminal is already signed in: {id}"),
    ("Opened", False, "sign-in", {"staff_id": "NOPE"}, 401, "406004", "Staff not found: NOPE"),
]


@pytest.mark.parametrize(("status", "signed_in", "operation", "body", "http", "code", "message"), REFUSED)
def test_a_refused_operation_writes_nothing(
    api, term_a, clock, status, signed_in, operation, body, http, code, message
):
    bring(term_a.terminal_id, status=status, signed_in=signed_in)
    clock.tick(minutes=1)
    before = footprint(term_a.terminal_id)
    response = api.post(f"{term_a.url}/{operation}", body, format="json", HTTP_X_API_KEY=term_a.K)
    assert code_of(response) == (http, code)
    assert response.json()["message"] == message.format(id=term_a.terminal_id)
    assert response.json()["operation"] == "app_exception_handler" and response.json()["data"] is None
    assert "X-New-Token" not in response
    assert footprint(term_a.terminal_id) == before


@pytest.mark.parametrize(
    ("status", "mode"),
    [
        ("Opened", "OpenTerminal"),
        ("Idle", "Sales"),
        ("Closed", "Returns"),
        ("Idle", "Void"),
        ("Closed", "CloseTerminal"),
        ("Idle", "CashInOut"),
    ],
)
def test_a_refused_function_mode_writes_nothing(api, term_a, status, mode):
    bring(term_a.terminal_id, status=status, signed_in=False)
    before = footprint(term_a.terminal_id)
    response = api.patch(f"{term_a.url}/function_mode", {"function_mode": mode}, format="json", HTTP_X_API_KEY=term_a.K)
    assert code_of(response) == (400, "406003")
    assert footprint(term_a.terminal_id) == before


@pytest.mark.parametrize("operation", ["open", "close", "cash-in", "cash-out"])
@pytest.mark.parametrize("missing", ["store", "tenant info"])
def test_open_close_and_cash_need_the_store(api, term_a, clock, operation, missing):
    bring(term_a.terminal_id, status="Opened" if operation != "open" else "Idle", signed_in=True)
    with tenant_context(TENANT_A):
        (Store.objects if missing == "store" else TenantInfo.objects).all().delete()
    before = footprint(term_a.terminal_id)
    response = api.post(f"{term_a.url}/{operation}", {"amount": 5}, format="json", HTTP_X_API_KEY=term_a.K)
    assert code_of(response) == (404, "100001")
    assert footprint(term_a.terminal_id) == before


@pytest.mark.parametrize("operation", ["sign-in", "sign-out", "open", "close", "cash-in", "cash-out"])
def test_unknown_terminal_is_404_for_a_user_of_the_tenant(api, term_a, operation):
    response = api.post(
        f"/terminal/api/v1/terminals/{TENANT_A}-5678-99/{operation}",
        {"amount": 1, "staff_id": "S001"},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {term_a.T}",
    )
    assert code_of(response) == (404, "100001")


def _database_fails(event_type: str):
    real_publish = events.event_publish

    def publish(*, event_type_=None, **kwargs):
        if kwargs["event_type"] == event_type:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1/0")  # a real database error, mid-transaction
        return real_publish(**kwargs)

    return publish


@pytest.mark.parametrize(
    ("status", "operation", "body", "failing", "code"),
    [
        ("Idle", "open", {"initial_amount": 1000}, "opencloselog", "406007"),
        ("Idle", "open", {"initial_amount": 1000}, "cashlog", "406007"),
        ("Opened", "close", {"physical_amount": 1000}, "opencloselog", "406008"),
        ("Opened", "cash-in", {"amount": 1000}, "cashlog", "406101"),
        ("Opened", "cash-out", {"amount": 1000}, "cashlog", "406101"),
    ],
)
def test_a_write_failure_rolls_everything_back(api, term_a, clock, monkeypatch, status, operation, body, failing, code):
    bring(term_a.terminal_id, status=status, signed_in=True)
    clock.tick(minutes=1)
    before = footprint(term_a.terminal_id)
    monkeypatch.setattr(events, "event_publish", _database_fails(failing))
    response = api.post(f"{term_a.url}/{operation}", body, format="json", HTTP_X_API_KEY=term_a.K)
    assert code_of(response) == (400, code)
    assert footprint(term_a.terminal_id) == before


def test_sign_out_without_staff_writes_nothing(api, term_a):
    before = footprint(term_a.terminal_id)
    response = api.post(f"{term_a.url}/sign-out", HTTP_X_API_KEY=term_a.K)
    assert response.status_code == 200 and "X-New-Token" in response
    assert footprint(term_a.terminal_id) == before


CASHLOG_KEYS = {
    "tenant_id",
    "store_code",
    "store_name",
    "terminal_no",
    "staff_id",
    "staff_name",
    "business_date",
    "open_counter",
    "business_counter",
    "generate_date_time",
    "amount",
    "description",
    "receipt_text",
    "journal_text",
    "event_id",
    "event_type",
    "shard_key",
    "created_at",
    "updated_at",
    "etag",
}
OPENCLOSELOG_KEYS = {
    "tenant_id",
    "store_code",
    "store_name",
    "terminal_no",
    "staff_id",
    "staff_name",
    "business_date",
    "open_counter",
    "business_counter",
    "operation",
    "generate_date_time",
    "terminal_info",
    "cart_transaction_count",
    "cart_transaction_last_no",
    "cash_in_out_count",
    "cash_in_out_last_datetime",
    "receipt_text",
    "journal_text",
    "event_id",
    "event_type",
    "shard_key",
    "created_at",
    "updated_at",
    "etag",
}
TERMINAL_INFO_KEYS = {
    "tenant_id",
    "store_code",
    "terminal_no",
    "description",
    "terminal_id",
    "function_mode",
    "status",
    "business_date",
    "open_counter",
    "business_counter",
    "staff",
    "initial_amount",
    "physical_amount",
    "api_key",
    "tags",
    "created_at",
    "updated_at",
    "shard_key",
    "etag",
}


def test_payloads_carry_the_spec_keys_and_match_the_stored_logs(api, term_a, clock):
    api.post(f"{term_a.url}/sign-in", {"staff_id": "S001"}, format="json", HTTP_X_API_KEY=term_a.K)
    clock.set("2025-01-15 08:59:59.123456")
    api.post(f"{term_a.url}/open", {"initial_amount": 300}, format="json", HTTP_X_API_KEY=term_a.K)
    cash_event, open_event = EventRecord.objects.filter(tenant_id=TENANT_A).order_by("id")
    assert (cash_event.event_type, open_event.event_type) == ("cashlog", "opencloselog")
    assert set(cash_event.payload) == CASHLOG_KEYS and set(open_event.payload) == OPENCLOSELOG_KEYS
    info = open_event.payload["terminal_info"]
    assert set(info) == TERMINAL_INFO_KEYS and info["api_key"] == "****-****-****-****"
    assert info["staff"]["id"] == "S001" and info["staff"]["name"] == "Taro" and info["staff"]["is_deleted"] is False
    assert {d.service_name for d in cash_event.deliveries.all()} == {"report", "journal"}
    assert (cash_event.store_code, cash_event.terminal_no, cash_event.business_date, cash_event.open_counter) == (
        "5678",
        1,
        "20250115",
        1,
    )
    payload = cash_event.payload
    assert payload["generate_date_time"] == "2025-01-15T08:59:59.123456+09:00"
    assert payload["amount"] == 300.0 and payload["description"] == "Initial amount"
    assert payload["staff_id"] == "S001" and payload["store_name"] == "テスト店舗"
    assert "2025年01月15日(水) 08:59" in payload["journal_text"]
    assert open_event.payload["cash_in_out_count"] is None and open_event.payload["cart_transaction_count"] is None
    with tenant_context(TENANT_A):
        log = CashLog.objects.get()
        assert log.event_id == payload["event_id"] and log.journal_text == payload["journal_text"]
        assert OpenCloseLog.objects.get().event_id == open_event.payload["event_id"]


def test_a_cash_log_clash_replaces_the_row(term_a, clock):
    bring(term_a.terminal_id, status="Opened", signed_in=True)
    clock.tick(minutes=1)
    with tenant_context(TENANT_A):
        first = services.terminal_cash_in(terminal_id=term_a.terminal_id, amount=Decimal("100"), description="a")
        second = services.terminal_cash_out(terminal_id=term_a.terminal_id, amount=Decimal("40"), description="b")
        row = CashLog.objects.get()
    assert first.pk == second.pk == row.pk
    assert (row.amount, row.description, row.event_id) == (Decimal("-40"), "b", second.event_id)
    assert row.created_at == clock.now() and row.updated_at == clock.now()
    assert EventRecord.objects.filter(tenant_id=TENANT_A, event_type="cashlog").count() == 2


def test_cash_amounts_are_not_validated_beyond_being_numbers(api, term_a, clock):
    bring(term_a.terminal_id, status="Opened", signed_in=True)
    K = {"HTTP_X_API_KEY": term_a.K}
    clock.tick()
    response = api.post(f"{term_a.url}/cash-out", {"amount": -100, "description": ""}, format="json", **K)
    assert response.json()["data"]["amount"] == 100 and response.json()["data"]["description"] == ""
    assert "【 入 金  レ ポ ー ト 】" in response.json()["data"]["journalText"]
    clock.tick()
    assert api.post(f"{term_a.url}/cash-in", {"amount": 0}, format="json", **K).status_code == 200
    for bad in ({"amount": "x"}, {"amount": True}, {}, {"amount": None}):
        assert code_of(api.post(f"{term_a.url}/cash-in", bad, format="json", **K)) == (422, "300001")


def test_close_statistics_come_from_the_registered_cart_provider(api, term_a, clock):
    calls = []

    def provider(tenant_id, store_code, terminal_no, business_date, open_counter):
        calls.append((tenant_id, store_code, terminal_no, business_date, open_counter))
        return 7, 1042

    bring(term_a.terminal_id, status="Opened", signed_in=False)
    previous = services.sessions._close_stats_provider
    services.register_close_stats_provider(provider)
    try:
        api.post(f"{term_a.url}/close", HTTP_X_API_KEY=term_a.K)
    finally:
        services.register_close_stats_provider(previous)
    assert calls == [(TENANT_A, "5678", 1, "20250115", 1)]
    payload = EventRecord.objects.filter(tenant_id=TENANT_A, event_type="opencloselog").last().payload
    assert (payload["cart_transaction_count"], payload["cart_transaction_last_no"]) == (7, 1042)
    assert (payload["cash_in_out_count"], payload["cash_in_out_last_datetime"]) == (0, None)
    assert payload["staff_id"] is None and "責# ------" in payload["journal_text"]


def test_selectors_for_the_cart(term_a, clock):
    bring(term_a.terminal_id, status="Opened", signed_in=True)
    with tenant_context(TENANT_A):
        info = selectors.terminal_get(terminal_id=term_a.terminal_id)
        store = selectors.store_get(store_code="5678")
        assert selectors.terminal_get(terminal_id="nope") is None
        assert selectors.store_get(store_code="nope") is None
    assert (info.tenant_id, info.store_code, info.terminal_no, info.status) == (TENANT_A, "5678", 1, "Opened")
    assert (info.business_date, info.open_counter, info.business_counter) == ("20250115", 1, 1)
    assert (info.staff_id, info.staff_name, info.is_opened, info.is_signed_in) == ("S001", "Taro", True, True)
    assert (store.store_code, store.store_name, store.status) == ("5678", "テスト店舗", "Idle")
    with pytest.raises(AttributeError):
        info.status = "Closed"


def test_demo_seed_is_idempotent(tenant_a):
    from apps.terminal.seed import seed

    with tenant_context(TENANT_A):
        first = seed(TENANT_A)
        second = seed(TENANT_A)
        terminal = Terminal.objects.get()
        assert Store.objects.get().store_name == "Demo Store"
        api_key = services.terminal_api_key(terminal)
    assert first == second
    assert terminal.terminal_id == f"{TENANT_A}-S001-1"
    assert any(api_key in line for line in first)
