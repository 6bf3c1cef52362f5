"""The processed marker is keyed by tenant too (issue #20): one tenant's event id never drops another's event.

Markers already written take their tenant from the delivery record of the same event id (event ids of our own
outbox are unique); a marker of a log received over HTTP with no record of ours keeps an empty tenant.
"""

from django.db import migrations, models

BACKFILL = """
UPDATE core_consumedevent AS marker SET tenant_id = record.tenant_id
FROM core_eventrecord AS record WHERE record.event_id = marker.event_id
"""


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_payload_read_by_orjson"),
    ]

    operations = [
        migrations.AddField(
            model_name="consumedevent",
            name="tenant_id",
            field=models.CharField(default="", max_length=50),
            preserve_default=False,
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RemoveConstraint(model_name="consumedevent", name="core_consumedevent_unique"),
        migrations.AddConstraint(
            model_name="consumedevent",
            constraint=models.UniqueConstraint(
                fields=("tenant_id", "consumer", "event_id"), name="core_consumedevent_tenant_unique"
            ),
        ),
    ]
