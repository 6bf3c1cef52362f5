"""The reconciliation scenario's store-day (issue #24): sales written as the cart writes them, fanned out by the
real consumers.

The daily-report store's 10,000 transactions exist in the report service only (posted to its receiver), so they
cannot be reconciled. This seeds another store (``provision.RECONCILE_STORE``) with what a bill and its fan-out
leave behind: each sale's transaction row (the document a bill publishes), and the very consumer services the
outbox delivery calls (the journal's, the report's and stock's handlers registered with ``apps.core.registry``), 250
sales per database transaction. The outbox records themselves are left out (the
reconciliation reads only undelivered ones) and stock's live dashboard messages stay in the seeding process.
Selling 10,000 carts through the API, or delivering them one event at a time, takes tens of minutes on the
shared bench machine for the same rows.

Run by the bench driver in a subprocess (outside the clock):
``python -m bench.seed_reconciliation TENANT STORE BUSINESS_DATE TERMINALS COUNT ITEMS_JSON``
"""

from __future__ import annotations

import json
import os
import random
import sys
import uuid
from datetime import datetime, timedelta


def seed(*, tenant_id: str, store_code: str, business_date: str, terminals: int, count: int,
         items: list[dict], batch: int = 250) -> int:
    """``count`` sales over ``terminals`` terminals (one session each), in one process: two seeding transactions
    running at once would lock stock rows in different orders (a batch holds many sales' rows)."""
    from decimal import Decimal

    from django.db import transaction

    from apps.cart.models import Transaction
    from apps.core import registry, tenancy

    from .provision import JST, Item, tranlog_payload

    rng = random.Random(24_000)
    stock_items = [Item(**item) for item in items]
    start = datetime.now(JST).replace(hour=8, minute=0, second=0, microsecond=0)
    consumers = [registry.consumer_handler(service, "tranlog") for service in registry.consumers_of("tranlog")]
    with tenancy.tenant_context(tenant_id):
        for first in range(1, count + 1, batch):
            sales = []
            for number in range(first, min(first + batch, count + 1)):
                terminal_no, transaction_no = (number - 1) % terminals + 1, (number - 1) // terminals + 1
                generated = start + timedelta(seconds=transaction_no * 3, microseconds=terminal_no)
                payload = tranlog_payload(tenant_id=tenant_id, store_code=store_code, terminal_no=terminal_no,
                                          transaction_no=transaction_no, business_date=business_date,
                                          generated=generated, items=stock_items, rng=rng)
                sales.append((generated, {**payload, "event_id": str(uuid.uuid4())}))
            with transaction.atomic():
                Transaction.objects.bulk_create([
                    Transaction(
                        store_code=store_code, terminal_no=payload["terminal_no"],
                        transaction_no=payload["transaction_no"],
                        transaction_type=101, receipt_no=payload["receipt_no"], business_date=business_date,
                        open_counter=1, generate_date_time=generated, is_cancelled=False,
                        total_amount_with_tax=Decimal(str(payload["sales"]["total_amount_with_tax"])),
                        event_id=payload["event_id"], document=payload,
                    )
                    for generated, payload in sales
                ])
                for _, payload in sales:
                    for consumer in consumers:  # the journal's, the report's and stock's own services
                        consumer(payload)
    return count


def main(argv: list[str]) -> None:
    tenant_id, store_code, business_date, terminals, count, items = argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kugelpos.settings")
    import django
    from django.conf import settings

    django.setup()
    # The dashboards of the bench tenant are not watched: stock's live updates stay in this process.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    done = seed(tenant_id=tenant_id, store_code=store_code, business_date=business_date,
                terminals=int(terminals), count=int(count), items=json.loads(items))
    print(done)


if __name__ == "__main__":
    main(sys.argv[1:])
