"""Migration 0004 chains the entries stored before the chain existed, per terminal in the order they were stored.

Runs the migration's own function on entries made unchained in this test's transaction (the column's NOT NULL is
dropped for the test; PostgreSQL rolls the DDL back with it)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as installed_apps
from django.db import connection

from apps.core.tenancy import tenant_context
from apps.journal.models import JournalChain, JournalEntry
from apps.journal.tests.factories import JournalEntryFactory
from tests.support import TENANT_A, bearer

pytestmark = pytest.mark.django_db

migration = importlib.import_module("apps.journal.migrations.0004_chain_existing_entries")


def test_existing_entries_are_chained_in_the_order_they_were_stored(api, token_a, tenant_a, monkeypatch):
    monkeypatch.setattr(migration, "BATCH", 3)  # several batches of writes
    with tenant_context(TENANT_A):
        for number in (5, 1, 3, 2, 4):  # stored out of number order: journal order is storage order
            JournalEntryFactory(transaction_no=number, receipt_no=number)
        for number in (1, 2):
            JournalEntryFactory(terminal_no=7, transaction_no=number, receipt_no=number)
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE journal_journalentry ALTER COLUMN chain_seq DROP NOT NULL, "
                           "ALTER COLUMN chain_hash DROP NOT NULL")
            cursor.execute("UPDATE journal_journalentry SET chain_seq = NULL, chain_hash = NULL")
        JournalChain.objects.all().delete()

        migration.chain_existing_entries(installed_apps, None)

        order = list(JournalEntry.objects.filter(terminal_no=5555).order_by("id").values_list("chain_seq", flat=True))
        heads = sorted(JournalChain.objects.values_list("terminal_no", "last_seq"))
    connection.set_schema_to_public()
    assert order == [1, 2, 3, 4, 5] and heads == [(7, 2), (5555, 5)]
    for terminal in (5555, 7):
        response = api.get(f"/journal/api/v1/tenants/{TENANT_A}/stores/5678/terminals/{terminal}/journals/verify",
                           **bearer(token_a))
        data = response.json()["data"]
        assert (data["brokenAt"], data["gaps"]) == (None, [])
    assert data["verified"] == 2
