"""The hash chain's columns and head rows (issue #24); filled by 0004, required from 0005."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('journal', '0002_search_index_receipt_nulls_first'),
    ]

    operations = [
        migrations.CreateModel(
            name='JournalChain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('store_code', models.CharField(max_length=100)),
                ('terminal_no', models.BigIntegerField()),
                ('last_seq', models.BigIntegerField(default=0)),
                ('last_hash', models.CharField(max_length=64)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': 'journal chain',
                'verbose_name_plural': 'journal chains',
                'constraints': [models.UniqueConstraint(fields=('store_code', 'terminal_no'), name='journal_chain_terminal')],
            },
        ),
        migrations.AddField(
            model_name='journalentry',
            name='chain_seq',
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='journalentry',
            name='chain_hash',
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
    ]
