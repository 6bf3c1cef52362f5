"""Log intake (spec/40 §2): consumers over the outbox, natural-key dedup, the HTTP compatibility receivers (§2.4)
and the direct tranlog receive (§2.5)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from apps.core import events
from apps.core.auth import encode_jwt, service_token
from apps.core.tenancy import tenant_context
from apps.report.models import (
    ReportCashLog,
    ReportOpenCloseLog,
    ReportTranlog,
    ReportTranlogDiscount,
    ReportTranlogLine,
    ReportTranlogPayment,
    ReportTranlogTax,
)
from tests.support import TENANT_A, TENANT_B, bearer

from .factories import (
    DAY,
    STORE,
    TERMINAL,
    DiscountFactory,
    LineItemFactory,
    PaymentFactory,
    d1_logs,
    new_event_id,
    tranlog,
)

pytestmark = pytest.mark.django_db

DIRECT = f"/report/api/v1/tenants/{TENANT_A}/stores/{STORE}/terminals/{TERMINAL}/transactions"


def stored_counts():
    with tenant_context(TENANT_A):
        return {
            "tranlog": ReportTranlog.objects.count(),
            "line": ReportTranlogLine.objects.count(),
            "payment": ReportTranlogPayment.objects.count(),
            "tax": ReportTranlogTax.objects.count(),
            "discount": ReportTranlogDiscount.objects.count(),
            "cashlog": ReportCashLog.objects.count(),
            "opencloselog": ReportOpenCloseLog.objects.count(),
        }


def report_status(event_id):
    record = events.delivery_record(event_id=event_id)
    return {d.service_name: d.status for d in record.deliveries.all()}["report"]


def test_a_tranlog_is_stored_as_header_and_rows(consume):
    line = LineItemFactory(unit_price=1000.0, discounts=[DiscountFactory(discount_amount=100.0, promotion_code="P1",
                                                                          promotion_type="category_discount")],
                           discounts_allocated=[DiscountFactory(discount_amount=10.0)])
    consume("tranlog", [tranlog(7, line_items=[line], subtotal_discounts=[DiscountFactory(discount_amount=10.0)])])
    with tenant_context(TENANT_A):
        header = ReportTranlog.objects.get()
        assert (header.store_code, header.terminal_no, header.transaction_no, header.business_date,
                header.total_amount_with_tax, header.is_cancelled) == (STORE, TERMINAL, 7, DAY, 550, False)
        assert header.payload["transaction_no"] == 7 and header.event_id
        row = ReportTranlogLine.objects.get()
        assert (row.amount, row.discount_amount, row.discount_count, row.allocated_amount, row.allocated_count) == (
            900, 100, 1, 10, 1)
        assert sorted(ReportTranlogDiscount.objects.values_list("kind", "promotion_code", "line_id")) == [
            ("line", "P1", row.id), ("subtotal", None, None)]


def test_every_row_of_a_tranlog_is_stored_exactly_in_one_statement(tenant_a):
    """Lines, their discounts (each on its own line, by position, even where two lines share a line_no),
    subtotal discounts, payments and taxes: every value as sent, to the last decimal place."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.report.logs import parse_tranlog
    from apps.report.services import tranlog_store

    lines = [
        LineItemFactory(line_no=1, item_code="A", unit_price=1000.0, quantity=2,
                        discounts=[DiscountFactory(seq_no=1, discount_amount=100.5, promotion_code="P1")]),
        LineItemFactory(line_no=1, item_code="B", unit_price=333.3333, is_cancelled=True,  # a line_no repeated
                        discounts=[DiscountFactory(seq_no=1, discount_amount=0.3333, discount_type="DiscountPercent",
                                                   discount_value=10.0),
                                   DiscountFactory(seq_no=2, discount_amount=1.0)]),
        LineItemFactory(line_no=3, item_code="C", unit_price=50.0),
    ]
    log = tranlog(8, line_items=lines, subtotal_discounts=[DiscountFactory(seq_no=9, discount_amount=7.25)],
                  payments=[PaymentFactory(amount=1000.0, deposit_amount=2000.0),
                            PaymentFactory(payment_no=2, payment_code="11", amount=0.0001, description="Card")])
    with tenant_context(TENANT_A):
        assert not ReportTranlog.objects.exists()  # (and the tenant's search path is set)
        with CaptureQueriesContext(connection) as captured:
            assert tranlog_store(tranlog=parse_tranlog(log)) is True
        assert len(captured.captured_queries) == 1
        header = ReportTranlog.objects.get()
        rows = {row.item_code: row for row in ReportTranlogLine.objects.filter(tranlog=header).order_by("id")}
        assert [(r.line_no, r.quantity, r.amount, r.is_cancelled, r.discount_amount, r.discount_count,
                 r.tranlog_cancelled, r.business_date, r.terminal_no) for r in rows.values()] == [
            (1, 2, Decimal("1899.5000"), False, Decimal("100.5000"), 1, False, DAY, TERMINAL),
            (1, 1, Decimal("332.0000"), True, Decimal("1.3333"), 2, False, DAY, TERMINAL),
            (3, 1, Decimal("50.0000"), False, Decimal("0.0000"), 0, False, DAY, TERMINAL),
        ]
        discounts = ReportTranlogDiscount.objects.order_by("kind", "line_id", "seq_no").values_list(
            "kind", "line_id", "seq_no", "discount_type", "discount_value", "discount_amount", "promotion_code",
            "line_amount", "line_quantity", "line_cancelled", "tranlog_id")
        assert list(discounts) == [
            ("line", rows["A"].id, 1, "DiscountAmount", Decimal("100.5000"), Decimal("100.5000"), "P1",
             Decimal("1899.5000"), 2, False, header.id),
            ("line", rows["B"].id, 1, "DiscountPercent", Decimal("10.0000"), Decimal("0.3333"), None,
             Decimal("332.0000"), 1, True, header.id),
            ("line", rows["B"].id, 2, "DiscountAmount", Decimal("1.0000"), Decimal("1.0000"), None,
             Decimal("332.0000"), 1, True, header.id),
            ("subtotal", None, 9, "DiscountAmount", Decimal("7.2500"), Decimal("7.2500"), None, None, None, False,
             header.id),
        ]
        assert list(ReportTranlogPayment.objects.order_by("payment_no").values_list(
            "payment_no", "payment_code", "description", "amount", "deposit_amount", "store_code")) == [
            (1, "01", "Cash", Decimal("1000.0000"), Decimal("2000.0000"), STORE),
            (2, "11", "Card", Decimal("0.0001"), Decimal("0.0001"), STORE)]
        assert list(ReportTranlogTax.objects.values_list("tax_code", "tax_name", "tax_amount", "target_quantity")) == [
            ("01", "外税10%", Decimal("50.0000"), 3)]
        counts = stored_counts()
        assert tranlog_store(tranlog=parse_tranlog({**log, "event_id": new_event_id()})) is False
        assert stored_counts() == counts  # a duplicate writes no row anywhere


