"""A new tenant schema as a copy of the migrated template schema, in one batch of statements (issue #26).

django-tenants clones the template with a general-purpose PL/pgSQL function (``clone_schema``) that looks every
table, sequence, index and constraint up in the catalogue one by one, and then runs a (faked) ``migrate_schemas``
on the copy: together ~0.8 s per tenant on this machine, most of a tenant's creation. The template only holds
what migrations make (tables with identity columns, indexes, constraints, a few rows: migration records,
content types, permissions, roles), so here its definition is read from the catalogue once per template version
and replayed for every new schema as one script:

1. ``CREATE TABLE new.t (LIKE template.t INCLUDING ALL EXCLUDING INDEXES EXCLUDING CONSTRAINTS)`` — columns,
   defaults, identity (a new sequence of the new schema's own), storage, comments;
2. the template's rows copied into the tables that have any (and their identity sequences moved past them);
3. primary keys, unique, check and exclusion constraints and every other index under their template names
   (later migrations find indexes and constraints by name);
4. foreign keys, pointing at the new schema's tables.

The migration records come with the rows, so no migration (not even a faked one) runs for the copy: the template
is migrated to this process's code before its first clone (``tenancy._template_ready``). A template holding
anything the script does not copy (views, functions, triggers, rules, policies, a default that is not a
constant) is cloned by django-tenants' function instead, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection

_PLACEHOLDER = "\x00schema\x00"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class CloneScript:
    version: tuple
    statements: tuple[str, ...]

    def for_schema(self, schema_name: str) -> str:
        target = quote(schema_name)
        return ";\n".join(statement.replace(_PLACEHOLDER, target) for statement in self.statements) + ";"


_scripts: dict[str, CloneScript] = {}


def template_version(cursor, base: str) -> tuple:
    """Changes whenever a migration is recorded in the template or its relations change."""
    cursor.execute(
        f"SELECT (SELECT count(*) FROM {quote(base)}.django_migrations),"
        f" (SELECT max(id) FROM {quote(base)}.django_migrations),"
        " (SELECT count(*) FROM pg_class WHERE relnamespace = %s::regnamespace)",
        [quote(base)],
    )
    return tuple(cursor.fetchone())


def _unsupported(cursor, base: str) -> str | None:
    """What the script cannot copy, if the template has any of it."""
    checks = {
        "views, partitioned tables or other relations": (
            "SELECT count(*) FROM pg_class c WHERE c.relnamespace = %(ns)s::regnamespace"
            " AND c.relkind NOT IN ('r', 'i', 'S')"
        ),
        "sequences owned by a column": (
            "SELECT count(*) FROM pg_class c JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid"
            " WHERE c.relnamespace = %(ns)s::regnamespace AND c.relkind = 'S' AND d.deptype = 'a'"
        ),
        "functions": "SELECT count(*) FROM pg_proc WHERE pronamespace = %(ns)s::regnamespace",
        "triggers": (
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE c.relnamespace = %(ns)s::regnamespace AND NOT t.tgisinternal"
        ),
        "rules": "SELECT count(*) FROM pg_rules WHERE schemaname = %(name)s",
        "policies": "SELECT count(*) FROM pg_policies WHERE schemaname = %(name)s",
        "types": (
            "SELECT count(*) FROM pg_type t WHERE t.typnamespace = %(ns)s::regnamespace AND t.typrelid = 0"
            " AND t.typelem = 0"
        ),
        "defaults that use a sequence or name the template": (
            "SELECT count(*) FROM pg_attrdef ad JOIN pg_class c ON c.oid = ad.adrelid"
            " WHERE c.relnamespace = %(ns)s::regnamespace AND (strpos(pg_get_expr(ad.adbin, ad.adrelid), 'nextval') > 0"
            " OR strpos(pg_get_expr(ad.adbin, ad.adrelid), %(name)s || '.') > 0)"
        ),
        "generated columns": (
            "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " WHERE c.relnamespace = %(ns)s::regnamespace AND a.attgenerated <> '' AND NOT a.attisdropped"
        ),
    }
    for what, sql in checks.items():
        cursor.execute(sql, {"ns": quote(base), "name": base})
        if cursor.fetchone()[0]:
            return what
    return None


def build_script(base: str) -> CloneScript | None:
    """The template's clone script, or None when the template holds something it cannot copy."""
    with connection.cursor() as cursor:
        version = template_version(cursor, base)
        if _unsupported(cursor, base):
            return None
        # Definitions are read with the template outside the search path, so every name in them is qualified
        # ("tenant_template.t") and can be pointed at the new schema.
        cursor.execute("SELECT current_setting('search_path')")
        path = cursor.fetchone()[0]
        if any(part.strip().strip('"') == base for part in path.split(",")):
            return None
        cursor.execute(
            "SELECT c.oid, c.relname FROM pg_class c WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r'"
            " ORDER BY c.relname",
            [quote(base)],
        )
        tables = cursor.fetchall()
        if not tables:
            return None
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT {index} WHERE EXISTS (SELECT 1 FROM {quote(base)}.{quote(name)})"
                for index, (_, name) in enumerate(tables)
            )
        )
        with_rows = [tables[row[0]] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT cl.relname, con.conname, con.contype, pg_get_constraintdef(con.oid), con.conindid"
            " FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid"
            " WHERE cl.relnamespace = %s::regnamespace AND con.contype IN ('p', 'u', 'c', 'x', 'f')"
            " ORDER BY con.contype = 'f', cl.relname, con.conname",
            [quote(base)],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
            " WHERE c.relnamespace = %s::regnamespace ORDER BY 2",
            [quote(base)],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT s.sequencename, s.data_type, s.increment_by, s.min_value, s.max_value, s.start_value,"
            " s.cache_size, s.cycle FROM pg_sequences s JOIN pg_class c ON c.relname = s.sequencename"
            " AND c.relnamespace = %s::regnamespace WHERE s.schemaname = %s AND NOT EXISTS (SELECT 1 FROM pg_depend d"
            " WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('i', 'a'))",
            [quote(base), base],
        )
        sequences = cursor.fetchall()
        # Identity columns and their sequences. LIKE gives every new identity sequence the type bigint, whatever the
        # column's: a sequence of another type (an integer column's) is given the template's type again.
        cursor.execute(
            "SELECT c.relname, a.attname, format_type(s.seqtypid, NULL), format_type(a.atttypid, NULL)"
            " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid"
            "  AND d.refobjsubid = a.attnum AND d.deptype = 'i' AND d.classid = 'pg_class'::regclass"
            " JOIN pg_sequence s ON s.seqrelid = d.objid"
            " WHERE c.relnamespace = %s::regnamespace AND a.attidentity <> '' AND NOT a.attisdropped",
            [quote(base)],
        )
        identities: dict[str, list[str]] = {}
        retyped: list[tuple[str, str, str]] = []
        for table, column, sequence_type, _column_type in cursor.fetchall():
            identities.setdefault(table, []).append(column)
            if sequence_type != "bigint":
                retyped.append((table, column, sequence_type))

    qualified = re.compile(r"(?<![\w\"])" + re.escape(quote(base) if not re.fullmatch(r"[a-z_][a-z0-9_$]*", base)
                                                      else base) + r"\.")

    def retarget(definition: str) -> str:
        return qualified.sub(lambda _: _PLACEHOLDER + ".", definition)

    statements = [f"CREATE SCHEMA {_PLACEHOLDER}"]
    # Sequences of their own (not an identity column's) start afresh, as in a schema migrated from scratch.
    for name, data_type, increment, minimum, maximum, start, cache, cycle in sequences:
        statements.append(
            f"CREATE SEQUENCE {_PLACEHOLDER}.{quote(name)} AS {data_type} INCREMENT BY {int(increment)}"
            f" MINVALUE {int(minimum)} MAXVALUE {int(maximum)} START WITH {int(start)} CACHE {int(cache)}"
            f"{' CYCLE' if cycle else ' NO CYCLE'}"
        )
    for _, name in tables:
        statements.append(
            f"CREATE TABLE {_PLACEHOLDER}.{quote(name)} (LIKE {quote(base)}.{quote(name)}"
            " INCLUDING ALL EXCLUDING INDEXES EXCLUDING CONSTRAINTS)"
        )
    for table, column, sequence_type in retyped:
        statements.append(
            f"DO $$BEGIN EXECUTE format('ALTER SEQUENCE %s AS {sequence_type}',"
            f" pg_get_serial_sequence('{_PLACEHOLDER}.{quote(table)}', '{column}')); END$$"
        )
    for _, name in with_rows:
        statements.append(
            f"INSERT INTO {_PLACEHOLDER}.{quote(name)} OVERRIDING SYSTEM VALUE"
            f" SELECT * FROM {quote(base)}.{quote(name)}"
        )
        for column in identities.get(name, []):
            statements.append(
                f"SELECT setval(pg_get_serial_sequence('{_PLACEHOLDER}.{quote(name)}', '{column}'),"
                f" (SELECT max({quote(column)}) FROM {_PLACEHOLDER}.{quote(name)}))"
            )
    constraint_indexes = set()
    for table, name, kind, definition, index_oid in constraints:
        if kind == "f":
            continue
        statements.append(f"ALTER TABLE {_PLACEHOLDER}.{quote(table)} ADD CONSTRAINT {quote(name)} "
                          + retarget(definition))
        if index_oid:
            constraint_indexes.add(index_oid)
    for index_oid, definition in indexes:
        if index_oid not in constraint_indexes:
            statements.append(retarget(definition))
    for table, name, kind, definition, _ in constraints:
        if kind == "f":
            statements.append(f"ALTER TABLE {_PLACEHOLDER}.{quote(table)} ADD CONSTRAINT {quote(name)} "
                              + retarget(definition))
    return CloneScript(version=version, statements=tuple(statements))


def clone_template(base: str, schema_name: str) -> bool:
    """Create ``schema_name`` as a copy of ``base``; False (nothing done) when the template cannot be copied this
    way and django-tenants' clone must do it."""
    with connection.cursor() as cursor:
        version = template_version(cursor, base)
    script = _scripts.get(base)
    if script is None or script.version != version:
        script = build_script(base)
        if script is None:
            _scripts.pop(base, None)
            return False
        _scripts[base] = script
    with connection.cursor() as cursor:
        cursor.execute(script.for_schema(schema_name))
    return True


def clone_scripts_clear() -> None:
    _scripts.clear()
