"""Back office: the journal is browsable and searchable, never editable."""

import pytest
from django.db import connection
from django.test import Client

from apps.core.tenancy import tenant_context
from apps.journal.tests.factories import JournalEntryFactory
from tests.log_factories import TranlogFactory
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
        sale = JournalEntryFactory(transaction_no=1001, journal_text=TranlogFactory(
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


# --- verify journal (issue #24) -------------------------------------------------------------------------------
VERIFY = f"{ADMIN}verify/"


def _store_user(username: str, stores: list[str]) -> Client:
    from django.contrib.auth.models import Group

    from apps.account import roles
    from apps.account.models import User

    with tenant_context(TENANT_A):
        user = User.objects.create_user(username, "pass-word-1", tenant_id=TENANT_A, is_staff=True, stores=stores)
        user.groups.add(Group.objects.get(name=roles.CLERK))
    connection.set_schema_to_public()
    client = Client()
    login = {"username": username, "password": "pass-word-1"}
    assert client.post(f"/t/{TENANT_A}/admin/login/", login).status_code == 302
    return client


def test_the_journal_list_links_to_the_verify_page(manager, journal):
    html = manager.get(ADMIN).content.decode()
    assert 'id="verify-journal"' in html and "verify/" in html


def test_verify_page_checks_each_terminal_of_the_store(manager, journal):
    assert manager.get(VERIFY).context["results"] is None  # the form only, until a store is chosen
    response = manager.get(VERIFY, {"store_code": "5678"})
    assert response.status_code == 200
    rows = {row.terminal_no: row for row in response.context["results"]}
    assert set(rows) == {5555, 6666}
    assert rows[5555].verified == "2" and rows[5555].is_intact and rows[5555].broken_at is None
    assert response.context["problems"] == 0
    assert "are intact" in response.content.decode()


def test_verify_page_names_a_changed_entry_and_the_missing_numbers(manager, journal):
    with tenant_context(TENANT_A), connection.cursor() as cursor:
        cursor.execute("UPDATE journal_journalentry SET amount = 1 WHERE transaction_no = 1002")
        for number in (1003, 1005):
            JournalEntryFactory(transaction_no=number, generate_date_time=f"2025-01-10T13:00:0{number % 10}+09:00")
    connection.set_schema_to_public()
    response = manager.get(VERIFY, {"store_code": "5678", "date_from": "2025-01-10", "date_to": "2025-01-10"})
    row = {row.terminal_no: row for row in response.context["results"]}[5555]
    assert not row.is_intact and row.verified == "4"
    assert (row.broken_at["seq"], row.broken_at["transaction_no"], row.broken_at["receipt_no"]) == (2, 1002, 2002)
    assert row.gaps == ["Transaction no. 1004", "Receipt no. 2004"]
    html = response.content.decode()
    assert "Problems found on 1 terminal" in html and "The entry was changed after it was stored." in html


def test_verify_page_in_japanese(manager, journal):
    with tenant_context(TENANT_A), connection.cursor() as cursor:
        cursor.execute("DELETE FROM journal_journalentry WHERE transaction_no = 1001")
    connection.set_schema_to_public()
    response = manager.get(VERIFY, {"store_code": "5678"}, HTTP_ACCEPT_LANGUAGE="ja")
    html = response.content.decode()
    assert "ジャーナル検証" in html and "直前のエントリーがありません。" in html


def test_verify_page_offers_only_the_users_stores(journal):
    with tenant_context(TENANT_A):
        JournalEntryFactory(store_code="9999", terminal_no=1)
    connection.set_schema_to_public()
    clerk = _store_user("clerk9999", ["9999"])
    response = clerk.get(VERIFY)
    assert [code for code, _ in response.context["form"].fields["store_code"].choices] == ["9999"]
    refused = clerk.get(VERIFY, {"store_code": "5678"})
    assert refused.status_code == 200 and refused.context["results"] is None and refused.context["form"].errors


def test_verify_page_refuses_dates_in_the_wrong_order(manager, journal):
    response = manager.get(VERIFY, {"store_code": "5678", "date_from": "2025-01-11", "date_to": "2025-01-10"})
    assert response.context["results"] is None and response.context["form"].errors
