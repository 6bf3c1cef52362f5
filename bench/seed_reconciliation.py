"""The reconciliation scenario's store-day (issue #24): sales written as the cart writes them, fanned out by the
real consumers.

The daily-report store's 10,000 transactions exist in the report service only (posted to its receiver), so they
cannot be reconciled. This seeds another store (``provision.RECONCILE_STORE``) the way a bill does after its
checks: each sale's transaction row and its outbox record in one database transaction, then the delivery to the
journal, the report and stock through ``apps.core.events`` (Celery eager in this process, so the stack's workers
are not loaded and the figure is not waiting on them). Selling 10,000 carts through the API would take minutes
on the bench machine for the same rows.

Run by the bench driver in a subprocess (outside the clock):
``python -m bench.seed_reconciliation TENANT STORE BUSINESS_DATE TERMINAL_NO COUNT ITEMS_JSON``
"""

from __future__ import annotations

import json
import os
import random
import sys
import uuid
from datetime import datetime, timedelta


def seed(*, tenant_id: str, store_code: str, business_date: str, terminal_no: int, count: int,
         items: list[dict]) -> int:
    from decimal import Decimal

    from django.db import transaction

    from apps.cart.models import Transaction
    from apps.core import events, tenancy

    from .provision import JST, Item, tranlog_payload

    rng = random.Random(24_000 + terminal_no)
    stock_items = [Item(**item) for item in items]
    start = datetime.now(JST).replace(hour=8, minute=0, second=0, microsecond=0)
    with tenancy.tenant_context(tenant_id):
        for transaction_no in range(1, count + 1):
            generated = start + timedelta(seconds=transaction_no * 3, microseconds=terminal_no)
            payload = tranlog_payload(tenant_id=tenant_id, store_code=store_code, terminal_no=terminal_no,
                                      transaction_no=transaction_no, business_date=business_date,
                                      generated=generated, items=stock_items, rng=rng)
            event_id = str(uuid.uuid4())
            with transaction.atomic():
                Transaction.objects.create(
                    store_code=store_code, terminal_no=terminal_no, transaction_no=transaction_no,
                    transaction_type=101, receipt_no=payload["receipt_no"], business_date=business_date,
                    open_counter=1, generate_date_time=generated, is_cancelled=False,
                    total_amount_with_tax=Decimal(str(payload["sales"]["total_amount_with_tax"])),
                    event_id=event_id, document=payload,
                )
                events.event_publish(event_type="tranlog", payload={**payload, "event_id": event_id})
    return count


def main(argv: list[str]) -> None:
    tenant_id, store_code, business_date, terminal_no, count, items = argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kugelpos.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"  # deliver on commit, in this process
    import django

    django.setup()
    done = seed(tenant_id=tenant_id, store_code=store_code, business_date=business_date,
                terminal_no=int(terminal_no), count=int(count), items=json.loads(items))
    print(done)


if __name__ == "__main__":
    main(sys.argv[1:])
