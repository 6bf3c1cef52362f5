"""The back office's "Terminals and cash" page (issue #22): every action writes what the API's action writes,
refusals are readable and change nothing, who may do what, the store scope and the audit trail."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from apps.core.models import EventRecord
from apps.core.tenancy import tenant_context
from apps.terminal import services
from apps.terminal.models import CashLog, OpenCloseLog, Store, Terminal
from apps.terminal.tests.factories import TerminalFactory, tenant_with_store
from tests.support import TENANT_A

pytestmark = pytest.mark.django_db

ADMIN = f"/t/{TENANT_A}/admin"
DESK = f"{ADMIN}/terminal/terminaldesk"


def login(username: str, password: str) -> Client:
    client = Client()
    response = client.post(f"{ADMIN}/login/", {"username": username, "password": password})
    assert response.status_code == 302, username
    return client


def make_user(username: str, *, group: str | None, stores: list[str]):
    from django.contrib.auth.models import Group

    from apps.account.models import User

    with tenant_context(TENANT_A):
        user = User.objects.create_user(username, username, tenant_id=TENANT_A, is_staff=True, stores=stores)
        if group:
            user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def desk(admin_a, clock, staff_master):
    """Store 5678 with twin terminals 1 (driven from the page) and 2 (driven through the API), store 9999 with
    terminal 1; staff S001 Taro and S002 Hanako. ``desk.page`` is the superuser's browser session."""
    from types import SimpleNamespace

    staff_master.add(TENANT_A, "S001", "Taro")
    staff_master.add(TENANT_A, "S002", "Hanako")
    with tenant_context(TENANT_A):
        tenant_with_store()
        tenant_with_store(store_code="9999", store_name="Other store")
        page_terminal = TerminalFactory(terminal_no=1)
        api_terminal = TerminalFactory(terminal_no=2)
        other = TerminalFactory(store_code="9999", terminal_no=1)
        api_key = services.terminal_api_key(api_terminal)
    return SimpleNamespace(
        page=login("admin", "admin"),
        terminal=page_terminal,
        twin=api_terminal,
        other=other,
        api_headers={"HTTP_X_API_KEY": api_key},
        api_url=f"/terminal/api/v1/terminals/{api_terminal.terminal_id}",
    )


@pytest.fixture
def moving_clock(clock, monkeypatch):
    """Each reading of the business clock is a second later: two actions never share a log's time key."""
    monkeypatch.setattr("apps.terminal.clock.now", lambda: clock.tick(seconds=1))
    return clock


def act(client: Client, terminal: Terminal, action: str, data: dict | None = None):
    """An action as a person does it: the form, then the confirmation."""
    url = f"{DESK}/{terminal.pk}/{action}/"
    assert client.get(url).status_code == 200
    first = client.post(url, data or {})
    assert first.status_code == 200 and b'id="desk-confirm"' in first.content, first.content.decode()[-2000:]
    return client.post(url, {**(data or {}), "confirm": "yes"})


# --- same rows as the API ----------------------------------------------------------------------------------
TERMINAL_FIELDS = ("status", "business_date", "open_counter", "business_counter", "initial_amount",
                   "physical_amount", "staff_id", "staff_name", "staff_pin", "function_mode", "updated_at")
LOG_SKIPPED = {"id", "terminal_no", "event_id", "receipt_text", "journal_text", "terminal_info"}


def _rows(model, terminal: Terminal) -> list[dict]:
    rows = model.objects.filter(store_code=terminal.store_code, terminal_no=terminal.terminal_no)
    return [
        {
            **{key: value for key, value in row.items() if key not in LOG_SKIPPED},
            # the texts and snapshot name the terminal: the same once its number and id are taken out
            "texts": (row["receipt_text"].replace(f"レジNo. {terminal.terminal_no}", "レジNo. #"),
                      row["journal_text"].replace(f"レジNo. {terminal.terminal_no}", "レジNo. #")),
            **({"terminal_info": {k: v for k, v in row["terminal_info"].items()
                                  if k not in ("terminal_id", "terminal_no", "description", "shard_key")}}
               if "terminal_info" in row else {}),
        }
        for row in rows.order_by("generate_date_time").values()
    ]


