"""CSV import/export (django-import-export): rows go through the services; one bad row imports nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.masterdata.models import Category, Item, ItemStorePrice, Staff
from apps.masterdata.resources import CategoryResource, ItemResource, StaffResource, StorePriceResource
from tests.support import TENANT_A

from .factories import CategoryFactory, ItemFactory

pytestmark = pytest.mark.django_db

ITEM_HEADERS = ("item_code", "description", "unit_price", "unit_cost", "item_details", "image_urls",
                "category_code", "tax_code", "is_discount_restricted")


def csv(headers, *rows) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=headers)


def test_item_import_creates_and_updates_through_the_service(in_tenant_a):
    with in_tenant_a():
        CategoryFactory(category_code="001")
        ItemFactory(item_code="A1", description="old", unit_price=Decimal("1"))
        result = ItemResource().import_data(csv(
            ITEM_HEADERS,
            ("A1", "Apple", "120", "50", "red|fresh", "", "001", "01", "1"),
            ("B1", "Banana", "80.5", "30", "", "u1|u2", "001", "11", "0"),
        ))
        assert not result.has_errors() and not result.has_validation_errors()
        apple, banana = Item.objects.get(item_code="A1"), Item.objects.get(item_code="B1")
        assert (apple.description, apple.unit_price, apple.item_details) == ("Apple", Decimal("120"), ["red", "fresh"])
        assert apple.updated_at is not None and apple.is_discount_restricted is True
        assert (banana.unit_price, banana.image_urls, banana.updated_at) == (Decimal("80.5"), ["u1", "u2"], None)


@pytest.mark.parametrize(
    "bad_row",
    [
        pytest.param(("C1", "Cherry", "not a number", "1", "", "", "001", "01", "0"), id="bad-price"),
        pytest.param(("C1", "", "1", "1", "", "", "001", "01", "0"), id="missing-description"),
        pytest.param(("GONE", "Gone again", "1", "1", "", "", "001", "01", "0"), id="logically-deleted-item"),
        pytest.param(("C1", "Cherry", "-1", "1", "", "", "001", "01", "0"), id="negative-price"),
        pytest.param(("C1", "Cherry", "1", "1", "", "", "001", "99", "0"), id="unknown-tax-code"),
        pytest.param(("C1", "Cherry", "1", "1", "", "", "999", "01", "0"), id="unknown-category-code"),
    ],
)
def test_item_file_with_a_bad_row_imports_nothing(in_tenant_a, bad_row):
    with in_tenant_a():
        CategoryFactory(category_code="001")
        ItemFactory(item_code="GONE", is_deleted=True)
        result = ItemResource().import_data(
            csv(ITEM_HEADERS, ("A1", "Apple", "120", "50", "", "", "001", "01", "0"), bad_row),
            rollback_on_validation_errors=True,
        )
        assert result.has_errors() or result.has_validation_errors()
        assert list(Item.objects.values_list("item_code", flat=True)) == ["GONE"]


def test_store_price_import_needs_live_items(in_tenant_a):
    with in_tenant_a():
        ItemFactory(item_code="A1")
        ItemFactory(item_code="B1")
        good = StorePriceResource().import_data(csv(("store_code", "item_code", "store_price"),
                                                    ("5678", "A1", "90"), ("5678", "B1", "70")))
        assert not good.has_errors()
        assert ItemStorePrice.objects.get(item_id="A1").store_price == Decimal("90")
        update = StorePriceResource().import_data(csv(("store_code", "item_code", "store_price"),
                                                      ("5678", "A1", "95"), ("5678", "NOPE", "1")))
        assert update.has_errors()
        assert sorted(ItemStorePrice.objects.values_list("item_id", "store_price")) == [
            ("A1", Decimal("90")), ("B1", Decimal("70"))]


def test_category_and_staff_import_and_export(in_tenant_a):
    with in_tenant_a():
        categories = CategoryResource().import_data(csv(
            ("category_code", "description", "description_short", "tax_code"), ("001", "Drinks", "Drk", "01")))
        staff = StaffResource().import_data(csv(("staff_id", "name", "pin", "roles"),
                                                ("S001", "Taro", "1234", "staff|manager")))
        assert not categories.has_errors() and not staff.has_errors()
        assert Category.objects.get().description_short == "Drk"
        assert Staff.objects.get().roles == ["staff", "manager"]
        exported = StaffResource().export()
        assert exported.dict[0]["roles"] == "staff|manager"
        assert "is_deleted" in ItemResource().export().headers


@pytest.fixture
def manager(admin_a) -> Client:
    client = Client()
    client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    return client


def upload(content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("items.csv", content.encode(), content_type="text/csv")


def csv_format_index(manager) -> str:
    page = manager.get(f"/t/{TENANT_A}/admin/masterdata/item/import/")
    assert page.status_code == 200
    formats = page.context["form"].fields["format"].choices
    return next(str(value) for value, label in formats if str(label).lower() == "csv")


def test_admin_import_previews_then_confirms(manager, in_tenant_a):
    with in_tenant_a():
        CategoryFactory(category_code="001")
    header = ",".join(ITEM_HEADERS)
    content = f"{header}\nA1,Apple,120,50,,,001,01,0\nB1,Banana,80,30,,,001,11,0\n"
    fmt = csv_format_index(manager)
    preview = manager.post(f"/t/{TENANT_A}/admin/masterdata/item/import/",
                           {"resource": "0", "format": fmt, "import_file": upload(content)})
    assert preview.status_code == 200 and preview.context["result"] is not None
    confirm_form = preview.context["confirm_form"]
    assert confirm_form is not None
    with in_tenant_a():
        assert not Item.objects.exists()  # the preview was a dry run
    response = manager.post(f"/t/{TENANT_A}/admin/masterdata/item/process_import/",
                            {name: field.initial for name, field in confirm_form.fields.items()}
                            | dict(confirm_form.initial))
    assert response.status_code == 302
    with in_tenant_a():
        assert sorted(Item.objects.values_list("item_code", flat=True)) == ["A1", "B1"]


def test_admin_import_with_a_bad_row_shows_errors_and_writes_nothing(manager, in_tenant_a):
    header = ",".join(ITEM_HEADERS)
    content = f"{header}\nA1,Apple,120,50,,,001,01,0\nB1,Banana,lots,30,,,001,11,0\n"
    preview = manager.post(f"/t/{TENANT_A}/admin/masterdata/item/import/",
                           {"resource": "0", "format": csv_format_index(manager), "import_file": upload(content)})
    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.has_validation_errors() and "confirm_form" not in preview.context
    assert b"is not a number" in preview.content
    with in_tenant_a():
        assert not Item.objects.exists()


# --- exports are safe to open in a spreadsheet, and carry no secrets (issue #20) ------------------------------------
def admin_export(manager, model: str) -> list[list[str]]:
    """Rows of the admin's CSV export of ``model`` (every field the export form offers)."""
    import csv as csv_module
    import io

    page = manager.get(f"/t/{TENANT_A}/admin/masterdata/{model}/export/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {"format": "0", "resource": "0"}
    data |= {name: "on" for name, field in form.fields.items() if name not in ("format", "resource", "export_items")}
    response = manager.post(f"/t/{TENANT_A}/admin/masterdata/{model}/export/", data)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv_module.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(("description", "exported"), [
    ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("Apple", "Apple"),
    ("-5", "-5"),
])
def test_item_export_escapes_spreadsheet_formulas(manager, in_tenant_a, description, exported):
    with in_tenant_a():
        ItemFactory(item_code="F1", description=description, unit_price=Decimal("-1.5"))
    header, row = admin_export(manager, "item")[:2]
    assert row[header.index("description")] == exported
    assert row[header.index("unit_price")] == "-1.5000"  # a number stays a number


def test_staff_pins_are_not_exported_but_still_imported(manager, in_tenant_a):
    with in_tenant_a():
        result = StaffResource().import_data(csv(("staff_id", "name", "pin", "roles"), ("S001", "Taro", "9876", "")))
        assert not result.has_errors() and Staff.objects.get().pin == "9876"
        assert "pin" not in StaffResource().export().headers
    rows = admin_export(manager, "staff")
    assert "pin" not in rows[0] and all("9876" not in cell for row in rows for cell in row)


# --- no negative prices, no unknown codes (ours, issue #20) ------------------------------------------------
@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (("C1", "Cherry", "-1000", "1", "", "", "001", "01", "0"), "unit_price", "A price cannot be negative."),
        (("C1", "Cherry", "1", "1", "", "", "001", "99", "0"), "tax_code",
         "Unknown tax code 99: the tax master has 00, 01, 02, 11, 12."),
        (("C1", "Cherry", "1", "1", "", "", "999", "01", "0"), "category_code", "Unknown category code 999."),
    ],
)
def test_item_import_names_the_bad_value_of_each_row(in_tenant_a, row, field, message):
    with in_tenant_a():
        CategoryFactory(category_code="001")
        result = ItemResource().import_data(
            csv(ITEM_HEADERS, ("A1", "Apple", "120", "50", "", "", "001", "01", "0"), row), dry_run=True,
            rollback_on_validation_errors=True,
        )
        assert [error.number for error in result.invalid_rows] == [2]
        assert result.invalid_rows[0].field_specific_errors == {field: [message]}
        assert not Item.objects.exists()


