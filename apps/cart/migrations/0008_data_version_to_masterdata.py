# The tenant's data version moves to masterdata (masterdata 0003): its row and its sequence carry on there, so a
# version is never handed out twice across the move (a process's cache keyed by an old version never matches).

from django.db import migrations

FORWARD = """
INSERT INTO masterdata_dataversion (id, version) SELECT id, version FROM cart_cacheversion
ON CONFLICT (id) DO UPDATE SET version = GREATEST(masterdata_dataversion.version, EXCLUDED.version);
SELECT setval('masterdata_dataversion_seq', GREATEST(
    nextval('cart_cacheversion_seq'), nextval('masterdata_dataversion_seq'),
    (SELECT coalesce(max(version), 1) FROM masterdata_dataversion)));
DROP SEQUENCE cart_cacheversion_seq;
"""
BACKWARD = """
CREATE SEQUENCE IF NOT EXISTS cart_cacheversion_seq;
SELECT setval('cart_cacheversion_seq', nextval('masterdata_dataversion_seq'));
INSERT INTO cart_cacheversion (id, version) SELECT id, version FROM masterdata_dataversion;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('cart', '0007_translatable_labels'),
        ('masterdata', '0003_data_version'),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.DeleteModel(name='CacheVersion'),
    ]
