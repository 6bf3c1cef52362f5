"""Master-data names for reports, read through ``apps.masterdata.selectors`` (a lower layer).

A failing lookup never fails a report: the callers fall back to the codes (spec/40 §3.5-§3.7).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

logger = logging.getLogger(__name__)


def category_names(codes: Iterable[str | None]) -> dict[str, str]:
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    try:
        from apps.masterdata.selectors import categories_map

        with transaction.atomic():  # a failed lookup must not poison the caller's transaction
            return {code: info.description for code, info in categories_map(category_codes=wanted).items()}
    except Exception:  # noqa: BLE001 - names are decoration; the report falls back to the codes
        logger.exception("category names not available")
        return {}


def item_names(codes: Iterable[str | None]) -> dict[str, str]:
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    try:
        from apps.masterdata.selectors import items_descriptions

        with transaction.atomic():
            return dict(items_descriptions(item_codes=wanted))
    except Exception:  # noqa: BLE001
        logger.exception("item names not available")
        return {}


def payment_master_names() -> dict[str, str] | None:
    """``{code: description}`` of the payment master; None when the lookup fails (then the defaults apply)."""
    try:
        from apps.masterdata.selectors import payment_methods_all

        with transaction.atomic():
            return {method.payment_code: method.description for method in payment_methods_all()}
    except Exception:  # noqa: BLE001
        logger.exception("payment master not available")
        return None
