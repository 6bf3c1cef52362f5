# The cart document becomes a PostgreSQL json column (read and written whole); the tranlog document stays jsonb,
# read and written by orjson (apps.core.fields).

import apps.core.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cart', '0003_cart_revision'),
    ]

    operations = [
        migrations.AlterField(
            model_name='cart',
            name='document',
            field=apps.core.fields.JSONTextField(),
        ),
        migrations.AlterField(
            model_name='transaction',
            name='document',
            field=apps.core.fields.FastJSONField(),
        ),
    ]
