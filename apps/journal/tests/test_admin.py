"""Back office: the journal is browsable and searchable, never editable."""

import pytest
from django.db import connection
from django.test import Client

from apps.core.tenancy import tenant_context
from apps.journal.tests.factories import JournalEntryFactory, TranlogPayloadFactory
from tests.support import TENANT_A

pytestmark = pytest.mark.django_db

ADMIN = f"/t/{TENANT_A}/admin/journal/journalentry/"


@pytest.fixture
def manager(admin_a) -> Client:
    client = Client()
    response = client.post(f"/t/{TENANT_A}/admin/login/", {"username": "admin", "password": "admin"})
    assert response.status_code == 302
    return client


@pytest.fixture
def journal():
    with tenant_context(TENANT_A):
        sale = JournalEntryFactory(transaction_no=1001, journal_text=TranlogPayloadFactory(
            transaction_no=1001, receipt_no=2001)["journal_text"])
        JournalEntryFactory(transaction_no=1002, transaction_type=-101)
        JournalEntryFactory(transaction_no=None, receipt_no=None, transaction_type=401, terminal_no=6666,
                            business_date="20250111")
    connection.set_schema_to_public()
    return sale


def rows(response) -> int:
    return response.context["cl"].result_count


def test_changelist_lists_entries_with_their_keys(manager, journal):
    response = manager.get(ADMIN)
    assert response.status_code == 200
    html = response.content.decode()
    for header in ("Store code", "Terminal no", "Type", "Receipt no", "Generate date time"):
        assert header in html
    assert "2001" in html and "Cancelled sale<" in html and "Cash in" in html
    assert "Cancelled sales" not in html and "Normal sales" not in html  # one name per type, the core one


@pytest.mark.parametrize(
    ("term", "count"),
    [("2001", 1), ("6666", 1), ("-101", 1), ("401", 1), ("20250110", 2), ("202501", 3), ("nothing", 0)],
)
def test_search_by_receipt_terminal_type_or_date(manager, journal, term, count):
    response = manager.get(ADMIN, {"q": term})
    assert response.status_code == 200
    assert rows(response) == count


def test_filters_answer(manager, journal):
    assert rows(manager.get(ADMIN, {"transaction_type__exact": "-101"})) == 1
    assert rows(manager.get(ADMIN, {"terminal_no": "6666"})) == 1
    assert rows(manager.get(ADMIN, {"transaction_type__exact": "x"})) == 0  # a bad value lists nothing, no error


def test_change_page_shows_the_journal_as_printed_and_read_only(manager, journal):
    response = manager.get(f"{ADMIN}{journal.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<pre" in html and "【 領 収 証 】" in html and "レシートNo. 2001" in html
    assert 'name="_save"' not in html  # nothing to save


def test_entries_cannot_be_added_changed_or_deleted(manager, journal):
    assert manager.get(f"{ADMIN}add/").status_code == 403
    assert manager.get(f"{ADMIN}{journal.pk}/delete/").status_code == 403
    response = manager.post(f"{ADMIN}{journal.pk}/change/", {"journal_text": "forged"})
    assert response.status_code == 403
    with tenant_context(TENANT_A):
        journal.refresh_from_db()
    connection.set_schema_to_public()
    assert "forged" not in journal.journal_text