def test_camel_case_payload_keys_are_accepted(consume):
    payload = tranlog(8)
    camel = {"tenantId": payload.pop("tenant_id"), "storeCode": payload.pop("store_code"),
             "terminalNo": payload.pop("terminal_no"), "transactionNo": payload.pop("transaction_no"),
             "transactionType": payload.pop("transaction_type"), "businessDate": payload.pop("business_date"),
             **payload}
    camel["sales"] = {"totalAmountWithTax": 550.0, "totalQuantity": 3, "isCancelled": False}
    events.event_consume(service="report", event_type="tranlog", payload={**camel, "tenant_id": TENANT_A})
    with tenant_context(TENANT_A):
        header = ReportTranlog.objects.get()
        assert (header.transaction_no, header.total_amount_with_tax, header.total_quantity) == (8, 550, 3)


def test_same_logs_delivered_twice_by_the_outbox_and_once_over_http_count_once(consume, api, token_a, report_data):
    logs = d1_logs()
    records = [events.event_publish(event_type=kind, payload=payload)
               for kind, payloads in logs.items() for payload in payloads]
    for record in records:
        events.event_deliver(event_id=record.event_id)
        assert report_status(record.event_id) == "received"
    first = report_data(report_scope="daily", report_type="sales", business_date=DAY)
    counts = stored_counts()
    assert counts == {"tranlog": 5, "line": 10, "payment": 5, "tax": 5, "discount": 0, "cashlog": 3,
                      "opencloselog": 2}
    # the outbox delivers again: the fan-out task runs twice, and a Kugelpos-style redelivery re-sends the
    # payload to the consumer whatever its status ...
    for record in records:
        events.event_deliver(event_id=record.event_id)
        assert events.event_consume(service="report", event_type=record.event_type, payload=record.payload) is False
    # ... and a deployment pushes the same logs over HTTP
    for record in records:
        response = api.post(f"/report/api/v1/{record.event_type}", {"data": record.payload}, format="json",
                            **bearer(token_a))
        assert response.status_code == 200 and response.json() == [{"status": "SUCCESS",
                                                                    "operation": "handle_log"}, 200]
    assert stored_counts() == counts
    second = report_data(report_scope="daily", report_type="sales", business_date=DAY)
    for key in ("salesGross", "salesNet", "returns", "taxes", "payments", "cash"):
        assert second[key] == first[key]


