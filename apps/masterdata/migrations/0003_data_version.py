# The tenant's data version (apps.core.cache) moves here from the cart app: it versions master data and stores.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('masterdata', '0002_prices_not_negative'),
    ]

    operations = [
        migrations.CreateModel(
            name='DataVersion',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('version', models.BigIntegerField()),
            ],
        ),
        # Versions come from a sequence: never handed out twice, also not after a rollback or within one
        # transaction (the test suite runs a whole test in one). cart's migration 0008 carries the old one on.
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS masterdata_dataversion_seq",
            "DROP SEQUENCE IF EXISTS masterdata_dataversion_seq",
        ),
    ]
