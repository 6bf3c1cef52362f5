"""Chain the entries stored before the hash chain existed (issue #24), per terminal in journal order: the order
they were stored in (``id``). Runs in every tenant schema; streams the entries and writes them back in batches."""

from django.db import migrations

from apps.journal.chain import CHAINED_FIELDS, GENESIS_HASH, chain_hash

BATCH = 2000


def chain_existing_entries(apps, schema_editor):
    JournalEntry = apps.get_model('journal', 'JournalEntry')
    JournalChain = apps.get_model('journal', 'JournalChain')
    heads = {}  # (store_code, terminal_no) -> [last_seq, last_hash]
    pending = []
    entries = JournalEntry.objects.filter(chain_seq__isnull=True).order_by('store_code', 'terminal_no', 'id')
    for entry in entries.iterator(chunk_size=BATCH):
        head = heads.setdefault((entry.store_code, entry.terminal_no), [0, GENESIS_HASH])
        entry.chain_seq = head[0] + 1
        values = {name: getattr(entry, name) for name in CHAINED_FIELDS}
        entry.chain_hash = chain_hash(head[1], values)
        head[0], head[1] = entry.chain_seq, entry.chain_hash
        pending.append(entry)
        if len(pending) >= BATCH:
            JournalEntry.objects.bulk_update(pending, ['chain_seq', 'chain_hash'])
            pending.clear()
    if pending:
        JournalEntry.objects.bulk_update(pending, ['chain_seq', 'chain_hash'])
    JournalChain.objects.bulk_create(
        [
            JournalChain(store_code=store_code, terminal_no=terminal_no, last_seq=seq, last_hash=last_hash)
            for (store_code, terminal_no), (seq, last_hash) in heads.items()
        ],
        batch_size=BATCH,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('journal', '0003_journal_chain'),
    ]

    operations = [
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop, elidable=False),
    ]