def test_a_new_event_with_an_existing_natural_key_is_skipped_and_the_first_version_wins(consume, report_data):
    consume("tranlog", [tranlog(1001, with_tax=550.0)])
    again = tranlog(1001, with_tax=99999.0)  # new event_id, same store/terminal/transaction_no
    assert events.event_consume(service="report", event_type="tranlog", payload=again) is True
    assert stored_counts()["tranlog"] == 1
    assert report_data(report_scope="flash", report_type="sales", business_date=DAY)["salesGross"]["amount"] == 550.0


def test_another_unique_violation_is_not_swallowed_as_a_duplicate(tenant_a):
    """The skip is targeted at the natural key: a new tranlog whose id clashes (a sequence behind its table, as
    after a bad restore) fails loudly instead of being dropped as "already stored"."""
    from django.db import IntegrityError, connection, transaction

    from apps.report.logs import parse_tranlog
    from apps.report.services import tranlog_store

    with tenant_context(TENANT_A):
        assert tranlog_store(tranlog=parse_tranlog(tranlog(1))) is True
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence('report_reporttranlog', 'id'))")
            taken = cursor.fetchone()[0] + 1
        squatter = ReportTranlog.objects.get()
        squatter.pk, squatter.transaction_no = taken, 999  # another natural key, on the id the next insert draws
        squatter.save(force_insert=True)
        counts = stored_counts()
        with pytest.raises(IntegrityError), transaction.atomic():
            tranlog_store(tranlog=parse_tranlog(tranlog(2)))
        assert stored_counts() == counts
        assert tranlog_store(tranlog=parse_tranlog({**tranlog(1), "event_id": new_event_id()})) is False


def test_a_bad_payload_fails_the_delivery_and_stores_nothing(tenant_a):
    record = events.event_publish(event_type="tranlog", payload={**tranlog(1), "sales": {"total_quantity": "x"}})
    events.event_deliver(event_id=record.event_id, services=["report"])
    delivery = events.delivery_record(event_id=record.event_id).deliveries.get(service_name="report")
    assert delivery.status == "failed" and "sales -> totalQuantity" in delivery.message
    assert stored_counts()["tranlog"] == 0


def test_health_check_probe_payload_is_a_no_op(consume):
    consume("tranlog", [{"test": "health-check", "tenant_id": TENANT_A, "event_id": "probe-1"}])
    assert stored_counts()["tranlog"] == 0


# --- compatibility receivers (§2.4) ---------------------------------------------------------------------------
@pytest.mark.parametrize("event_type", ["tranlog", "cashlog", "opencloselog"])
def test_compat_receivers_store_and_acknowledge(api, token_a, event_type):
    payload = d1_logs()[event_type][0]
    record = events.event_publish(event_type=event_type, payload=payload)
    response = api.post(f"/report/api/v1/{event_type}", {"id": "x", "data": record.payload}, format="json",
                        **bearer(service_token(service="cart", tenant_id=TENANT_A)))
    assert response.status_code == 200
    assert response.json() == [{"status": "SUCCESS", "operation": "handle_log"}, 200]
    assert stored_counts()[event_type] == 1
    assert report_status(record.event_id) == "received"


