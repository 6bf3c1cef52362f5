"""Migrate the public schema, the tenant template schema and every tenant schema, in that order."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.core.tenancy import ensure_template_schema


class Command(BaseCommand):
    help = "Migrate shared and tenant schemas (and the template new tenants are cloned from)."

    def handle(self, *args, **options):
        verbosity = options.get("verbosity", 1)
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        ensure_template_schema()
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)
        self.stdout.write(self.style.SUCCESS("schemas migrated"))
