"""Migrate the public schema, the tenant template schema and every tenant schema, in that order.

Tenant schemas are migrated by ``--jobs`` processes at once (default: one per core), each schema only read when
it is already current (``apps.core.tenant_migrations``, issue #26).
"""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name

from apps.core.models import Tenant
from apps.core.tenancy import ensure_template_schema
from apps.core.tenant_migrations import migrate_tenant_schemas


class Command(BaseCommand):
    help = "Migrate shared and tenant schemas (and the template new tenants are cloned from)."

    def add_arguments(self, parser):
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                            help="tenant schemas migrated at once, one process each (default: the number of cores)")

    def handle(self, *args, **options):
        verbosity = options.get("verbosity", 1)
        jobs = options["jobs"]
        if jobs < 1:
            raise CommandError("--jobs must be at least 1")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        ensure_template_schema()
        schema_names = list(
            Tenant.objects.exclude(schema_name=get_public_schema_name())
            .order_by("schema_name").values_list("schema_name", flat=True)
        )

        def progress(result):
            if result.error:
                self.stderr.write(f"[{result.schema_name}] failed:\n{result.error}")
            elif result.applied and verbosity >= 1:
                self.stdout.write(f"[{result.schema_name}] applied {', '.join(result.applied)}"
                                  f" in {result.seconds * 1000:.0f} ms")

        summary = migrate_tenant_schemas(schema_names, jobs=jobs, progress=progress)
        if summary.failed:
            raise CommandError(
                f"{len(summary.failed)} of {summary.schemas} tenant schemas failed to migrate: "
                + ", ".join(result.schema_name for result in summary.failed)
            )
        self.stdout.write(self.style.SUCCESS(
            f"schemas migrated: {summary.schemas} tenant schemas ({summary.migrated} migrated, {summary.current}"
            f" already current) by {summary.jobs} processes in {summary.seconds:.1f} s"
        ))