def test_compat_receiver_cases(api, token_a):
    url = "/report/api/v1/cashlog"
    assert api.post(url, {"data": {}}, format="json").status_code == 401
    terminal_jwt = encode_jwt({"sub": "terminal:x", "token_type": "terminal", "tenant_id": TENANT_A,
                               "exp": datetime.now(UTC) + timedelta(hours=1)})
    assert api.post(url, {"data": {}}, format="json", **bearer(terminal_jwt)).status_code == 401
    probe = api.post(url, {"data": {"test": "health-check"}}, format="json", **bearer(token_a))
    assert probe.status_code == 200 and probe.json() == {"status": "SUCCESS", "operation": "health_check_drop"}
    missing = api.post(url, {"data": {"event_id": "e"}}, format="json", **bearer(token_a))
    assert missing.status_code == 400
    assert missing.json()["message"] == "tenant_id is required in request data"
    other = api.post(url, {"data": {"tenant_id": TENANT_B, "event_id": "e"}}, format="json", **bearer(token_a))
    assert other.status_code == 400 and other.json()["user_error"]["code"] == "100000"
    drop = api.post(url, {"data": {"tenant_id": TENANT_A}}, format="json", **bearer(token_a))
    assert drop.status_code == 200
    assert drop.json() == [{"status": "DROP", "message": "event_id is required", "operation": "handle_log"}, 400]
    bad = api.post(url, {"data": {"tenant_id": TENANT_A, "event_id": "e-bad", "store_code": STORE}}, format="json",
                   **bearer(token_a))
    assert bad.status_code == 200
    status, code = bad.json()
    assert (status["status"], status["operation"], code) == ("RETRY", "handle_log", 500)
    assert "terminalNo: Field required" in status["message"]
    assert stored_counts()["cashlog"] == 0


# --- direct receive (§2.5) --------------------------------------------------------------------------------------
def test_direct_receive_stores_the_tranlog_once(api, token_a, report_data):
    body = tranlog(1001)
    del body["event_id"]
    for _ in range(2):
        response = api.post(DIRECT, body, format="json", **bearer(token_a))
        assert response.status_code == 201
    payload = response.json()
    assert payload["code"] == 201 and payload["operation"] == "receive_transactions"
    assert payload["message"] == (f"Transaction received successfully. tenant_id: {TENANT_A}, store_code: {STORE}, "
                                  f"terminal_no: {TERMINAL}, transaction_no: 1001")
    assert payload["data"] == {"tenantId": TENANT_A, "storeCode": STORE, "terminalNo": TERMINAL,
                               "transactionNo": 1001}
    assert stored_counts()["tranlog"] == 1
    assert report_data(report_scope="flash", report_type="sales", business_date=DAY)["salesGross"]["amount"] == 550.0


def test_direct_receive_errors(api, token_a, token_b):
    assert api.post(DIRECT, tranlog(1), format="json").status_code == 401
    bad = {**tranlog(1), "sales": {"total_amount_with_tax": "lots"}}
    del bad["transaction_no"]
    response = api.post(DIRECT, bad, format="json", **bearer(token_a))
    assert response.status_code == 422
    assert response.json()["message"] == (
        "Invalid input data: body -> transactionNo: Field required; body -> sales -> totalAmountWithTax: Input "
        "should be a valid number, unable to parse string as a number")
    assert api.post(DIRECT, tranlog(1), format="json", **bearer(token_b)).status_code == 400
    wrong_path = DIRECT.replace(f"/terminals/{TERMINAL}/", "/terminals/x/")
    assert api.post(wrong_path, tranlog(1), format="json", **bearer(token_a)).status_code == 422
    assert stored_counts()["tranlog"] == 0
