"""Back office: the stored logs are read-only (admin smoke tests); the report page is test_report_page.py."""

import re

import pytest

from apps.core.tenancy import tenant_context
from apps.report.models import DailyInfo, ReportCashLog, ReportOpenCloseLog, ReportTranlog
from tests.support import TENANT_A

from .factories import DAY, STORE, d1_logs

pytestmark = pytest.mark.django_db

ADMIN = f"/t/{TENANT_A}/admin/report"


@pytest.fixture
def d1(consume_all):
    consume_all(d1_logs())


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