def _events(terminal: Terminal) -> list[tuple]:
    return list(
        EventRecord.objects.filter(store_code=terminal.store_code, terminal_no=terminal.terminal_no)
        .order_by("published_at", "event_type")
        .values_list("event_type", "topic", "status", "business_date", "open_counter")
    )


def snapshot(terminal: Terminal) -> dict:
    with tenant_context(TENANT_A):
        state = Terminal.objects.filter(pk=terminal.pk).values(*TERMINAL_FIELDS).get()
        cash, sessions = _rows(CashLog, terminal), _rows(OpenCloseLog, terminal)
    return {"terminal": state, "cash": cash, "sessions": sessions, "events": _events(terminal)}


def test_each_action_writes_what_the_api_action_writes(desk, api, clock):
    steps = [
        ("sign-in", {"staff_id": "S001"}, "sign-in", {"staffId": "S001"}),
        ("open", {"initial_amount": "30000"}, "open", {"initialAmount": 30000}),
        ("cash-in", {"amount": "5000", "description": "Change from the bank"}, "cash-in",
         {"amount": 5000, "description": "Change from the bank"}),
        ("cash-out", {"amount": "1200", "description": ""}, "cash-out", {"amount": 1200}),
        ("close", {"physical_amount": "33800"}, "close", {"physicalAmount": 33800}),
        ("sign-out", {}, "sign-out", None),
    ]
    for page_action, form, api_action, body in steps:
        clock.tick(minutes=5)
        done = act(desk.page, desk.terminal, page_action, form)
        assert done.status_code == 302, page_action
        answer = api.post(f"{desk.api_url}/{api_action}", body, format="json", **desk.api_headers)
        assert answer.status_code == 200, (api_action, answer.content)
        page_rows, api_rows = snapshot(desk.terminal), snapshot(desk.twin)
        for key in page_rows:
            if isinstance(page_rows[key], list) and len(page_rows[key]) == len(api_rows[key]):
                for mine, theirs in zip(page_rows[key], api_rows[key], strict=True):
                    if isinstance(mine, dict):
                        differing = {k: (mine[k], theirs.get(k)) for k in mine if mine[k] != theirs.get(k)}
                        if "terminal_info" in differing:
                            a, b = differing["terminal_info"]
                            differing = {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)}
                        assert not differing, (page_action, key, differing)
            assert page_rows[key] == api_rows[key], (page_action, key)
    page, twin = snapshot(desk.terminal), snapshot(desk.twin)
    assert page["terminal"]["status"] == "Closed" and page["terminal"]["physical_amount"] == Decimal("33800")
    assert [row["amount"] for row in page["cash"]] == [Decimal("30000"), Decimal("5000"), Decimal("-1200")]
    assert [row["description"] for row in page["cash"]] == ["Initial amount", "Change from the bank",
                                                            "Cash Out (Default)"]
    assert [row["operation"] for row in page["sessions"]] == ["open", "close"]
    assert len(page["events"]) == 5 and page["events"] == twin["events"]
    assert page["sessions"][1]["cash_in_out_count"] == 3
    with tenant_context(TENANT_A):
        trail = list(LogEntry.objects.filter(object_id=str(desk.terminal.pk)).order_by("action_time", "pk")
                     .values_list("change_message", flat=True))
        assert not LogEntry.objects.filter(object_id=str(desk.twin.pk)).exists()  # the API writes no audit entry
    assert trail[:4] == [
        "Signed in: staff S001 Taro",
        "Opened: business date 20250115, session 1, initial amount ¥30,000",
        "Cash in: ¥5,000 (Change from the bank)",
        "Cash out: ¥1,200 (Cash Out (Default))",
    ]
    assert trail[4].startswith("Closed: counted ¥33,800, expected ") and trail[5] == "Signed out: staff S001 Taro"


