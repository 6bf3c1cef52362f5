"""A new tenant's schema is a copy of the template in one batch of statements (issue #26): the same tables,
columns, constraints and indexes under the same names, the template's rows with their identity sequences moved
past them, the template's migration records, and nothing faked or migrated for it."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import schema_clone, tenancy

pytestmark = pytest.mark.django_db


def catalogue(schema: str) -> dict:
    """Everything about a schema's definition that must not depend on its name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,"
            " pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            " WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped",
            [schema],
        )
        columns = sorted(cursor.fetchall())
        cursor.execute(
            "SELECT cl.relname, con.conname, con.contype, con.condeferrable, con.condeferred,"
            " replace(pg_get_constraintdef(con.oid), %s || '.', '')"
            " FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid"
            " WHERE cl.relnamespace = %s::regnamespace AND con.contype <> 'c'",
            [schema, schema],
        )
        constraints = sorted(cursor.fetchall())
        cursor.execute(
            "SELECT cl.relname, con.conname FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid"
            " WHERE cl.relnamespace = %s::regnamespace AND con.contype = 'c'",
            [schema],
        )
        checks = sorted(cursor.fetchall())
        cursor.execute(
            "SELECT indexname, replace(indexdef, %s || '.', '') FROM pg_indexes WHERE schemaname = %s", [schema, schema]
        )
        indexes = sorted(cursor.fetchall())
        cursor.execute("SELECT sequencename, data_type, start_value FROM pg_sequences WHERE schemaname = %s", [schema])
        sequences = sorted(cursor.fetchall())
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        migrations = sorted(cursor.fetchall())
        cursor.execute(f'SELECT app_label, model FROM "{schema}".django_content_type')
        content_types = sorted(cursor.fetchall())
    return {"columns": columns, "constraints": constraints, "checks": checks, "indexes": indexes,
            "sequences": sequences, "migrations": migrations, "content_types": content_types}


def test_a_new_schema_is_the_template_under_another_name_without_running_a_migration():
    base = settings.TENANT_BASE_SCHEMA
    tenancy.tenant_create(tenant_id="Clone_1")  # the template is current and its script cached from here on
    with CaptureQueriesContext(connection) as captured:
        tenancy.tenant_create(tenant_id="Clone_2")
    statements = [query["sql"] for query in captured.captured_queries]
    assert not any("django_migrations" in sql and sql.lstrip().upper().startswith("INSERT") for sql in statements)
    assert not any("clone_schema(" in sql for sql in statements)  # not django-tenants' PL/pgSQL clone
    template, copy = catalogue(base), catalogue("t_clone_2")
    assert copy == template
    assert len(copy["migrations"]) > 40 and len(copy["indexes"]) > 100
    # unique constraints keep their migration names (django-tenants' clone renamed them to PostgreSQL's defaults,
    # so a later RemoveConstraint by name would have failed on every cloned tenant)
    assert ("masterdata_item", "masterdata_item_code_unique", "u") in {c[:3] for c in copy["constraints"]}


def test_copied_rows_keep_their_ids_and_new_rows_are_numbered_after_them():
    tenancy.tenant_create(tenant_id="Clone_3")
    with tenancy.tenant_context("Clone_3"), connection.cursor() as cursor:
        cursor.execute("SELECT max(id), count(*) FROM django_content_type")
        top, count = cursor.fetchone()
        assert count > 10
        cursor.execute("INSERT INTO django_content_type (app_label, model) VALUES ('clone', 'probe') RETURNING id")
        assert cursor.fetchone()[0] > top
        cursor.execute("INSERT INTO terminal_tenantinfo (tenant_id, tenant_name, tags, created_at)"
                       " VALUES ('Clone_3', 'x', '[]', now()) RETURNING id")
        assert cursor.fetchone()[0] == 1  # an empty table's identity starts at 1, as in a migrated schema
        # a foreign key of the copy points into the copy, not into the template
        cursor.execute("INSERT INTO auth_permission (name, content_type_id, codename)"
                       " SELECT 'p', max(id), 'clone_probe' FROM django_content_type RETURNING content_type_id")
        assert cursor.fetchone()[0] > top


def test_a_template_holding_what_the_script_cannot_copy_is_cloned_by_django_tenants():
    base = settings.TENANT_BASE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE VIEW "{base}".clone_probe_view AS SELECT 1 AS one')
    try:
        schema_clone.clone_scripts_clear()
        assert schema_clone.build_script(base) is None
        assert schema_clone.clone_template(base, "t_clone_refused") is False
        tenancy.tenant_create(tenant_id="Clone_4")  # django-tenants' clone: the view comes along
        with connection.cursor() as cursor:
            cursor.execute("SELECT one FROM t_clone_4.clone_probe_view")
            assert cursor.fetchone() == (1,)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP VIEW "{base}".clone_probe_view')
        schema_clone.clone_scripts_clear()