def test_item_import_takes_categories_of_the_same_tenant_and_the_configured_tax_master(in_tenant_a, settings):
    settings.TAX_MASTER = [{"tax_code": "T8", "tax_type": "External", "tax_name": "8%", "rate": 8.0,
                            "round_digit": -1, "round_method": "Floor"}]
    with in_tenant_a():
        CategoryFactory(category_code="002")
        result = ItemResource().import_data(csv(ITEM_HEADERS, ("A1", "Apple", "0", "0", "", "", "002", "T8", "0")))
        assert not result.has_errors() and not result.has_validation_errors()
        result = ItemResource().import_data(csv(ITEM_HEADERS, ("B1", "Banana", "1", "0", "", "", "002", "01", "0")),
                                            rollback_on_validation_errors=True)
        assert result.has_validation_errors()
        assert list(Item.objects.values_list("item_code", "unit_price")) == [("A1", Decimal("0"))]


def test_store_price_import_refuses_negative_prices(in_tenant_a):
    with in_tenant_a():
        ItemFactory(item_code="A1")
        ItemFactory(item_code="B1")
        result = StorePriceResource().import_data(
            csv(("store_code", "item_code", "store_price"), ("5678", "A1", "90"), ("5678", "B1", "-70")),
            rollback_on_validation_errors=True,
        )
        assert [error.number for error in result.invalid_rows] == [2]
        assert result.invalid_rows[0].field_specific_errors == {"store_price": ["A price cannot be negative."]}
        assert not ItemStorePrice.objects.exists()


