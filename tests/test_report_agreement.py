"""Every report agrees with every other and with the stored transactions, to the yen (issue 21, issue 14).

Hypothesis generates a random day at one terminal: sales of items under every tax type (external, internal,
exempt), line discounts (amount and percentage), cart discounts, cancelled lines, cash with change, cashless and
split payments, cancelled carts, returns, voids of sales and voids of returns. The day is made through the real
cart API; its logs reach the report through the outbox (after-commit hooks run, as in production). Then the
sales report (flash, and daily after a close), the category, item and payment reports are read through the API
and checked against each other and against sums over the stored transactions (``apps.cart.models.Transaction``):

- category = item (totals and every category row); gross = Σ unit price × quantity, discount = line discounts +
  allocated cart discounts, net = gross - discount; quantities likewise;
- sales: gross - returns = category gross + external tax; line / cart discounts = the stored ones; net tax = Σ
  taxes; net = category net - internal tax + (cart discounts' allocations - cart discounts); payments = Σ paid =
  Σ total with tax; taxes per code; the payment report's total = the sales report's payments;
- daily = flash (after the close, the same figures).

Each example runs in a savepoint rolled back at its end, so examples do not see each other. Derandomized, a few
examples: it runs in ``make test``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from apps.cart.models import Transaction
from apps.cart.tests.conftest import set_up_store
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A, bearer

pytestmark = pytest.mark.django_db

ZERO = Decimal(0)
# (item code, unit price, category, tax code): 01/11 external 10 %/8 %, 02/12 internal, 00 exempt
ITEMS = (
    ("AG-1000", 1000, "001", "01"),
    ("AG-550", 550, "001", "02"),
    ("AG-198", 198, "002", "11"),
    ("AG-1080", 1080, "002", "12"),
    ("AG-300", 300, "003", "00"),
)
SALE_SIGN = {101: 1, 202: 1, 102: -1, 201: -1}

discount = st.one_of(
    st.none(),
    st.builds(lambda v: {"discountType": "DiscountAmount", "discountValue": v}, st.integers(1, 50)),
    st.builds(lambda v: {"discountType": "DiscountPercentage", "discountValue": v}, st.integers(1, 50)),
)
cart_discount = st.one_of(
    st.none(),
    st.builds(lambda v: {"discountType": "DiscountAmount", "discountValue": v}, st.integers(1, 40)),
    st.builds(lambda v: {"discountType": "DiscountPercentage", "discountValue": v}, st.integers(1, 30)),
)
sale = st.fixed_dictionaries({
    "lines": st.lists(st.tuples(st.sampled_from(ITEMS), st.integers(1, 3), discount), min_size=1, max_size=3),
    "cancel_last_line": st.booleans(),
    "cart_discount": cart_discount,
    "payment": st.sampled_from(["cash", "cash_with_change", "cashless", "split"]),
    "then": st.sampled_from(["keep", "keep", "return", "void", "void_return", "cancel_cart"]),
})
day = st.lists(sale, min_size=1, max_size=4)


@pytest.fixture
def store(api, token_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pos = set_up_store(api, token_a, items=ITEMS, open_terminal=False)
    return pos


def _payments(total: int, how: str) -> list[tuple[str, int]]:
    if how == "cash":
        return [("01", total)]
    if how == "cash_with_change":
        return [("01", total + 1000)]
    if how == "cashless":
        return [("11", total)]
    return [("11", total // 2), ("01", total - total // 2 + 500)] if total >= 2 else [("01", total)]


def _refund_body(transaction_no: int) -> list[dict]:
    """The original's payments per code, net of change (what a void must give back)."""
    with tenant_context(TENANT_A):
        original = Transaction.objects.get(transaction_no=transaction_no)
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for payment in original.document["payments"]:
        amounts[payment["payment_code"]] += Decimal(str(payment["amount"]))
    return [{"paymentCode": code, "amount": int(amount)} for code, amount in sorted(amounts.items())]


