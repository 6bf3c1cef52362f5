"""The INSERT builder (``apps.core.sql``): names from ``_meta``, named conflict targets, one build per process."""

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.core import sql
from apps.core.models import ApiKeyIndex, ConsumedEvent, EventDelivery, EventRecord, FailureCounter, Tenant
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A


def test_a_multi_row_insert_names_quoted_columns_and_one_placeholder_per_value():
    assert sql.insert(ConsumedEvent, ("tenant_id", "consumer", "event_id", "processed_at"), rows=2) == (
        'INSERT INTO "core_consumedevent" ("tenant_id", "consumer", "event_id", "processed_at") '
        "VALUES (%s, %s, %s, %s), (%s, %s, %s, %s)"
    )


def test_a_named_constraint_becomes_its_columns_and_a_skip():
    statement = sql.insert(
        ConsumedEvent, ("tenant_id", "consumer", "event_id", "processed_at"),
        conflict="core_consumedevent_tenant_unique", returning=("consumer",),
    )
    assert statement.endswith(
        'ON CONFLICT ("tenant_id", "consumer", "event_id") DO NOTHING RETURNING "consumer"'
    )


def test_an_upsert_sets_excluded_values_and_expressions_on_an_aliased_schema_qualified_table():
    statement = sql.insert(
        FailureCounter, ("key_hash", "failures"), alias="c", schema="public", conflict="key_hash",
        update=("failures", ("window_started_at", "c.window_started_at")), where="c.failures < 9",
    )
    assert statement == (
        'INSERT INTO "public"."core_failurecounter" AS c ("key_hash", "failures") VALUES (%s, %s) '
        'ON CONFLICT ("key_hash") DO UPDATE SET "failures" = EXCLUDED."failures", '
        '"window_started_at" = c.window_started_at WHERE c.failures < 9'
    )


def test_foreign_keys_go_by_name_or_attname_and_pk_is_the_primary_key():
    by_name = sql.insert(EventDelivery, ("record", "service_name"), source="SELECT 1, 'x'", returning=("pk",))
    by_attname = sql.insert(EventDelivery, ("record_id", "service_name"), source="SELECT 1, 'x'", returning=("pk",))
    assert by_name == by_attname == (
        'INSERT INTO "core_eventdelivery" ("record_id", "service_name") SELECT 1, \'x\' RETURNING "id"'
    )
    assert sql.conflict_columns(EventRecord, "pk") == ("id",)
    assert sql.conflict_columns(EventRecord, "event_id") == ("event_id",)


@pytest.mark.parametrize(
    ("model", "target", "message"),
    [
        (EventRecord, "no_such_constraint", "no unique key named"),
        (EventRecord, "tenant_id", "is not unique"),
        (Tenant, "core_tenant_tenant_id_ci_unique", "partial or over expressions"),
    ],
)
def test_a_conflict_target_must_be_a_unique_key_of_the_model(model, target, message):
    with pytest.raises(ValueError, match=message):
        sql.insert(model, ("tenant_id",), conflict=target)


def test_a_field_the_model_lacks_fails_the_build():
    with pytest.raises(FieldDoesNotExist):
        sql.insert(ConsumedEvent, ("tenant_id", "service"))


def test_an_update_needs_a_target():
    with pytest.raises(ValueError, match="conflict target"):
        sql.insert(ConsumedEvent, ("consumer",), update=("consumer",))


def test_a_statement_is_built_once_per_process():
    arguments = (ApiKeyIndex, ("key_hash", "tenant_id", "terminal_id"))
    assert sql.insert(*arguments, conflict="key_hash") is sql.insert(*arguments, conflict="key_hash")


def test_insert_values_are_the_fields_save_writes_in_their_order():
    now = timezone.now()
    fields, values = sql.insert_values(ConsumedEvent(tenant_id="T", consumer="report", event_id="e", processed_at=now))
    assert fields == ("tenant_id", "consumer", "event_id", "processed_at")
    assert values[:3] == ["T", "report", "e"]


@pytest.mark.django_db
def test_a_targeted_skip_skips_its_own_key_and_raises_on_another():
    """ON CONFLICT (tenant_id, consumer, event_id) DO NOTHING: a repeat of the key is skipped; a clash on the
    primary key is a different unique violation and raises (an untargeted DO NOTHING would swallow it)."""
    statement = sql.insert(
        ConsumedEvent, ("id", "tenant_id", "consumer", "event_id", "processed_at"),
        conflict="core_consumedevent_tenant_unique", returning=("consumer",),
    )
    now = timezone.now()
    with tenant_context(TENANT_A), connection.cursor() as cursor:
        first = ConsumedEvent.objects.create(tenant_id=TENANT_A, consumer="report", event_id="e1", processed_at=now)
        cursor.execute(statement, [first.pk + 1000, TENANT_A, "report", "e1", now])
        assert cursor.fetchall() == []
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute(statement, [first.pk, TENANT_A, "journal", "e2", now])
        assert list(ConsumedEvent.objects.values_list("consumer", "event_id")) == [("report", "e1")]