def test_the_receipt_of_an_action_is_the_logs_text_with_a_print_layout(desk, moving_clock):
    act(desk.page, desk.terminal, "sign-in", {"staff_id": "S001"})
    done = act(desk.page, desk.terminal, "open", {"initial_amount": "10000"})
    assert done.status_code == 302 and "/receipt/?" in done["Location"]
    page = desk.page.get(done["Location"]).content.decode()
    with tenant_context(TENANT_A):
        open_log = OpenCloseLog.objects.get(terminal_no=1, store_code="5678")
        cash_log = CashLog.objects.get(terminal_no=1, store_code="5678")
    assert "開 設" in open_log.receipt_text
    from html import unescape

    text = unescape(page)
    assert open_log.receipt_text in text and cash_log.receipt_text in text and open_log.journal_text in text
    assert "size: 80mm auto" in page and 'id="desk-print"' in page
    # another terminal's log is not shown under this terminal
    assert desk.page.get(f"{DESK}/{desk.twin.pk}/receipt/?session={open_log.pk}").status_code == 404


def test_close_shows_expected_counted_and_difference_before_it_closes(desk, moving_clock,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the logs reach the report: the expected cash
        act(desk.page, desk.terminal, "sign-in", {"staff_id": "S001"})
        act(desk.page, desk.terminal, "open", {"initial_amount": "10000"})
        act(desk.page, desk.terminal, "cash-in", {"amount": "2000", "description": "float"})
    url = f"{DESK}/{desk.terminal.pk}/close/"
    form = desk.page.get(url).content.decode()
    assert 'id="desk-expected">¥12,000<' in form
    confirm = desk.page.post(url, {"physical_amount": "12345"}).content.decode()
    assert 'id="desk-expected">¥12,000<' in confirm and 'id="desk-counted">¥12,345<' in confirm
    assert "+¥345" in confirm and "over" in confirm
    with tenant_context(TENANT_A):
        assert Terminal.objects.get(pk=desk.terminal.pk).status == "Opened"  # nothing happened yet
    # "Change" goes back to the form with the amount typed
    again = desk.page.post(url, {"physical_amount": "12345", "edit": "1"}).content.decode()
    assert 'id="desk-next"' in again and 'value="12345"' in again
    done = desk.page.post(url, {"physical_amount": "12345", "confirm": "yes"})
    assert done.status_code == 302
    with tenant_context(TENANT_A):
        terminal = Terminal.objects.get(pk=desk.terminal.pk)
        trail = (LogEntry.objects.filter(object_id=str(terminal.pk)).select_related("user")
                 .order_by("-action_time", "-pk").first())
    assert terminal.status == "Closed" and terminal.physical_amount == Decimal("12345")
    assert trail.change_message == "Closed: counted ¥12,345, expected ¥12,000, difference +¥345"
    assert trail.user.username == "admin"


# --- refusals ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prepare", "action", "form", "message", "code"),
    [
        ([], "cash-in", {"amount": "100"}, "Nobody is signed in on terminal 1", "406013"),
        (["sign-in"], "cash-in", {"amount": "100"}, "Terminal 1 is not open: open it first.", "406003"),
        (["sign-in", "open"], "open", {"initial_amount": ""}, "Terminal 1 is already open.", "406003"),
        (["sign-in"], "close", {"physical_amount": "0"}, "Terminal 1 is not open: open it first.", "406003"),
        (["sign-in"], "sign-in", {"staff_id": "S002"}, "Taro is already signed in on terminal 1", "406014"),
    ],
)
def test_a_refused_action_is_a_readable_message_and_changes_nothing(desk, prepare, action, form, message, code):
    for step in prepare:
        data = {"sign-in": {"staff_id": "S001"}, "open": {"initial_amount": ""}}[step]
        assert act(desk.page, desk.terminal, step, data).status_code == 302
    before = snapshot(desk.terminal)
    with tenant_context(TENANT_A):
        entries = LogEntry.objects.count()
    url = f"{DESK}/{desk.terminal.pk}/{action}/"
    refused = desk.page.post(url, {**form, "confirm": "yes"})
    page = refused.content.decode()
    assert refused.status_code == 400 and message in page and f"(error {code})" in page
    assert snapshot(desk.terminal) == before
    with tenant_context(TENANT_A):
        assert LogEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("action", "form", "error"),
    [
        ("cash-in", {"amount": "0"}, "Enter an amount above zero."),
        ("cash-out", {"amount": "-5"}, "Enter an amount above zero."),
        ("cash-in", {"amount": "abc"}, "Enter a number."),
        ("open", {"initial_amount": "-1"}, "greater than or equal to 0"),
        ("close", {"physical_amount": ""}, "This field is required."),
        ("close", {"physical_amount": "1" * 20}, "no more than 18 digits"),
        ("sign-in", {"staff_id": "NOBODY"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_a_form_error_and_changes_nothing(desk, action, form, error):
    before = snapshot(desk.terminal)
    response = desk.page.post(f"{DESK}/{desk.terminal.pk}/{action}/", {**form, "confirm": "yes"})
    assert response.status_code == 200 and error in response.content.decode()
    assert b'id="desk-confirm"' not in response.content
    assert snapshot(desk.terminal) == before


def test_unknown_terminal_or_action_is_404(desk):
    assert desk.page.get(f"{DESK}/999999/open/").status_code == 404
    assert desk.page.get(f"{DESK}/{desk.terminal.pk}/explode/").status_code == 404
    assert desk.page.get(f"{DESK}/{desk.terminal.pk}/receipt/?cash=x").status_code == 404
    assert desk.page.get(f"{DESK}/{desk.terminal.pk}/receipt/").status_code == 404


# --- the page ------------------------------------------------------------------------------------------------
def test_the_page_shows_state_expected_cash_last_action_and_trail(desk, moving_clock,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        act(desk.page, desk.terminal, "sign-in", {"staff_id": "S001"})
        act(desk.page, desk.terminal, "open", {"initial_amount": "10000"})
        act(desk.page, desk.terminal, "cash-out", {"amount": "500", "description": "Stamps"})
    page = desk.page.get(f"{DESK}/?store=5678").content.decode()
    card = page[page.index('id="terminal-1"'):page.index('id="terminal-2"')]
    assert 'data-status="Opened"' in card and "S001 Taro" in card and "20250115" in card
    assert "¥9,500" in card  # expected cash: 10,000 in, 500 out
    assert "cash out -¥500" in card
    reprint = re.search(r'class="desk-reprint" href="([^"]+)"', card).group(1)
    assert "Stamps" in desk.page.get(reprint.replace("&amp;", "&")).content.decode()
    assert "Cash out: ¥500 (Stamps)" in card and "Opened: business date 20250115, session 1" in card
    assert "Signed in: staff S001 Taro" in card
    for action in ("sign-out", "cash-in", "cash-out", "close"):
        assert f'data-action="{action}"' in card
    assert 'data-action="open"' not in card and 'data-action="sign-in"' not in card
    # the store picker and the terminal of the other store
    assert 'value="9999"' in page and f'data-terminal-id="{desk.other.terminal_id}"' not in page
    other = desk.page.get(f"{DESK}/?store=9999").content.decode()
    assert f'data-terminal-id="{desk.other.terminal_id}"' in other


def test_the_page_is_linked_from_the_index_and_the_terminal_list(desk):
    assert f'href="{DESK}/"' in desk.page.get(f"{ADMIN}/").content.decode()
    assert 'id="terminal-desk-link"' in desk.page.get(f"{ADMIN}/terminal/terminal/").content.decode()


# --- who may do what -----------------------------------------------------------------------------------------
def test_a_clerk_sees_the_page_without_actions_and_may_not_act(desk):
    make_user("clerk", group="Clerk", stores=["5678"])
    clerk = login("clerk", "clerk")
    page = clerk.get(f"{DESK}/").content.decode()
    assert f'data-terminal-id="{desk.terminal.terminal_id}"' in page
    assert 'class="button desk-action"' not in page and 'id="desk-view-only"' in page
    before = snapshot(desk.terminal)
    for action, form in (("sign-in", {"staff_id": "S001"}), ("open", {}), ("close", {"physical_amount": "1"})):
        url = f"{DESK}/{desk.terminal.pk}/{action}/"
        assert clerk.get(url).status_code == 403
        assert clerk.post(url, {**form, "confirm": "yes"}).status_code == 403
    assert snapshot(desk.terminal) == before


def test_a_manager_acts_in_their_store_only(desk):
    make_user("manager", group="Store manager", stores=["5678"])
    manager = login("manager", "manager")
    assert act(manager, desk.terminal, "sign-in", {"staff_id": "S001"}).status_code == 302
    page = manager.get(f"{DESK}/").content.decode()
    assert 'data-action="open"' in page and 'value="9999"' not in page
    assert manager.get(f"{DESK}/?store=9999").status_code == 403
    url = f"{DESK}/{desk.other.pk}/sign-in/"
    assert manager.get(url).status_code == 403
    assert manager.post(url, {"staff_id": "S001", "confirm": "yes"}).status_code == 403
    with tenant_context(TENANT_A):
        assert Terminal.objects.get(pk=desk.other.pk).staff_id is None
        assert Terminal.objects.get(pk=desk.terminal.pk).staff_id == "S001"


def test_the_service_refuses_without_permission_or_store(desk):
    from django.core.exceptions import PermissionDenied

    from apps.terminal.services import backoffice

    clerk = make_user("clerk", group="Clerk", stores=["5678"])
    manager = make_user("manager", group="Store manager", stores=["9999"])
    with tenant_context(TENANT_A):
        for user in (clerk, manager):
            with pytest.raises(PermissionDenied):
                backoffice.backoffice_sign_in(user=user, terminal_id=desk.terminal.terminal_id, staff_id="S001")
        assert Terminal.objects.get(pk=desk.terminal.pk).staff_id is None
        assert not LogEntry.objects.exists()


def test_a_user_without_stores_sees_none(desk):
    make_user("nostore", group="Store manager", stores=[])
    page = login("nostore", "nostore").get(f"{DESK}/").content.decode()
    assert 'id="desk-no-store"' in page and "data-terminal-id" not in page


def test_without_view_permission_the_page_is_refused(desk):
    make_user("nobody", group=None, stores=["5678"])
    assert login("nobody", "nobody").get(f"{DESK}/").status_code == 403


# --- store scope of the terminal admin lists ---------------------------------------------------------------
def test_terminal_admin_lists_show_the_users_stores_only(desk):
    with tenant_context(TENANT_A):
        for terminal in (desk.terminal, desk.other):
            services.terminal_sign_in(terminal_id=terminal.terminal_id, staff_id="S001")
            services.terminal_open(terminal_id=terminal.terminal_id, initial_amount=Decimal(100))
        cash_other = CashLog.objects.get(store_code="9999")
        session_other = OpenCloseLog.objects.get(store_code="9999")
        store_other = Store.objects.get(store_code="9999")
    make_user("manager", group="Store manager", stores=["5678"])
    manager = login("manager", "manager")
    terminals = manager.get(f"{ADMIN}/terminal/terminal/").content.decode()
    assert desk.terminal.terminal_id in terminals and desk.other.terminal_id not in terminals
    for model, hidden in (("terminal", desk.other), ("cashlog", cash_other), ("opencloselog", session_other),
                          ("store", store_other)):
        listing = manager.get(f"{ADMIN}/terminal/{model}/").content.decode()
        assert f"/{model}/{hidden.pk}/change/" not in listing, model
        assert manager.get(f"{ADMIN}/terminal/{model}/{hidden.pk}/change/").status_code == 403, model
        assert manager.get(f"{ADMIN}/terminal/{model}/{hidden.pk}/history/").status_code == 403, model
    assert manager.post(f"{ADMIN}/terminal/terminal/{desk.other.pk}/api-key/").status_code == 404
    # the superuser sees every store
    listing = desk.page.get(f"{ADMIN}/terminal/terminal/").content.decode()
    assert desk.terminal.terminal_id in listing and desk.other.terminal_id in listing


def test_refusals_and_the_page_read_in_japanese(desk):
    from django.utils import translation

    from apps.terminal.desk_admin import ACTIONS, readable_error
    from apps.terminal.errors import TerminalStatusError

    with tenant_context(TENANT_A):
        terminal = Terminal.objects.get(pk=desk.terminal.pk)
    with translation.override("ja"):
        message = readable_error(TerminalStatusError("x"), terminal, ACTIONS["cash-in"])
        title = str(ACTIONS["close"].title)
    assert message == "レジ1は開局されていません。先に開局してください。(エラー 406003)"
    assert title == "精算(現金を数えて締める)"


def test_the_terminal_admin_and_models_read_in_japanese(desk):
    """The older admin strings (header, fieldsets, the API key page, form refusals) and the models' names."""
    from django.apps import apps
    from django.utils import translation

    from apps.terminal.admin import StoreAdminForm

    change = f"{ADMIN}/terminal/terminal/{desk.terminal.pk}/change/"
    with translation.override("ja"):
        assert str(apps.get_app_config("terminal").verbose_name) == "店舗とレジ"
        assert str(Terminal._meta.verbose_name) == "レジ" and str(Store._meta.verbose_name_plural) == "店舗"
        assert str(CashLog._meta.verbose_name_plural) == "入出金記録"
        assert str(OpenCloseLog._meta.verbose_name_plural) == "開局・精算記録"
        assert str(Terminal._meta.get_field("initial_amount").verbose_name) == "釣銭準備金"
        assert str(Terminal.Status.CLOSED.label) == "閉局"
        assert str(Terminal._meta.permissions[0][1]).startswith("担当者のサインイン")
        page = desk.page.get(change, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        for text in ("バックオフィス", "状態", "認証情報", "記録", "APIキーを表示", "レジ番号", "営業日"):
            assert text in page, text
        shown = desk.page.post(f"{ADMIN}/terminal/terminal/{desk.terminal.pk}/api-key/",
                               HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert f"{desk.terminal.terminal_id} のAPIキー" in shown and "レジに戻る" in shown
        with tenant_context(TENANT_A):
            dashed = StoreAdminForm(data={"store_code": "A-1", "store_name": "x"})
            taken = StoreAdminForm(data={"store_code": "5678", "store_name": "x"})
            assert dashed.errors["store_code"] == ["店舗コードに「-」は使えません。"]
            assert taken.errors["store_code"] == ["店舗 5678 はすでに登録されています。"]
    assert str(Terminal._meta.verbose_name) == "terminal"
    assert b"Show API key" in desk.page.get(change, HTTP_ACCEPT_LANGUAGE="en").content


def test_the_page_reads_trails_and_last_actions_once_per_store(desk):
    """Per terminal only the report's expected cash costs queries (3); trails and last actions are one query each
    for the whole store."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert desk.page.get(f"{DESK}/?store=5678").status_code == 200
        return len(captured.captured_queries)

    with tenant_context(TENANT_A):
        for terminal in (desk.terminal, desk.twin):
            services.terminal_sign_in(terminal_id=terminal.terminal_id, staff_id="S001")
            services.terminal_open(terminal_id=terminal.terminal_id, initial_amount=Decimal(100))
    act(desk.page, desk.terminal, "cash-in", {"amount": "5"})
    two = queries()
    with tenant_context(TENANT_A):
        for number in range(3, 7):
            added = TerminalFactory(terminal_no=number)
            services.terminal_sign_in(terminal_id=added.terminal_id, staff_id="S001")
            services.terminal_open(terminal_id=added.terminal_id, initial_amount=Decimal(100))
    six = queries()
    assert six - two <= 4 * 3, (two, six)
