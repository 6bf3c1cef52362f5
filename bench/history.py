"""A chain's history for the data benchmark (issue #26, ``make bench BENCH_ARGS="--only data"``).

Run by the bench inside the stack's environment: ``python -m bench.history load --tenant T --transactions N
--stores S --days D`` (a Django process of its own, talking to the stack's database).

1. **Templates, through the services.** ``TEMPLATES`` real sales on one open terminal of the bench store: cart
   create, add items (1-6 lines, quantities 1-3, some with a line discount), subtotal, a cash or card payment,
   bill (``apps.cart.services``), then every event delivered by ``events.event_deliver``, so the journal, the
   report and stock write their ledgers with their own code. The terminal is then closed and reopened
   (``terminal_close``/``terminal_open``), which gives a close log with its statistics.
2. **Cloned, in SQL.** Every row those sales wrote, in every ledger (the cart's transaction, the outbox record, its
   deliveries and processed markers, the journal entry, the report's copy and its line/discount/payment/tax rows,
   the stock movements), is copied ``N / TEMPLATES`` times with its keys rewritten: store ``H001``...,
   ``TERMINALS_PER_STORE`` terminals per store, consecutive transaction and receipt numbers per terminal, one
   business date per day (09:00 onwards, store time), a fresh event id per transaction. The JSON documents (the
   cart's tranlog, the outbox payload, the report's copy) get the same keys. Each terminal-day is one session,
   framed by an open and a close log in the report and the journal whose counts match its transactions, so the
   daily report's verification passes. Every store gets the bench store's stock rows.

The copies are the template rows byte for byte apart from those keys: the shape the cart and its consumers write,
at the cost of SQL rather than of a sale through the API per row (1,000,000 of those would take hours here).
Known simplification: stock rows' before/after quantities are the template's, not a running balance.

``python -m bench.history sizes --tenant T`` prints the bytes on disk of every ledger table (tenant schema and the
tenant's share of the public event tables).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import date
from decimal import Decimal

TEMPLATES = 40
TERMINALS_PER_STORE = 5
FIRST_DAY = date(2026, 3, 2)


def _setup() -> None:
    sys.path.insert(0, os.fspath(__import__("pathlib").Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kugelpos.settings")
    import django

    django.setup()


# --- 1. templates through the services ---------------------------------------------------------------------
def make_templates(*, tenant_id: str, store_code: str, terminal_no: int, count: int) -> dict:
    from django.db import connection

    from apps.cart.services.backoffice import back_office_terminal_context
    from apps.cart.services.carts import (
        DiscountRequest,
        ItemRequest,
        PaymentRequest,
        cart_add_items,
        cart_add_payments,
        cart_bill,
        cart_create,
        cart_set_line_discounts,
        cart_subtotal,
    )
    from apps.core import events
    from apps.core.models import EventRecord
    from apps.stock.models import Stock
    from apps.terminal.models import Terminal
    from apps.terminal.services.sessions import terminal_close, terminal_open

    rng = random.Random(26)
    context = back_office_terminal_context(store_code=store_code, terminal_no=terminal_no)
    item_codes = sorted(Stock.objects.filter(store_code=store_code).values_list("item_code", flat=True))[:60]
    numbers = []
    for index in range(count):
        cart = cart_create(context=context)
        lines = [ItemRequest(item_code=rng.choice(item_codes), quantity=rng.randint(1, 3))
                 for _ in range(rng.randint(1, 6))]
        cart_add_items(cart_id=cart.cart_id, context=context, items=lines)
        if index % 4 == 0:
            cart_set_line_discounts(cart_id=cart.cart_id, context=context, line_no=1,
                                    discounts=[DiscountRequest("DiscountPercentage", Decimal(10))])
        document = cart_subtotal(cart_id=cart.cart_id, context=context)
        code = "01" if index % 3 else "11"
        paid = document.balance_amount + (Decimal(1000) if code == "01" else 0)
        cart_add_payments(cart_id=cart.cart_id, context=context, payments=[PaymentRequest(code, paid)])
        numbers.append(cart_bill(cart_id=cart.cart_id, context=context).transaction_no)
    terminal = Terminal.objects.get(store_code=store_code, terminal_no=terminal_no)
    terminal_close(terminal_id=terminal.terminal_id, physical_amount=None)
    terminal_open(terminal_id=terminal.terminal_id, initial_amount=None)
    connection.set_schema_to_public()
    for event_id in EventRecord.objects.filter(tenant_id=tenant_id).exclude(
            status=EventRecord.Status.DELIVERED).values_list("event_id", flat=True):
        events.event_deliver(event_id=event_id, tenant_id=tenant_id)
    undelivered = EventRecord.objects.filter(tenant_id=tenant_id).exclude(status=EventRecord.Status.DELIVERED)
    if undelivered.exists():
        raise RuntimeError(f"{undelivered.count()} template events not delivered")
    return {"transaction_nos": numbers}


# --- 2. cloned in SQL ---------------------------------------------------------------------------------------
def _columns(model) -> list[str]:
    return [field.column for field in model._meta.concrete_fields if not field.primary_key]


STEP_SECONDS: dict[str, float] = {}


def _insert(cursor, model, *, rewrite: dict[str, str], source: str) -> int:
    """``INSERT INTO model (every column but the key) SELECT ...`` with ``rewrite[column]`` as the expression of a
    rewritten column and ``s.column`` for the others; ``source`` is the ``FROM ...`` (the template alias ``s``)."""
    columns = _columns(model)
    unknown = set(rewrite) - set(columns)
    if unknown:
        raise ValueError(f"{model.__name__}: no columns {sorted(unknown)}")
    select = ", ".join(rewrite.get(column, f's."{column}"') for column in columns)
    table = model._meta.db_table
    started = time.monotonic()
    cursor.execute(f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) '
                   f"SELECT {select} {source}")
    STEP_SECONDS[table] = round(STEP_SECONDS.get(table, 0) + time.monotonic() - started, 1)
    return cursor.rowcount


def _json_keys(cursor, sql: str, params) -> set[str]:
    cursor.execute(f"SELECT DISTINCT jsonb_object_keys(doc) FROM ({sql}) d", params)
    return {row[0] for row in cursor.fetchall()}


def _json_rewrite(column: str, keys: set[str], values: dict[str, str]) -> str:
    """``column || jsonb_build_object(...)`` for the keys the template documents have."""
    present = [key for key in values if key in keys]
    if not present:
        return f's."{column}"'
    pairs = ", ".join(f"'{key}', {values[key]}" for key in present)
    return f's."{column}" || jsonb_build_object({pairs})'


def clone(*, tenant_id: str, store_code: str, terminal_no: int, template_numbers: list[int], transactions: int,
          stores: int, days: int) -> dict:
    from django.db import connection, transaction

    from apps.cart.models import Transaction
    from apps.core.models import ConsumedEvent, EventDelivery, EventRecord
    from apps.journal.models import JournalEntry
    from apps.report.models import (
        ReportOpenCloseLog,
        ReportTranlog,
        ReportTranlogDiscount,
        ReportTranlogLine,
        ReportTranlogPayment,
        ReportTranlogTax,
    )
    from apps.stock.models import Stock, StockUpdate

    templates = len(template_numbers)
    sessions = stores * TERMINALS_PER_STORE * days
    per_session = max(1, transactions // sessions)
    counts: dict[str, int] = {}
    schema = connection.schema_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        # the map: one row per transaction to create
        for table in ("hist_tmpl", "hist_map", "hist_tranlog", "hist_session"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute("CREATE TEMP TABLE hist_tmpl (t int PRIMARY KEY, tx_no int, event_id text, store_code text, "
                       "terminal_no int)")
        cursor.execute(
            "INSERT INTO hist_tmpl SELECT ord - 1, tx.transaction_no, tx.event_id, tx.store_code, tx.terminal_no "
            "FROM unnest(%s::int[]) WITH ORDINALITY AS n(no, ord) JOIN cart_transaction tx "
            "ON tx.store_code = %s AND tx.terminal_no = %s AND tx.transaction_no = n.no",
            [template_numbers, store_code, terminal_no])
        cursor.execute(
            """
            CREATE TEMP TABLE hist_map AS
            SELECT k, (k %% %(templates)s)::int AS t,
                   'H' || lpad((1 + k / (%(per_session)s * %(terminals)s * %(days)s))::text, 3, '0') AS store_code,
                   (1 + (k / %(per_session)s) %% %(terminals)s)::int AS terminal_no,
                   ((k / (%(per_session)s * %(terminals)s)) %% %(days)s)::int AS day,
                   (1 + k %% %(per_session)s)::int AS seq
            FROM generate_series(0, %(count)s - 1) AS k
            """,
            {"templates": templates, "per_session": per_session, "terminals": TERMINALS_PER_STORE, "days": days,
             "count": per_session * sessions})
        cursor.execute("ALTER TABLE hist_map ADD COLUMN tx_no int, ADD COLUMN business_date text, "
                       "ADD COLUMN at timestamptz, ADD COLUMN at_text text, ADD COLUMN event_id text")
        cursor.execute(
            """
            UPDATE hist_map SET
                tx_no = day * %(per_session)s + seq,
                business_date = to_char(%(first)s::date + day, 'YYYYMMDD'),
                at = (%(first)s::date + day + time '09:00' + seq * interval '20 seconds') AT TIME ZONE %(zone)s,
                event_id = (md5('hist-' || k)::uuid)::text
            """,
            {"per_session": per_session, "first": FIRST_DAY, "zone": "Asia/Tokyo"})
        cursor.execute("UPDATE hist_map SET at_text = to_char(at AT TIME ZONE 'Asia/Tokyo', "
                       "'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+09:00'")
        cursor.execute("CREATE INDEX ON hist_map (t)")
        cursor.execute("ANALYZE hist_map")
        cursor.execute("SELECT count(*) FROM hist_map")
        counts["transactions"] = cursor.fetchone()[0]
        tranlog_keys = {
            "store_code": "m.store_code", "terminal_no": "m.terminal_no", "transaction_no": "m.tx_no",
            "receipt_no": "m.tx_no", "business_date": "m.business_date", "generate_date_time": "m.at_text",
            "event_id": "m.event_id", "open_counter": "1", "business_counter": "m.day + 1",
        }
        keys = {"store_code": "m.store_code", "terminal_no": "m.terminal_no", "transaction_no": "m.tx_no",
                "receipt_no": "m.tx_no", "business_date": "m.business_date", "open_counter": "1",
                "business_counter": "m.day + 1"}
        join = "FROM hist_map m JOIN hist_tmpl h ON h.t = m.t "
        # the cart's transactions
        doc_keys = _json_keys(cursor, "SELECT document AS doc FROM cart_transaction WHERE event_id IN "
                                      "(SELECT event_id FROM hist_tmpl)", [])
        counts["cart_transaction"] = _insert(cursor, Transaction, rewrite={
            **{k: v for k, v in keys.items() if k != "business_counter"}, "generate_date_time": "m.at",
            "event_id": "m.event_id", "cart_id": "NULL", "created_at": "m.at",
            "document": _json_rewrite("document", doc_keys, tranlog_keys)},
            source=join + "JOIN cart_transaction s ON s.event_id = h.event_id")
        # the report's copies and their rows
        payload_keys = _json_keys(cursor, "SELECT payload AS doc FROM report_reporttranlog WHERE event_id IN "
                                          "(SELECT event_id FROM hist_tmpl)", [])
        counts["report_tranlog"] = _insert(cursor, ReportTranlog, rewrite={
            **keys, "generate_date_time": "m.at_text", "event_id": "m.event_id", "created_at": "m.at",
            "payload": _json_rewrite("payload", payload_keys, tranlog_keys)},
            source=join + "JOIN report_reporttranlog s ON s.event_id = h.event_id")
        cursor.execute("CREATE TEMP TABLE hist_tranlog AS SELECT m.k, m.t, n.id AS new_id, o.id AS old_id "
                       "FROM hist_map m JOIN hist_tmpl h ON h.t = m.t "
                       "JOIN report_reporttranlog o ON o.event_id = h.event_id "
                       "JOIN report_reporttranlog n ON n.store_code = m.store_code AND n.terminal_no = m.terminal_no "
                       "AND n.transaction_no = m.tx_no")
        cursor.execute("CREATE INDEX ON hist_tranlog (old_id)")
        cursor.execute("ANALYZE hist_tranlog")
        row_keys = {"store_code": "m.store_code", "terminal_no": "m.terminal_no",
                    "business_date": "m.business_date", "open_counter": "1", "tranlog_id": "x.new_id"}
        for model in (ReportTranlogLine, ReportTranlogPayment, ReportTranlogTax):
            counts[model._meta.db_table] = _insert(cursor, model, rewrite=row_keys, source=(
                f"FROM hist_tranlog x JOIN hist_map m ON m.k = x.k JOIN {model._meta.db_table} s "
                "ON s.tranlog_id = x.old_id"))
        # discounts point at their line too: the new line of the same tranlog and line number
        discount_rewrite = dict(row_keys)
        if "line_id" in _columns(ReportTranlogDiscount):
            discount_rewrite["line_id"] = (
                "(SELECT nl.id FROM report_reporttranlogline ol JOIN report_reporttranlogline nl "
                "ON nl.tranlog_id = x.new_id AND nl.line_no = ol.line_no WHERE ol.id = s.line_id)")
        counts[ReportTranlogDiscount._meta.db_table] = _insert(
            cursor, ReportTranlogDiscount, rewrite=discount_rewrite,
            source="FROM hist_tranlog x JOIN hist_map m ON m.k = x.k JOIN report_reporttranlogdiscount s "
                   "ON s.tranlog_id = x.old_id")
        # the journal
        counts["journal_entry"] = _insert(cursor, JournalEntry, rewrite={
            **keys, "generate_date_time": "m.at_text", "created_at": "m.at"},
            source=join + "JOIN journal_journalentry s ON s.store_code = h.store_code AND "
                          "s.terminal_no = h.terminal_no AND s.transaction_no = h.tx_no AND s.transaction_type > 0 "
                          "AND s.transaction_type < 300")
        # stock movements (the sale's reference is its transaction number)
        counts["stock_update"] = _insert(cursor, StockUpdate, rewrite={
            "store_code": "m.store_code", "reference_id": "m.tx_no::text", "timestamp": "m.at",
            "created_at": "m.at", "updated_at": "m.at"},
            source=join + "JOIN stock_stockupdate s ON s.store_code = h.store_code AND "
                          "s.reference_id = h.tx_no::text AND s.update_type = 'sale'")
        counts["stock"] = _insert(cursor, Stock, rewrite={"store_code": "st.code"}, source=(
            "FROM (SELECT DISTINCT store_code AS code FROM hist_map) st CROSS JOIN stock_stock s "
            f"WHERE s.store_code = '{store_code}'"))
        # sessions: an open and a close log per terminal-day, in the report and the journal, counts matching
        cursor.execute("CREATE TEMP TABLE hist_session AS SELECT store_code, terminal_no, day, business_date, "
                       "count(*) AS n, max(tx_no) AS last_no, min(at) AS first_at, max(at) AS last_at "
                       "FROM hist_map GROUP BY 1, 2, 3, 4")
        session_keys = {"store_code": "z.store_code", "terminal_no": "z.terminal_no",
                        "business_date": "z.business_date", "open_counter": "1", "business_counter": "z.day + 1"}
        at = ("to_char((CASE WHEN s.operation = 'open' THEN z.first_at - interval '1 minute' "
              "ELSE z.last_at + interval '1 minute' END) AT TIME ZONE 'Asia/Tokyo', "
              "'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+09:00'")
        oc_keys = _json_keys(cursor, "SELECT payload AS doc FROM report_reportopencloselog WHERE store_code = %s "
                                     "AND terminal_no = %s", [store_code, terminal_no])
        oc_json = {**session_keys, "generate_date_time": at}
        counts["report_opencloselog"] = _insert(cursor, ReportOpenCloseLog, rewrite={
            **session_keys, "generate_date_time": at,
            "cart_transaction_count": "CASE WHEN s.operation = 'close' THEN z.n END",
            "cart_transaction_last_no": "CASE WHEN s.operation = 'close' THEN z.last_no END",
            "event_id": "(md5('hist-oc-' || z.store_code || z.terminal_no || z.day || s.operation)::uuid)::text",
            "created_at": "z.last_at",
            "payload": _json_rewrite("payload", oc_keys, oc_json) + (
                " || CASE WHEN s.operation = 'close' AND s.payload ? 'cart_transaction_count' THEN "
                "jsonb_build_object('cart_transaction_count', z.n, 'cart_transaction_last_no', z.last_no) "
                "ELSE '{}'::jsonb END")},
            source=("FROM hist_session z CROSS JOIN LATERAL (SELECT DISTINCT ON (operation) * FROM "
                    f"report_reportopencloselog WHERE store_code = '{store_code}' AND terminal_no = {terminal_no} "
                    "ORDER BY operation, id DESC) s"))
        counts["journal_openclose"] = _insert(cursor, JournalEntry, rewrite={
            **session_keys, "generate_date_time": at.replace("s.operation = 'open'", "s.transaction_type = 301"),
            "created_at": "z.last_at"},
            source=("FROM hist_session z CROSS JOIN LATERAL (SELECT DISTINCT ON (transaction_type) * FROM "
                    f"journal_journalentry WHERE store_code = '{store_code}' AND terminal_no = {terminal_no} "
                    "AND transaction_type IN (301, 302) ORDER BY transaction_type, id DESC) s"))
        # the outbox (public schema): records, deliveries, processed markers
        cursor.execute("SET LOCAL search_path = public")
        record_keys = _json_keys(cursor, "SELECT payload AS doc FROM core_eventrecord WHERE event_id IN "
                                         "(SELECT event_id FROM hist_tmpl)", [])
        counts["event_record"] = _insert(cursor, EventRecord, rewrite={
            "event_id": "m.event_id", "store_code": "m.store_code", "terminal_no": "m.terminal_no",
            "business_date": "m.business_date", "open_counter": "1", "transaction_no": "m.tx_no",
            "published_at": "m.at", "created_at": "m.at", "last_updated_at": "m.at",
            "payload": _json_rewrite("payload", record_keys, tranlog_keys)},
            source=join + "JOIN core_eventrecord s ON s.event_id = h.event_id")
        counts["event_delivery"] = _insert(cursor, EventDelivery, rewrite={"record_id": "n.id", "received_at": "m.at"},
                                           source=join + "JOIN core_eventrecord o ON o.event_id = h.event_id "
                                           "JOIN core_eventdelivery s ON s.record_id = o.id "
                                           "JOIN core_eventrecord n ON n.event_id = m.event_id")
        counts["consumed_event"] = _insert(cursor, ConsumedEvent, rewrite={
            "event_id": "m.event_id", "processed_at": "m.at"},
            source=join + "JOIN core_consumedevent s ON s.event_id = h.event_id AND s.tenant_id = "
                          f"'{tenant_id}'")
        cursor.execute(f'SET LOCAL search_path = "{schema}", public')
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"counts": counts, "step_seconds": dict(STEP_SECONDS),
            "stores": stores, "days": days, "terminals_per_store": TERMINALS_PER_STORE,
            "per_session": per_session, "first_business_date": FIRST_DAY.strftime("%Y%m%d"),
            "store_codes": sorted({f"H{n:03d}" for n in range(1, stores + 1)})}


def sizes(*, tenant_id: str, transactions: int) -> dict:
    """Bytes on disk (tables, indexes, TOAST) of every table of the tenant's schema, and the tenant's share of the
    public event tables (by row count)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n "
                       "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'", [connection.schema_name])
        tenant_tables = {name: size for name, size in cursor.fetchall()}
        public = {}
        for table, share_sql in (
            ("core_eventrecord", "SELECT (SELECT count(*) FROM public.core_eventrecord WHERE tenant_id = %s)::float"
                                 " / greatest(1, (SELECT count(*) FROM public.core_eventrecord))"),
            ("core_eventdelivery", "SELECT (SELECT count(*) FROM public.core_eventrecord WHERE tenant_id = %s)::float"
                                   " / greatest(1, (SELECT count(*) FROM public.core_eventrecord))"),
            ("core_consumedevent", "SELECT (SELECT count(*) FROM public.core_consumedevent WHERE tenant_id = %s)"
                                   "::float / greatest(1, (SELECT count(*) FROM public.core_consumedevent))"),
        ):
            cursor.execute(share_sql, [tenant_id])
            share = cursor.fetchone()[0]
            cursor.execute("SELECT pg_total_relation_size(%s)", [f"public.{table}"])
            public[table] = int(cursor.fetchone()[0] * share)
    total = sum(tenant_tables.values()) + sum(public.values())
    biggest = dict(sorted(tenant_tables.items(), key=lambda kv: -kv[1])[:12])
    return {"bytes_total": total, "bytes_per_transaction": round(total / max(1, transactions)),
            "tenant_tables_bytes": biggest, "public_share_bytes": public}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.history")
    parser.add_argument("command", choices=["load", "sizes"])
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--store", default="")
    parser.add_argument("--terminal-no", type=int, default=1)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--stores", type=int, default=100)
    parser.add_argument("--days", type=int, default=10)
    args = parser.parse_args(argv)
    _setup()
    from django_tenants.utils import schema_context

    from apps.core.tenancy import schema_name_for

    schema = schema_name_for(args.tenant)
    with schema_context(schema):
        if args.command == "sizes":
            print(json.dumps(sizes(tenant_id=args.tenant, transactions=args.transactions)))
            return 0
        started = time.monotonic()
        made = make_templates(tenant_id=args.tenant, store_code=args.store, terminal_no=args.terminal_no,
                              count=TEMPLATES)
    templates_s = time.monotonic() - started
    with schema_context(schema):
        cloned = clone(tenant_id=args.tenant, store_code=args.store, terminal_no=args.terminal_no,
                       template_numbers=made["transaction_nos"], transactions=args.transactions, stores=args.stores,
                       days=args.days)
    print(json.dumps({**cloned, "templates": TEMPLATES, "templates_seconds": round(templates_s, 1),
                      "load_seconds": round(time.monotonic() - started, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
