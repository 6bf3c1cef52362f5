"""The tenant's data version (``apps.core.cache``), kept with the data it versions: master data and stores.

``MasterdataConfig.ready`` registers ``data_version_bump`` with ``apps.core.cache.set_version_store``; writes to the
watched models (this app's, and the terminal app's stores) call it in their own transaction.
"""

from __future__ import annotations

from django.db import connection

from apps.core import sql
from apps.masterdata.models import DataVersion

SEQUENCE = "masterdata_dataversion_seq"
# A sequence value: never reused, also after a rollback, so no two states of the data share a version.
_BUMP = sql.insert(DataVersion, ("id", "version"), source=f"VALUES (1, nextval('{SEQUENCE}'))", conflict="pk",
                   update=("version",))


def data_version_bump() -> None:
    """Change the current schema's data version, in the current transaction."""
    with connection.cursor() as cursor:
        cursor.execute(_BUMP)
