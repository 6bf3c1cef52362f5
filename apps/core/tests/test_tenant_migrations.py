"""``migrate_platform``'s tenant part (issue #26): schemas migrated by several processes, each schema's plan applied
from a shared project state, schemas already current only read."""

import shutil
import sys

import pytest
from django.db import connection

from apps.core import tenancy
from apps.core.tenant_migrations import migrate_tenant_schemas
from tests.support import TENANT_A, TENANT_B

pytestmark = pytest.mark.django_db(transaction=True)

PROBE = '''
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("journal", "{leaf}")]
    operations = [
        migrations.RunSQL("CREATE TABLE journal_migration_probe (id integer)", "DROP TABLE journal_migration_probe"),
    ]
'''


@pytest.fixture
def probe_migration(tmp_path, settings):
    """The journal app's migrations plus one new one, in a package of the test's own."""
    from pathlib import Path

    import apps.journal.migrations as shipped

    package = tmp_path / "journal_probe_migrations"
    shutil.copytree(Path(shipped.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    leaf = sorted(path.stem for path in package.glob("0*.py"))[-1]
    (package / "9999_migration_probe.py").write_text(PROBE.format(leaf=leaf))
    sys.path.insert(0, str(tmp_path))
    settings.MIGRATION_MODULES = {"journal": "journal_probe_migrations"}
    schemas = [tenancy.schema_name_for(TENANT_A), tenancy.schema_name_for(TENANT_B)]
    try:
        yield schemas
    finally:
        sys.path.remove(str(tmp_path))
        for name in [module for module in sys.modules if module.startswith("journal_probe_migrations")]:
            del sys.modules[name]
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            for schema in schemas:
                cursor.execute(f'DROP TABLE IF EXISTS "{schema}".journal_migration_probe')
                cursor.execute(f'DELETE FROM "{schema}".django_migrations WHERE name = %s', ["9999_migration_probe"])


def probe_state(schema: str) -> tuple[bool, int]:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'"{schema}".journal_migration_probe'])
        table = cursor.fetchone()[0]
        cursor.execute(f'SELECT count(*) FROM "{schema}".django_migrations WHERE name = %s', ["9999_migration_probe"])
        return table, cursor.fetchone()[0]


def test_a_new_migration_is_applied_to_every_schema_by_two_processes_and_then_found_current(probe_migration):
    seen = []
    summary = migrate_tenant_schemas(probe_migration, jobs=2, progress=seen.append)
    assert summary.failed == [] and (summary.migrated, summary.current, summary.jobs) == (2, 0, 2)
    assert sorted(result.schema_name for result in seen) == sorted(probe_migration)
    assert all(result.applied == ["journal.9999_migration_probe"] for result in seen)
    for schema in probe_migration:
        assert probe_state(schema) == (True, 1)

    again = migrate_tenant_schemas(probe_migration, jobs=1)
    assert again.failed == [] and (again.migrated, again.current) == (0, 2)
    for schema in probe_migration:
        assert probe_state(schema) == (True, 1)


def test_a_schema_that_fails_is_reported_and_the_others_are_still_migrated(probe_migration):
    broken, healthy = probe_migration
    connection.set_schema_to_public()
    with connection.cursor() as cursor:  # the migration's table is in the way in one schema
        cursor.execute(f'CREATE TABLE "{broken}".journal_migration_probe (id integer)')
    summary = migrate_tenant_schemas(probe_migration, jobs=2)
    assert [result.schema_name for result in summary.failed] == [broken]
    assert "journal_migration_probe" in summary.failed[0].error
    assert summary.migrated == 1
    assert probe_state(healthy) == (True, 1)
    assert probe_state(broken) == (True, 0)  # nothing recorded where it failed
