"""Seed the demo tenant (idempotent): every app's registered seeder, in order."""

from django.core.management.base import BaseCommand
from django.db import connection

from apps.core import tenancy
from apps.core.seed import DEMO_TENANT_ID, seeders


class Command(BaseCommand):
    help = "Create or refresh the demo tenant and its data."

    def handle(self, *args, **options):
        tenancy.tenant_ensure(tenant_id=DEMO_TENANT_ID)
        lines: list[str] = []
        for seeder in seeders():
            with tenancy.tenant_context(DEMO_TENANT_ID):
                lines.extend(seeder.run(DEMO_TENANT_ID))
        connection.set_schema_to_public()
        for line in lines:
            self.stdout.write(line)
