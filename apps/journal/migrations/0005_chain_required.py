"""Every entry has its place in its terminal's chain (issue #24), and no place is taken twice."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('journal', '0004_chain_existing_entries'),
    ]

    operations = [
        migrations.AlterField(
            model_name='journalentry',
            name='chain_seq',
            field=models.BigIntegerField(editable=False),
        ),
        migrations.AlterField(
            model_name='journalentry',
            name='chain_hash',
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AddConstraint(
            model_name='journalentry',
            constraint=models.UniqueConstraint(fields=('store_code', 'terminal_no', 'chain_seq'), name='journal_entry_chain_position'),
        ),
    ]