def _make_sale(pos, spec: dict) -> None:
    event(f"then: {spec['then']}")  # what the examples covered: pytest --hypothesis-show-statistics
    for (*_, tax), _, line_discount in spec["lines"]:
        event(f"tax {tax}")
        if line_discount is not None:
            event(f"line {line_discount['discountType']}")
    if spec["cart_discount"] is not None:
        event(f"cart {spec['cart_discount']['discountType']}")
    cart_id = pos.new_cart()
    pos.add(cart_id, *((item[0], quantity) for item, quantity, _ in spec["lines"]))
    for line_no, (_, _, line_discount) in enumerate(spec["lines"], start=1):
        if line_discount is not None:
            pos.ok("post", f"/carts/{cart_id}/lineItems/{line_no}/discounts", [line_discount])
    if spec["cancel_last_line"] and len(spec["lines"]) > 1:
        pos.ok("post", f"/carts/{cart_id}/lineItems/{len(spec['lines'])}/cancel")
    if spec["then"] == "cancel_cart":
        pos.ok("post", f"/carts/{cart_id}/cancel")
        return
    cart = pos.ok("post", f"/carts/{cart_id}/subtotal")
    if spec["cart_discount"] is not None:
        cart = pos.ok("post", f"/carts/{cart_id}/discounts", [spec["cart_discount"]])
    total = cart["totalAmountWithTax"]
    assert total == int(total) and total > 0
    pos.pay(cart_id, *_payments(int(total), spec["payment"]))
    sold = pos.ok("post", f"/carts/{cart_id}/bill")["transactionNo"]
    if spec["then"] in ("return", "void_return"):
        returned = pos.ok("post", pos.transactions_path(f"/{sold}/return"),
                          [{"paymentCode": "01", "amount": int(total)}])["transactionNo"]
        if spec["then"] == "void_return":
            pos.ok("post", pos.transactions_path(f"/{returned}/void"), _refund_body(returned))
    elif spec["then"] == "void":
        pos.ok("post", pos.transactions_path(f"/{sold}/void"), _refund_body(sold))


def _money(value) -> Decimal:
    return Decimal(str(value))