def test_category_import_refuses_unknown_tax_codes(in_tenant_a):
    headers = ("category_code", "description", "description_short", "tax_code")
    with in_tenant_a():
        result = CategoryResource().import_data(csv(headers, ("001", "Drinks", "D", "01"), ("002", "Food", "F", "")),
                                                rollback_on_validation_errors=True)
        assert not result.has_errors() and not result.has_validation_errors()  # a category may leave it blank
        result = CategoryResource().import_data(csv(headers, ("003", "Toys", "T", "01"), ("004", "Misc", "M", "7")),
                                                rollback_on_validation_errors=True)
        assert [error.number for error in result.invalid_rows] == [2]
        assert "tax_code" in result.invalid_rows[0].field_specific_errors
        assert sorted(Category.objects.values_list("category_code", flat=True)) == ["001", "002"]


def test_admin_import_preview_lists_negative_prices_and_unknown_codes(manager, in_tenant_a):
    with in_tenant_a():
        CategoryFactory(category_code="001")
    header = ",".join(ITEM_HEADERS)
    content = (f"{header}\nA1,Apple,120,50,,,001,01,0\nB1,Banana,-80,30,,,001,01,0\nC1,Cherry,80,30,,,001,99,0\n"
               "D1,Date,80,30,,,777,01,0\n")
    preview = manager.post(f"/t/{TENANT_A}/admin/masterdata/item/import/",
                           {"resource": "0", "format": csv_format_index(manager), "import_file": upload(content)})
    assert preview.status_code == 200 and "confirm_form" not in preview.context
    assert [error.number for error in preview.context["result"].invalid_rows] == [2, 3, 4]
    for text in (b"A price cannot be negative.", b"Unknown tax code 99", b"Unknown category code 777."):
        assert text in preview.content
    with in_tenant_a():
        assert not Item.objects.exists()
