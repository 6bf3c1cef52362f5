"""Back office: the report page shows the API's numbers; the stored logs are read-only (admin smoke tests)."""

import re

import pytest
from django.test import Client

from apps.core.tenancy import tenant_context
from apps.core.testing import TENANT_A
from apps.report.models import DailyInfo, ReportCashLog, ReportOpenCloseLog, ReportTranlog

from .factories import DAY, STORE, TERMINAL, d1_logs

pytestmark = pytest.mark.django_db

ADMIN = f"/t/{TENANT_A}/admin/report"


@pytest.fixture
def manager(admin_a) -> Client:
    client = Client()
    response = client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    assert response.status_code == 302
    return client


@pytest.fixture
def d1(consume_all):
    consume_all(d1_logs())


def page(client, **params):
    response = client.get(f"{ADMIN}/reportpage/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_report_page_shows_the_form_and_known_stores(manager, d1):
    html = page(manager)
    assert 'name="report_type"' in html and "<option value=\"promotion\">" in html
    assert f'<option value="{STORE}">' in html
    assert "report-result" not in html


@pytest.mark.parametrize(
    ("report_type", "expected"),
    [
        ("sales", ["1,100", "16,950", "外税10%", "売 上 レ ポ ー ト ( 速報 )"]),
        ("category", ["cat456", "cat567", "500"]),
        ("item", ["item123", "Item item123", "Category total"]),
        ("payment", ["Cash", "550", "100"]),
        ("promotion", ["Promotions", "No data"]),
    ],
)
def test_report_page_shows_the_numbers_of_the_api(manager, d1, report_data, report_type, expected):
    html = page(manager, store_code=STORE, report_type=report_type, report_scope="flash", business_date=DAY,
                terminal_no=TERMINAL, open_counter=1)
    assert "report-result" in html and "report-error" not in html
    for text in expected:
        assert text in html
    api = report_data(terminal=TERMINAL, report_scope="flash", report_type=report_type, business_date=DAY,
                      open_counter=1)
    if report_type == "sales":
        assert api["salesGross"]["amount"] == 1100.0 and api["cash"]["differenceAmount"] == 16950.0


def test_daily_report_page_runs_the_verification(manager, consume):
    consume("opencloselog", d1_logs()["opencloselog"][:1])
    html = page(manager, store_code=STORE, report_type="sales", report_scope="daily", business_date=DAY)
    assert "Terminal is not closed, cannot generate report" in html and "412101" in html
    with tenant_context(TENANT_A):
        assert DailyInfo.objects.filter(verified=False).count() == 1


def test_report_page_errors_are_shown_not_raised(manager):
    html = page(manager, store_code=STORE, report_type="sales", report_scope="flash")
    assert "Either business_date or both business_date_from and business_date_to must be specified" in html
    html = page(manager, store_code=STORE, report_type="nope", report_scope="flash", business_date=DAY)
    assert "errorlist" in html  # not a registered report type
    html = page(manager, store_code=STORE, report_type="category", report_scope="daily",
                business_date_from="20250115", business_date_to="20250110")
    assert "412003" in html


def test_report_page_needs_a_staff_login(d1):
    response = Client().get(f"{ADMIN}/reportpage/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_stored_log_admins_are_read_only_smoke(manager, d1):
    with tenant_context(TENANT_A):
        ids = {
            "reporttranlog": ReportTranlog.objects.first().pk,
            "reportcashlog": ReportCashLog.objects.first().pk,
            "reportopencloselog": ReportOpenCloseLog.objects.first().pk,
        }
    manager.get(f"{ADMIN}/reportpage/", {"store_code": STORE, "report_type": "sales", "report_scope": "daily",
                                         "business_date": DAY})
    with tenant_context(TENANT_A):
        ids["dailyinfo"] = DailyInfo.objects.first().pk
    assert manager.get(f"/t/{TENANT_A}/admin/").status_code == 200
    for model, pk in ids.items():
        assert manager.get(f"{ADMIN}/{model}/").status_code == 200, model
        assert manager.get(f"{ADMIN}/{model}/", {"q": STORE}).status_code == 200, model
        assert manager.get(f"{ADMIN}/{model}/{pk}/change/").status_code == 200, model
        assert manager.get(f"{ADMIN}/{model}/add/").status_code == 403, model
    detail = manager.get(f"{ADMIN}/reporttranlog/{ids['reporttranlog']}/change/").content.decode()
    assert "transaction_no" in detail  # the payload, pretty-printed


def test_stored_tranlogs_show_the_type_by_name_and_money_without_zeros(manager, d1):
    """Issue #21: one name per transaction type (the list, its filter and the detail page) and money as ``¥…``."""
    with tenant_context(TENANT_A):
        tranlog = ReportTranlog.objects.filter(transaction_type=101, is_cancelled=False).first()
    listed = manager.get(f"{ADMIN}/reporttranlog/").content.decode()
    assert ">Sale<" in listed and "?transaction_type__exact=101" in listed
    detail = manager.get(f"{ADMIN}/reporttranlog/{tranlog.pk}/change/").content.decode()
    assert '<div class="readonly">Sale</div>' in detail
    assert re.search(r'<div class="readonly">¥[\d,]+</div>', detail)  # the total, as money
    assert not re.search(r'<div class="readonly">-?[\d,]+\.0000</div>', detail)