def _stored(business_date: str) -> dict[str, Decimal]:
    """The day's figures summed over the stored transactions (cancelled sales and cancelled lines left out)."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    payments: dict[str, Decimal] = defaultdict(Decimal)
    taxes: dict[str, Decimal] = defaultdict(Decimal)
    with tenant_context(TENANT_A):
        rows = list(Transaction.objects.filter(business_date=business_date, is_cancelled=False))
    for row in rows:
        sign = SALE_SIGN[row.transaction_type]
        document = row.document
        for line in document["line_items"]:
            if line["is_cancelled"]:
                continue
            sums["gross"] += sign * _money(line["unit_price"]) * line["quantity"]
            sums["line_discount"] += sign * sum((_money(d["discount_amount"]) for d in line["discounts"]), ZERO)
            sums["allocated"] += sign * sum(
                (_money(d["discount_amount"]) for d in line["discounts_allocated"]), ZERO)
            sums["quantity"] += sign * line["quantity"]
        sums["cart_discount"] += sign * sum(
            (_money(d["discount_amount"]) for d in document["subtotal_discounts"]), ZERO)
        for tax in document["taxes"]:
            kind = "external_tax" if tax["tax_type"] == "External" else "internal_tax"
            sums[kind] += sign * _money(tax["tax_amount"])
            taxes[tax["tax_code"]] += sign * _money(tax["tax_amount"])
        for payment in document["payments"]:
            payments[payment["payment_code"]] += sign * _money(payment["amount"])
        sums["with_tax"] += sign * _money(document["sales"]["total_amount_with_tax"])
    return {**sums, "payments": dict(payments), "taxes": dict(taxes)}


def _report(api, token, business_date: str, report_type: str, scope: str = "flash") -> dict:
    response = api.get(
        f"/report/api/v1/tenants/{TENANT_A}/stores/5678/reports",
        {"report_scope": scope, "report_type": report_type, "business_date": business_date, "limit": 0},
        **bearer(token),
    )
    assert response.status_code == 200, response.content.decode()
    return response.json()["data"]


def _totals(data: dict) -> tuple:
    return tuple(data[key] for key in ("totalGrossAmount", "totalDiscountAmount", "totalNetAmount", "totalQuantity",
                                       "totalDiscountQuantity", "totalTransactionCount"))


def _figures(data: dict) -> dict:
    return {key: value for key, value in data.items() if key not in ("receiptText", "journalText", "cash")}


def _check_agreement(api, token, business_date: str) -> dict:
    stored = _stored(business_date)
    get = stored.get
    sales = _report(api, token, business_date, "sales")
    category = _report(api, token, business_date, "category")
    item = _report(api, token, business_date, "item")
    payment = _report(api, token, business_date, "payment")

    # category = item, row by row and in total
    assert _totals(item) == _totals(category)
    assert [(c["categoryCode"], c["categoryTotalGrossAmount"], c["categoryTotalDiscountAmount"],
             c["categoryTotalNetAmount"], c["categoryTotalQuantity"]) for c in item["categories"]] == [
        (c["categoryCode"], c["grossAmount"], c["discountAmount"], c["netAmount"], c["quantity"])
        for c in category["categories"]]
    for group in item["categories"]:
        assert sum(_money(i["grossAmount"]) for i in group["items"]) == _money(group["categoryTotalGrossAmount"])

    # category = the stored transactions: gross before any discount, discount = line + allocated cart discounts
    gross, discount, net = (_money(category[key]) for key in ("totalGrossAmount", "totalDiscountAmount",
                                                               "totalNetAmount"))
    assert gross == get("gross", ZERO)
    assert discount == get("line_discount", ZERO) + get("allocated", ZERO)
    assert net == gross - discount
    assert category["totalQuantity"] == get("quantity", ZERO)

    # sales = category and the stored transactions
    sold = _money(sales["salesGross"]["amount"]) - _money(sales["returns"]["amount"])
    assert sold == gross + get("external_tax", ZERO)
    assert _money(sales["discountForLineitems"]["amount"]) == get("line_discount", ZERO)
    assert _money(sales["discountForSubtotal"]["amount"]) == get("cart_discount", ZERO)
    assert sum((_money(t["taxAmount"]) for t in sales["taxes"]), ZERO) == (
        get("external_tax", ZERO) + get("internal_tax", ZERO))
    # the cart's allocations of a cart discount may overshoot it by rounding (spec/30 §7.2, left uncorrected)
    over_allocated = get("allocated", ZERO) - get("cart_discount", ZERO)
    assert _money(sales["salesNet"]["amount"]) == net - get("internal_tax", ZERO) + over_allocated
    assert sales["salesNet"]["quantity"] == category["totalQuantity"]
    paid = {p["paymentName"]: _money(p["amount"]) for p in sales["payments"]}
    assert sum(paid.values(), ZERO) == get("with_tax", ZERO) == sum(stored["payments"].values(), ZERO)
    assert sold - get("line_discount", ZERO) - get("cart_discount", ZERO) == get("with_tax", ZERO)
    assert {t["taxName"]: _money(t["taxAmount"]) for t in sales["taxes"]} == {
        name: stored["taxes"][code] for code, name in (("01", "外税10%"), ("02", "内税10%"), ("11", "外税 8%"),
                                                       ("12", "内税 8%"), ("00", "非課税"))
        if code in stored["taxes"]}

    # payment report = sales report payments = stored payments
    assert _money(payment["total"]["amount"]) == sum(stored["payments"].values(), ZERO)
    assert {p["payment_code"]: _money(p["amount"]) for p in payment["payment_summary"]} == stored["payments"]
    return sales


# No shrinking: each example is a day of API calls; the falsifying day is printed as generated.
@settings(max_examples=20, derandomize=True, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sales=day)
def test_every_report_agrees_with_the_others_and_the_stored_transactions(
    sales, store, api, token_a, django_capture_on_commit_callbacks
):
    terminal = f"/terminal/api/v1/terminals/{store.terminal_id}"
    key = {"HTTP_X_API_KEY": store.api_key}
    with transaction.atomic():
        with django_capture_on_commit_callbacks(execute=True):
            opened = api.post(f"{terminal}/open", {"initialAmount": 10000}, format="json", **key)
            assert opened.status_code == 200, opened.content.decode()
            for spec in sales:
                _make_sale(store, spec)
        business_date = opened.json()["data"]["businessDate"]
        flash = _check_agreement(api, token_a, business_date)

        with django_capture_on_commit_callbacks(execute=True):
            closed = api.post(f"{terminal}/close", {"physicalAmount": 20000}, format="json", **key)
            assert closed.status_code == 200, closed.content.decode()
        daily = _report(api, token_a, business_date, "sales", scope="daily")
        # the close brings the drawer count: only the physical cash (and its difference) may differ
        assert daily["cash"]["logicalAmount"] == flash["cash"]["logicalAmount"]
        assert daily["cash"]["physicalAmount"] == 20000.0
        assert _figures(daily) == _figures(flash)
        transaction.set_rollback(True)
