"""Names in reports: category and payment names from the master data, item names from the tranlog first."""

from decimal import Decimal

import pytest

from apps.core.tenancy import tenant_context
from tests.support import TENANT_A

from .factories import DAY, LineItemFactory, PaymentFactory, d1_logs, tranlog

pytestmark = pytest.mark.django_db


def master(categories=(), payments=(), items=()):
    from apps.masterdata.services import category_create, item_create, payment_create

    with tenant_context(TENANT_A):
        for code, name in categories:
            category_create(category_code=code, description=name, description_short=name, tax_code="01")
        for code, name in payments:
            payment_create(payment_code=code, description=name, limit_amount=Decimal(0), can_refund=True,
                           can_deposit_over=code == "01", can_change=code == "01", is_active=True)
        for code, name in items:
            item_create(item_code=code, description=name, unit_price=Decimal(100), unit_cost=Decimal(50),
                        item_details=[], image_urls=[], category_code="cat456", tax_code="01")


def test_category_names_come_from_the_master_and_fall_back_to_the_code(consume_all, report_data):
    consume_all(d1_logs())
    master(categories=[("cat456", "果物")])
    data = report_data(report_scope="flash", report_type="category", business_date=DAY)
    assert [(c["categoryCode"], c["categoryName"]) for c in data["categories"]] == [
        ("cat456", "果物"), ("cat567", "cat567")]
    assert "果物" in data["journalText"]
    item = report_data(report_scope="flash", report_type="item", business_date=DAY)
    assert item["categories"][0]["categoryName"] == "果物"


def test_item_names_prefer_the_tranlog_then_the_master_then_the_code(consume, report_data):
    lines = [
        LineItemFactory(line_no=1, item_code="A", description="Apple from the tranlog"),
        LineItemFactory(line_no=2, item_code="B", description=None),
        LineItemFactory(line_no=3, item_code="C", description=""),
    ]
    consume("tranlog", [tranlog(1, line_items=lines)])
    master(items=[("A", "Apple master"), ("B", "Banana master")])
    data = report_data(report_scope="flash", report_type="item", business_date=DAY)
    assert [(i["itemCode"], i["itemName"]) for i in data["categories"][0]["items"]] == [
        ("A", "Apple from the tranlog"), ("B", "Banana master"), ("C", "C")]


def test_payment_report_names_follow_the_master(consume, report_data):
    consume("tranlog", [tranlog(1, payments=[PaymentFactory(payment_code="01", amount=300.0),
                                             PaymentFactory(payment_no=2, payment_code="11", amount=250.0)])])
    data = report_data(report_scope="flash", report_type="payment", business_date=DAY)
    assert [p["payment_name"] for p in data["payment_summary"]] == ["Cash", "Cashless"]  # no master rows
    master(payments=[("01", "現金")])
    data = report_data(report_scope="flash", report_type="payment", business_date=DAY)
    assert [p["payment_name"] for p in data["payment_summary"]] == ["現金", "Payment 11"]
    # the sales report keeps the description carried by the tranlog
    sales = report_data(report_scope="flash", report_type="sales", business_date=DAY)
    assert [p["paymentName"] for p in sales["payments"]] == ["Cash", "Cash"]
