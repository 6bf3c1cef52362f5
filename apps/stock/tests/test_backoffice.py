"""Back-office stock pages (issue #22): the stock list, receiving, adjusting, stocktakes and an item's movements,
as a store manager, a clerk and a manager of another store see them. Every action moves stock through the API's
service (same history rows as ``PUT .../update``), is all or nothing, and leaves an audit entry."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.test import Client

from apps.account import roles
from apps.account.models import User
from apps.masterdata.tests.factories import CategoryFactory, ItemFactory
from apps.stock.models import Stock, Stocktake, StocktakeLine, StockUpdate
from tests.support import TENANT_A

from .conftest import in_tenant_a, store_url
from .factories import StockFactory, StockUpdateFactory

pytestmark = pytest.mark.django_db

ADMIN = f"/t/{TENANT_A}/admin/stock"
STORE = "5678"
OTHER = "9999"


def _user(username: str, group: str, stores: list[str]) -> None:
    with in_tenant_a():
        user = User.objects.create_user(username, "pass-word-1", tenant_id=TENANT_A, is_staff=True, stores=stores)
        user.groups.add(Group.objects.get(name=group))


def _login(username: str) -> Client:
    client = Client()
    response = client.post(f"/t/{TENANT_A}/admin/login/", {"username": username, "password": "pass-word-1"})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def manager(tenant_a) -> Client:
    _user("manager", roles.STORE_MANAGER, [STORE])
    return _login("manager")


@pytest.fixture
def clerk(tenant_a) -> Client:
    _user("clerk", roles.CLERK, [STORE])
    return _login("clerk")


@pytest.fixture
def other_manager(tenant_a) -> Client:
    _user("elsewhere", roles.STORE_MANAGER, [OTHER])
    return _login("elsewhere")


@pytest.fixture
def items(tenant_a):
    with in_tenant_a():
        CategoryFactory(category_code="BEV", description="Beverages")
        CategoryFactory(category_code="SNK", description="Snacks")
        ItemFactory(item_code="W1", description="Mineral water", category_code="BEV")
        ItemFactory(item_code="T1", description="Green tea", category_code="BEV")
        ItemFactory(item_code="C1", description="Rice crackers", category_code="SNK")
        StockFactory(item_code="W1", current_quantity=10.0, reorder_point=5.0)
        StockFactory(item_code="T1", current_quantity=3.0, reorder_point=5.0)
        StockFactory(item_code="C1", current_quantity=1.0, minimum_quantity=4.0)
        StockFactory(item_code="W1", store_code=OTHER, current_quantity=7.0)


def _lines(*lines) -> dict:
    data = {"lines-TOTAL_FORMS": str(len(lines) + 1), "lines-INITIAL_FORMS": "0"}
    for index, (code, quantity) in enumerate(lines):
        data[f"lines-{index}-item_code"] = code
        data[f"lines-{index}-quantity"] = quantity
    return data


def _level(item_code: str, store: str = STORE) -> float | None:
    with in_tenant_a():
        row = Stock.objects.filter(store_code=store, item_code=item_code).first()
        return None if row is None else row.current_quantity


def _movements(**filters) -> list[StockUpdate]:
    with in_tenant_a():
        return list(StockUpdate.objects.filter(**filters).order_by("item_code", "id"))


# --- stock list ---------------------------------------------------------------------------------------------
def test_stock_list_shows_names_integers_and_status(manager, items):
    content = manager.get(f"{ADMIN}/stock/").content.decode()
    assert "Mineral water" in content and "Green tea" in content
    assert ">10<" in content and ">10.0<" not in content  # integral quantities without decimals
    assert "below reorder point" in content and "below minimum" in content
    assert f">{OTHER}<" not in content  # a store the manager does not work in


def test_stock_list_filters_sorts_and_searches(manager, items):
    def codes(query: str) -> list[str]:
        response = manager.get(f"{ADMIN}/stock/{query}")
        assert response.status_code == 200
        return [code for code in ("W1", "T1", "C1") if f">{code}<br>" in response.content.decode()]

    assert codes("?status=below_reorder_point") == ["T1"]
    assert codes("?status=below_minimum") == ["C1"]
    assert codes("?status=ok") == ["W1"]
    assert codes("?q=tea") == ["T1"]  # by name
    assert codes("?q=C1") == ["C1"]  # by code
    content = manager.get(f"{ADMIN}/stock/?o=6").content.decode()  # the status column, worst first
    assert content.index(">C1<br>") < content.index(">T1<br>") < content.index(">W1<br>")


def test_superuser_sees_every_store(admin_a, items):
    client = Client()
    client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    assert f">{OTHER}<" in client.get(f"{ADMIN}/stock/").content.decode()


# --- receiving ----------------------------------------------------------------------------------------------
def test_receive_posts_purchases_through_the_api_service(manager, items, client_a):
    form = {"store_code": STORE, "supplier_reference": "DN-42", **_lines(("W1", "24"), ("T1", "12.5"))}
    response = manager.post(f"{ADMIN}/stock/receive/", form)
    assert response.status_code == 302, response.content.decode()
    rows = _movements(update_type="purchase")
    assert [(r.item_code, r.quantity_change, r.before_quantity, r.after_quantity, r.reference_id, r.operator_id)
            for r in rows] == [("T1", 12.5, 3.0, 15.5, "DN-42", "manager"),
                               ("W1", 24.0, 10.0, 34.0, "DN-42", "manager")]
    api = client_a.get(store_url("/W1")).json()["data"]
    assert (api["currentQuantity"], api["lastTransactionId"]) == (34.0, "DN-42")
    history = client_a.get(store_url("/W1/history")).json()["data"]["data"][0]
    assert (history["updateType"], history["operatorId"]) == ("purchase", "manager")
    with in_tenant_a():
        stock = Stock.objects.get(store_code=STORE, item_code="W1")
        entry = LogEntry.objects.get(object_id=str(stock.pk), content_type__model="stock")
        assert entry.user.username == "manager" and "DN-42" in entry.change_message


@pytest.mark.parametrize("lines", [
    [("W1", "5"), ("NOPE", "3")],  # an item not in the master
    [("W1", "5"), ("T1", "-2")],  # a negative delivery
    [("W1", "5"), ("T1", "abc")],  # not a number
    [("W1", "5"), ("T1", "")],  # an item without quantity
    [("W1", "5"), ("T1", "1e20")],  # beyond the quantity limit
])
def test_a_bad_line_posts_nothing(manager, items, lines):
    response = manager.post(f"{ADMIN}/stock/receive/",
                            {"store_code": STORE, "supplier_reference": "DN-1", **_lines(*lines)})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert _movements() == []
    assert _level("W1") == 10.0


def test_the_supplier_reference_is_required(manager, items):
    response = manager.post(f"{ADMIN}/stock/receive/", {"store_code": STORE, **_lines(("W1", "5"))})
    assert response.status_code == 400 and _movements() == []


def test_clerk_may_look_but_not_receive_adjust_or_count(clerk, items):
    assert clerk.get(f"{ADMIN}/stock/").status_code == 200
    content = clerk.get(f"{ADMIN}/stock/").content.decode()
    assert "receive-goods" not in content and "adjust-stock" not in content
    for path in ("stock/receive/", "stock/adjust/", "stocktake/add/"):
        assert clerk.get(f"{ADMIN}/{path}").status_code == 403, path
    form = {"store_code": STORE, "supplier_reference": "DN-9", "reason": "damage", **_lines(("W1", "-1"))}
    assert clerk.post(f"{ADMIN}/stock/receive/", form).status_code == 403
    assert clerk.post(f"{ADMIN}/stock/adjust/", form).status_code == 403
    assert clerk.post(f"{ADMIN}/stocktake/add/", {"store_code": STORE}).status_code == 403
    assert _movements() == []
    with in_tenant_a():
        assert not Stocktake.objects.exists()


def test_a_manager_of_another_store_is_refused(other_manager, items):
    response = other_manager.post(f"{ADMIN}/stock/receive/",
                                  {"store_code": STORE, "supplier_reference": "DN-2", **_lines(("W1", "5"))})
    assert response.status_code == 400 and "You do not work in store 5678" in response.content.decode()
    assert _movements() == []
    with in_tenant_a():
        stock = Stock.objects.get(store_code=STORE, item_code="W1")
    assert other_manager.get(f"{ADMIN}/stock/{stock.pk}/movements/").status_code == 404
    assert other_manager.get(f"{ADMIN}/stock/{stock.pk}/change/").status_code in (302, 404)


def test_the_service_itself_refuses_other_stores_and_missing_permissions(items, tenant_a):
    from django.core.exceptions import PermissionDenied

    from apps.stock import actions

    _user("clerk2", roles.CLERK, [STORE])
    _user("far", roles.STORE_MANAGER, [OTHER])
    with in_tenant_a():
        for username in ("clerk2", "far"):
            with pytest.raises(PermissionDenied):
                actions.stock_receive(tenant_id=TENANT_A, store_code=STORE, supplier_reference="X",
                                      lines=[actions.Line("W1", Decimal(1))], user=User.objects.get(username=username))
        assert not StockUpdate.objects.exists()


# --- adjustments --------------------------------------------------------------------------------------------
def test_damage_is_posted_as_damage_with_the_reason(manager, items):
    form = {"store_code": STORE, "reason": "damage", "reference": "DR-7", "comment": "dropped crate",
            **_lines(("W1", "-2"))}
    assert manager.post(f"{ADMIN}/stock/adjust/", form).status_code == 302
    [row] = _movements()
    assert (row.update_type, row.quantity_change, row.after_quantity, row.note, row.reference_id, row.operator_id) == (
        "damage", -2.0, 8.0, "damage: dropped crate", "DR-7", "manager")


def test_loss_and_correction_are_adjustments_and_many_lines_go_together(manager, items):
    loss = {"store_code": STORE, "reason": "loss", **_lines(("W1", "-1"), ("T1", "-1"))}
    assert manager.post(f"{ADMIN}/stock/adjust/", loss).status_code == 302
    assert manager.post(f"{ADMIN}/stock/adjust/",
                        {"store_code": STORE, "reason": "correction", **_lines(("C1", "+3"))}).status_code == 302
    assert [(r.item_code, r.update_type, r.quantity_change, r.note) for r in _movements()] == [
        ("C1", "adjustment", 3.0, "correction"), ("T1", "adjustment", -1.0, "loss"),
        ("W1", "adjustment", -1.0, "loss")]


def test_damage_must_take_stock_out_and_zero_is_refused(manager, items):
    for lines in ([("W1", "2")], [("W1", "-1"), ("T1", "0")]):
        response = manager.post(f"{ADMIN}/stock/adjust/", {"store_code": STORE, "reason": "damage", **_lines(*lines)})
        assert response.status_code == 400
    assert _movements() == []


# --- stocktakes ---------------------------------------------------------------------------------------------
def _sheet_lines(sheet_id: int) -> dict[str, StocktakeLine]:
    with in_tenant_a():
        return {line.item_code: line for line in StocktakeLine.objects.filter(stocktake_id=sheet_id)}


def _create_sheet(client: Client, category: str = "") -> int:
    response = client.post(f"{ADMIN}/stocktake/add/", {"store_code": STORE, "category_code": category})
    assert response.status_code == 302, response.content.decode()
    return int(response["Location"].rstrip("/").split("/")[-2])


def test_a_category_stocktake_lists_its_items_with_the_stock_expected(manager, items):
    sheet_id = _create_sheet(manager, "BEV")
    lines = _sheet_lines(sheet_id)
    assert {code: (line.item_name, line.expected_quantity, line.counted_quantity) for code, line in lines.items()} == {
        "T1": ("Green tea", Decimal(3), None), "W1": ("Mineral water", Decimal(10), None)}
    assert set(_sheet_lines(_create_sheet(manager))) == {"C1", "T1", "W1"}  # all items


def test_csv_import_then_confirm_writes_exactly_the_differences(manager, items, client_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sheet_id = _create_sheet(manager, "BEV")
    page = f"{ADMIN}/stocktake/{sheet_id}/change/"
    upload = SimpleUploadedFile("counts.csv", b"item_code,counted\nW1,8\nT1,3\n", content_type="text/csv")
    assert manager.post(page, {"step": "import", "file": upload}).status_code == 302
    lines = _sheet_lines(sheet_id)
    assert (lines["W1"].counted_quantity, lines["W1"].difference) == (Decimal(8), Decimal(-2))
    assert lines["T1"].difference == 0
    assert "-2" in manager.get(page).content.decode()

    assert manager.post(page, {"step": "confirm"}).status_code == 302
    [row] = _movements()  # T1 has no difference: no movement
    assert (row.item_code, row.update_type, row.quantity_change, row.after_quantity, row.reference_id,
            row.operator_id) == ("W1", "adjustment", -2.0, 8.0, f"STOCKTAKE-{sheet_id}", "manager")
    assert client_a.get(store_url("/W1")).json()["data"]["currentQuantity"] == 8.0
    with in_tenant_a():
        sheet = Stocktake.objects.get(pk=sheet_id)
        assert (sheet.status, sheet.confirmed_by) == ("confirmed", "manager") and sheet.confirmed_at
        messages = list(LogEntry.objects.filter(content_type__model="stocktake", object_id=str(sheet_id))
                        .values_list("change_message", flat=True))
        assert len(messages) == 3  # created, counts entered, confirmed

    # a confirmed sheet is read-only and kept
    key = f"count_{lines['W1'].pk}"
    response = manager.post(page, {"step": "save", key: "99"})
    assert response.status_code == 400
    assert manager.post(page, {"step": "confirm"}).status_code == 400
    assert _sheet_lines(sheet_id)["W1"].counted_quantity == Decimal(8)
    assert len(_movements()) == 1
    assert 'name="count_' not in manager.get(page).content.decode()


def test_counts_typed_on_the_grid(manager, items):
    sheet_id = _create_sheet(manager, "BEV")
    page = f"{ADMIN}/stocktake/{sheet_id}/change/"
    lines = _sheet_lines(sheet_id)
    assert manager.post(page, {"step": "save", f"count_{lines['W1'].pk}": "12",
                               f"count_{lines['T1'].pk}": ""}).status_code == 302
    lines = _sheet_lines(sheet_id)
    assert (lines["W1"].difference, lines["T1"].counted_quantity) == (Decimal(2), None)
    response = manager.post(page, {"step": "save", f"count_{lines['W1'].pk}": "-1"})
    assert response.status_code == 400 and _sheet_lines(sheet_id)["W1"].counted_quantity == Decimal(12)
    assert manager.post(page, {"step": "confirm", f"count_{lines['W1'].pk}": "12"}).status_code == 302
    assert [(r.item_code, r.quantity_change) for r in _movements()] == [("W1", 2.0)]  # T1 not counted: untouched


@pytest.mark.parametrize("content", [
    b"W1,8\nNOPE,1\n",  # an item not on the sheet
    b"W1,8\nT1,-1\n",  # a negative count
    b"W1,8\nT1,lots\n",  # not a number
    b"W1,8\nW1,9\n",  # twice
    b"W1;8\n",  # wrong separator: one column
    b"",  # empty
])
def test_a_bad_count_file_changes_nothing(manager, items, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sheet_id = _create_sheet(manager, "BEV")
    response = manager.post(f"{ADMIN}/stocktake/{sheet_id}/change/",
                            {"step": "import", "file": SimpleUploadedFile("c.csv", content)})
    assert response.status_code == 400
    assert all(line.counted_quantity is None for line in _sheet_lines(sheet_id).values())


def test_confirm_with_nothing_counted_is_refused(manager, items):
    sheet_id = _create_sheet(manager, "BEV")
    assert manager.post(f"{ADMIN}/stocktake/{sheet_id}/change/", {"step": "confirm"}).status_code == 400
    with in_tenant_a():
        assert Stocktake.objects.get(pk=sheet_id).status == "draft"


def test_confirm_is_all_or_nothing(manager, items, monkeypatch):
    """A failure on the second adjustment rolls back the first and leaves the sheet a draft."""
    from apps.stock import services

    sheet_id = _create_sheet(manager, "BEV")
    lines = _sheet_lines(sheet_id)
    manager.post(f"{ADMIN}/stocktake/{sheet_id}/change/",
                 {"step": "save", f"count_{lines['W1'].pk}": "1", f"count_{lines['T1'].pk}": "1"})
    real, calls = services.stock_apply_change, []

    def failing(**kwargs):
        calls.append(kwargs["item_code"])
        if len(calls) == 2:
            raise services.StockQuantityRangeError("boom")
        return real(**kwargs)

    monkeypatch.setattr(services, "stock_apply_change", failing)
    response = manager.post(f"{ADMIN}/stocktake/{sheet_id}/change/", {"step": "confirm"})
    assert response.status_code == 400 and "boom" in response.content.decode()
    assert _movements() == [] and _level("T1") == 3.0
    with in_tenant_a():
        assert Stocktake.objects.get(pk=sheet_id).status == "draft"


def test_clerk_sees_a_sheet_read_only(manager, clerk, items):
    sheet_id = _create_sheet(manager, "BEV")
    page = f"{ADMIN}/stocktake/{sheet_id}/change/"
    response = clerk.get(page)
    assert response.status_code == 200 and 'name="count_' not in response.content.decode()
    assert clerk.post(page, {"step": "confirm"}).status_code == 403
    assert clerk.get(f"{ADMIN}/stocktake/").status_code == 200


# --- movements ----------------------------------------------------------------------------------------------
def test_movements_with_running_quantity_filters_and_a_safe_csv(manager, items):
    with in_tenant_a():
        stock = Stock.objects.get(store_code=STORE, item_code="W1")
        StockUpdateFactory(item_code="W1", update_type="purchase", quantity_change=10.0, before_quantity=0.0,
                           after_quantity=10.0, reference_id="=HYPERLINK(\"http://x\")")
        StockUpdateFactory(item_code="W1", update_type="sale", quantity_change=-3.0, before_quantity=10.0,
                           after_quantity=7.0, reference_id="101")
    page = f"{ADMIN}/stock/{stock.pk}/movements/"
    content = manager.get(page).content.decode()
    assert "Mineral water" in content and content.count('class="num running"') == 2
    filtered = manager.get(f"{page}?type=sale").content.decode()
    assert filtered.count('data-type="sale"') == 1 and 'data-type="purchase"' not in filtered
    assert manager.get(f"{page}?date_from=2000-01-01&date_to=2000-01-02").content.decode().count("running") == 0
    export = manager.get(f"{page}?type=purchase&format=csv")
    assert export["Content-Type"].startswith("text/csv")
    text = export.content.decode()
    assert text.splitlines()[0].startswith("timestamp,store_code,item_code,update_type")
    assert "'=HYPERLINK" in text and ",sale," not in text
    assert ",10,0,10," in text  # change, before, after as integers


# --- audit on threshold edits -------------------------------------------------------------------------------
def test_a_threshold_edit_of_another_store_is_not_possible(other_manager, items):
    with in_tenant_a():
        stock = Stock.objects.get(store_code=STORE, item_code="W1")
    other_manager.post(f"{ADMIN}/stock/{stock.pk}/change/",
                       {"minimum_quantity": "5", "reorder_point": "1", "reorder_quantity": "1"})
    assert _level("W1") == 10.0
    with in_tenant_a():
        assert Stock.objects.get(pk=stock.pk).minimum_quantity == 0.0


def test_the_pages_speak_japanese(manager, items):
    from django.utils import translation

    from apps.stock.models import AdjustmentReason

    with translation.override("ja"):
        assert str(AdjustmentReason.DAMAGE.label) == "破損"
        # the models' names, the permissions' names, the schedule's intervals and the snapshot admin's table
        from django.contrib import admin

        from apps.stock.admin import SnapshotAdmin
        from apps.stock.models import ScheduleInterval, Snapshot

        assert str(Stock._meta.verbose_name) == "在庫" and str(StockUpdate._meta.verbose_name_plural) == "在庫履歴"
        assert str(Stock._meta.get_field("reorder_point").verbose_name) == "発注点"
        assert str(Snapshot._meta.verbose_name_plural) == "在庫スナップショット"
        assert [str(name) for _code, name in Stock._meta.permissions] == [
            "入荷ができる", "在庫調整(破損・紛失・訂正)ができる", "棚卸の実施・確定ができる"]
        assert str(ScheduleInterval.DAILY.label) == "毎日"
        table = SnapshotAdmin(Snapshot, admin.site).stock_table(Snapshot(stocks=[]))
        assert "<th>商品</th><th>数量</th><th>最低在庫</th><th>発注点</th><th>発注数量</th>" in table
    response = manager.get(f"{ADMIN}/stock/receive/", HTTP_ACCEPT_LANGUAGE="ja")
    if response.get("Content-Language") == "ja":  # with the project's LocaleMiddleware (another part of issue #22)
        assert "入荷を計上" in response.content.decode()


def test_alert_records_stay_bounded_per_store(tenant_a, monkeypatch):
    """The dashboard lists a store's newest alerts; older records are trimmed as new ones are kept, per store."""
    from datetime import UTC, datetime, timedelta

    from apps.stock import alerts
    from apps.stock.calculations import REORDER_POINT, StockAlert, StockLevel
    from apps.stock.models import StockAlertRecord

    monkeypatch.setattr(alerts, "ALERT_RECORDS_KEPT_PER_STORE", 3)
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

    def alert(store: str, item: str) -> StockAlert:
        return StockAlert(REORDER_POINT, StockLevel(TENANT_A, store, item, 4.0, 1.0, 5.0, 10.0))

    with in_tenant_a():
        for minute in range(5):
            alerts._record([alert("S1", f"I{minute}")], start + timedelta(minutes=minute))
        alerts._record([alert("S2", "X"), alert("S1", "I5")], start + timedelta(minutes=5))
        kept = list(StockAlertRecord.objects.order_by("store_code", "sent_at").values_list("store_code", "item_code"))
    assert kept == [("S1", "I3"), ("S1", "I4"), ("S1", "I5"), ("S2", "X")]
