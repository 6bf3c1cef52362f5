"""Cart commands (spec/30 §4-§8): each loads the cart under a row lock, checks the state machine, changes the
document, recalculates and saves, all in one transaction. A failing request changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Json

from apps.cart import calculations as calc
from apps.cart.context import TerminalContext
from apps.cart.document import CartDocument, Discount, LineItem, Payment, Tax
from apps.cart.errors import CartError, CartNotFoundError
from apps.cart.models import CART_TTL, Cart
from apps.cart.plugins.payments import payment_plugin
from apps.cart.plugins.promotions import promotion_plugins
from apps.cart.plugins.promotions.base import ActivePromotion, PromotionLine
from apps.cart.states import CartEvent, CartState, next_state
from apps.core.compiled import CompiledSelect
from apps.core.errors import NotFoundError
from apps.core.formats import iso_app
from apps.core.limits import INT32
from apps.masterdata import selectors as masterdata

logger = logging.getLogger(__name__)

# What a cart can hold and still be stored as a transaction log, and summed by the report (ours: Kugelpos has no
# bound and fails when it saves): an amount below 10^12, a quantity below 10^8, per line and in total.
MAX_AMOUNT = Decimal(10) ** 12
MAX_QUANTITY = 10**8
# The transaction log's integer column (psycopg would store 2^31 wrapped around to -2^31; 2^63 failed the bill).
# Types that give money back (return 102, void sale 201, void return 202, cancelled sale -101): a cart created with
# one would bill a refund with no original on record. They come only from the void and return endpoints, whose
# rules check the original (issue #20, money that cannot leak). Kugelpos' own tests create carts with type 1.
MONEY_BACK_TRANSACTION_TYPES = frozenset({102, 201, 202, -101})
SNAPSHOT_SETTINGS = (
    "RECEIPT_NO_START_VALUE",
    "RECEIPT_NO_END_VALUE",
    "INVOICE_REGISTRATION_NUMBER",
    "RECEIPT_HEADERS",
    "RECEIPT_FOOTERS",
)


@dataclass(frozen=True)
class ItemRequest:
    item_code: str
    quantity: int
    unit_price: Decimal | None = None


@dataclass(frozen=True)
class DiscountRequest:
    discount_type: str
    discount_value: Decimal
    detail: str | None = None


@dataclass(frozen=True)
class PaymentRequest:
    payment_code: str
    amount: Decimal
    detail: str | None = None


def discount_rounding() -> str:
    return getattr(settings, "CART_ROUND_METHOD_FOR_DISCOUNT", None) or settings.ROUND_METHOD_FOR_DISCOUNT


def _raise_calculation(error: calc.CalculationError) -> None:
    raise CartError(error.message, code=error.code, status=error.status) from error


# --- create / load / save -----------------------------------------------------------------------------------
def cart_create(*, context: TerminalContext, transaction_type: int = 101, user_id: str | None = None,
                user_name: str | None = None) -> CartDocument:
    """A new cart for an opened terminal with a signed-in staff member (spec/30 §4.1)."""
    if INT32.error(transaction_type) is not None:
        raise CartError(
            f"Transaction type out of range: transactionType must be between {INT32.minimum} and {INT32.maximum}",
            code="300001",
            status=400,
        )
    if transaction_type in MONEY_BACK_TRANSACTION_TYPES:
        raise CartError(
            f"Transaction type {transaction_type} cannot be created as a cart: returns and voids go through "
            "their own endpoints (/transactions/{transaction_no}/return, /void)",
            code="300001",
            status=400,
        )
    if context.status != "Opened":
        raise CartError(f"Terminal is not opened: {context.terminal_id}", code="404001", status=400)
    if not context.staff_id:
        raise CartError(f"No staff signed in on terminal: {context.terminal_id}", code="404002", status=400)
    from apps.terminal.selectors import store_get

    store = store_get(store_code=context.store_code, cache_version=context.cache_version)
    if store is None:
        raise NotFoundError(f"Store not found: store_code->{context.store_code}")
    now = timezone.now()
    snapshot = masterdata.setting_values_get(
        names=SNAPSHOT_SETTINGS, store_code=context.store_code, terminal_no=context.terminal_no,
        cache_version=context.cache_version,
    )
    document = CartDocument(
        cart_id=str(uuid.uuid4()),
        tenant_id=context.tenant_id,
        store_code=context.store_code,
        store_name=store.store_name,
        terminal_no=context.terminal_no,
        terminal_id=context.terminal_id,
        transaction_type=transaction_type,
        business_date=context.business_date,
        user={"id": user_id, "name": user_name},
        staff=context.staff,
        settings=snapshot,
        tax_master=[
            {"tax_code": t.tax_code, "tax_type": t.tax_type, "tax_name": t.tax_name, "rate": str(t.rate),
             "round_digit": t.round_digit, "round_method": t.round_method}
            for t in masterdata.tax_table()
        ],
    )
    document.sales.reference_date_time = iso_app(now)
    Cart.objects.create(cart_id=document.cart_id, terminal_id=context.terminal_id, status=document.status,
                        document=document.to_json(), created_at=now, updated_at=now)
    return document


# Every cart request loads its cart: the SQL is compiled once per process. The primary key needs a plain LIMIT 1,
# without the ORDER BY that first() would add.
def _live_cart(cart_id, live_since):
    return Cart.objects.filter(updated_at__gte=live_since, cart_id=cart_id)


_MARKERS = {"cart_id": uuid.UUID(int=0xC0FFEE), "live_since": datetime(1901, 1, 1, tzinfo=UTC)}
_CART_QUERY = CompiledSelect(lambda **values: _live_cart(**values)[:1], **_MARKERS)
_CART_QUERY_LOCKED = CompiledSelect(lambda **values: _live_cart(**values).select_for_update(of=("self",))[:1],
                                    **_MARKERS)


def _load(cart_id: str, context: TerminalContext, *, lock: bool) -> tuple[Cart, CartDocument]:
    """The live cart and its document. Unlocked, it is the one read with the request's API key when there is one
    (``context.preloaded_cart``): a command that then finds it changed by the time it saves reads it again with
    ``TerminalContext.without_preloaded_cart``."""
    try:
        key = uuid.UUID(str(cart_id))
    except ValueError:
        raise CartNotFoundError(f"Cart not found: cart_id->{cart_id}") from None
    preloaded = context.preloaded_cart
    if not lock and preloaded is not None and preloaded.cart_id == key:
        row = None if preloaded.document is None else Cart(
            cart_id=key, revision=preloaded.revision, document=preloaded.document
        )
    else:
        found = (_CART_QUERY_LOCKED if lock else _CART_QUERY).fetch(cart_id=key,
                                                                    live_since=timezone.now() - CART_TTL)
        row = found[0] if found else None
    if row is None or not context.staff_id:
        # Kugelpos cannot load a cart while no staff is signed in on the terminal (spec/30 §12)
        raise CartNotFoundError(f"Cart not found: cart_id->{cart_id}")
    document = CartDocument.from_json(row.document)
    document.staff = context.staff
    return row, document


def cart_get(*, cart_id: str, context: TerminalContext) -> CartDocument:
    _, document = _load(cart_id, context, lock=False)
    next_state(document.status, CartEvent.GET)
    return document


# A cart change is computed outside any transaction and written only over the revision it started from; when
# another request saved the cart in between, it is computed again on the new state. Each attempt loses only to a
# request that succeeded, so two requests at once both land within two attempts.
OPTIMISTIC_ATTEMPTS = 5


def _command(
    cart_id: str,
    context: TerminalContext,
    event: CartEvent,
    change: Callable[[CartDocument], None],
    *,
    recalculate: bool = True,
    writes_logs: bool = False,
) -> CartDocument:
    """Load, check the state, change, recalculate, save.

    A change that writes logs (bill, cancel: the transaction log, its numbers and its event) runs in one
    transaction under the cart's row lock, so it happens once. Every other change is a pure function of the cart
    document: it is saved with one conditional UPDATE (no transaction, no lock) and retried on a conflict.
    """
    if writes_logs:
        with transaction.atomic():
            row, document = _load(cart_id, context, lock=True)
            _apply(document, context, event, change, recalculate=recalculate)
            if not _save_over(row, document):  # cannot happen: the row is locked since it was read
                raise RuntimeError(f"cart {cart_id} changed revision under its row lock")
        return document
    for _attempt in range(OPTIMISTIC_ATTEMPTS):
        row, document = _load(cart_id, context, lock=False)
        _apply(document, context, event, change, recalculate=recalculate)
        if _save_over(row, document):
            return document
        context = context.without_preloaded_cart()  # changed since: read it again
    raise CartError(
        f"The cart was changed by other requests at the same time; try again: cart_id->{cart_id}",
        code="100000",
        status=409,
    )


def _column(name: str) -> str:
    return connection.ops.quote_name(Cart._meta.get_field(name).column)


# The optimistic save of every cart change, written once (QuerySet.update compiles it again on every call).
_SAVE_OVER_REVISION = (
    f"UPDATE {connection.ops.quote_name(Cart._meta.db_table)} SET {_column('document')} = %s, "
    f"{_column('status')} = %s, {_column('updated_at')} = %s, {_column('revision')} = %s "
    f"WHERE {_column('cart_id')} = %s AND {_column('revision')} = %s"
)


def _save_over(row: Cart, document: CartDocument) -> bool:
    """Save ``document`` if the cart is still at ``row.revision``; False if another request saved it first."""
    params = [Json(document, dumps=CartDocument.to_json_bytes), document.status, timezone.now(),
              row.revision + 1, row.cart_id, row.revision]
    with connection.cursor() as cursor:
        cursor.execute(_SAVE_OVER_REVISION, params)
        return cursor.rowcount == 1


def _apply(document: CartDocument, context: TerminalContext, event: CartEvent,
           change: Callable[[CartDocument], None], *, recalculate: bool) -> None:
    target = next_state(document.status, event)
    try:
        change(document)
        if recalculate:
            cart_recalculate(document, cache_version=context.cache_version)
    except calc.CalculationError as error:
        _raise_calculation(error)
    _check_storable(document)
    if target is not document.status:
        document.status = target.value if isinstance(target, CartState) else target


def _check_quantity(quantity: int) -> None:
    """A line's quantity as sent (add items, quantity change): at least 1, and below the bound of the logs before
    anything is computed with it (10^30 made the tax rounding fail with a 500)."""
    calc.validate_quantity(quantity)
    if quantity >= MAX_QUANTITY:
        raise CartError(f"Quantity out of range: must be less than {MAX_QUANTITY}", code="300001", status=400)


def _check_storable(document: CartDocument) -> None:
    """Refuse (400, nothing saved) a change that leaves an amount or quantity the logs cannot hold."""
    parts = [document, document.sales, *document.line_items, *document.payments, *document.taxes,
             *document.subtotal_discounts]
    for line in document.line_items:
        parts.extend([*line.discounts, *line.discounts_allocated])
    for part in parts:
        for name in part.MONEY:
            value = getattr(part, name)
            if value is not None and abs(value) >= MAX_AMOUNT:
                raise CartError(f"Amount out of range: {name} must be less than {MAX_AMOUNT}", code="300001",
                                status=400)
    quantities = [line.quantity for line in document.line_items] + [document.sales.total_quantity]
    if any(abs(quantity) >= MAX_QUANTITY for quantity in quantities):
        raise CartError(f"Quantity out of range: must be less than {MAX_QUANTITY}", code="300001", status=400)


# --- recalculation ------------------------------------------------------------------------------------------
def _tax_table(document: CartDocument) -> dict[str, calc.TaxRule]:
    return {
        t["tax_code"]: calc.TaxRule(t["tax_code"], t["tax_type"], t["tax_name"], Decimal(str(t["rate"])),
                                    int(t.get("round_digit") or 0), t.get("round_method"))
        for t in document.tax_master
    }


def _detail(detail) -> dict | None:
    """Master data's promotion detail in the wire form the plugins parse."""
    if detail is None:
        return None
    return {
        "targetStoreCodes": list(detail.target_store_codes),
        "targetCategoryCodes": list(detail.target_category_codes),
        "discountRate": str(detail.discount_rate),
    }


def _active_promotions(store_code: str, cache_version: int | None) -> list[ActivePromotion]:
    try:
        return [
            ActivePromotion(p.promotion_code, p.promotion_type, p.name, _detail(p.detail))
            for p in masterdata.promotions_active(store_code=store_code, cache_version=cache_version)
        ]
    except Exception:  # noqa: BLE001 - spec/30 §7.3: a promotion fetch failure means no promotions
        logger.exception("could not read active promotions")
        return []


def _apply_promotions(document: CartDocument, phase: str, cache_version: int | None) -> None:
    plugins = [plugin for plugin in promotion_plugins() if plugin.execution_phase == phase]
    if not plugins:
        return
    promotions = (_active_promotions(document.store_code, cache_version)
                  if any(p.needs_promotions for p in plugins) else [])
    for plugin in plugins:
        lines = [
            PromotionLine(line.category_code, line.is_cancelled, line.is_discount_restricted,
                          tuple(d.promotion_type for d in line.discounts))
            for line in document.line_items
        ]
        try:
            proposals = plugin.propose(lines=lines, promotions=promotions)
        except Exception:  # noqa: BLE001 - a plugin error is logged and ignored (spec/30 §7.3)
            logger.exception("promotion plugin %s failed", type(plugin).__name__)
            continue
        for proposal in proposals:
            line = document.line_items[proposal.line_index]
            line.discounts.append(
                Discount(len(line.discounts) + 1, proposal.discount_type, proposal.discount_value, Decimal(0),
                         proposal.detail, proposal.promotion_code, proposal.promotion_type)
            )


def _run_engine(document: CartDocument) -> None:
    inputs = [
        calc.LineInput(
            unit_price=line.unit_price,
            quantity=line.quantity,
            discounts=tuple(calc.DiscountInput(d.discount_type, d.discount_value) for d in line.discounts),
            allocated=sum((a.discount_amount for a in line.discounts_allocated), Decimal(0)),
            tax_code=line.tax_code,
            is_cancelled=line.is_cancelled,
            is_discount_restricted=line.is_discount_restricted,
        )
        for line in document.line_items
    ]
    result = calc.recalc(
        lines=inputs,
        cart_discount_amounts=[d.discount_amount for d in document.subtotal_discounts],
        payment_amounts=[p.amount for p in document.payments],
        tax_table=_tax_table(document),
        rounding=discount_rounding(),
    )
    for line, line_result in zip(document.line_items, result.lines, strict=True):
        if line_result is None:
            continue
        for discount, amount in zip(line.discounts, line_result.discount_amounts, strict=True):
            discount.discount_amount = amount
        line.amount = line_result.amount
    document.taxes = [
        Tax(t.tax_no, t.tax_code, t.tax_type, t.tax_name, t.tax_amount, t.target_amount, t.target_quantity)
        for t in result.taxes
    ]
    totals = result.totals
    document.subtotal_amount = totals.subtotal_amount
    document.sales.total_amount = totals.total_amount
    document.sales.tax_amount = totals.tax_amount
    document.sales.total_amount_with_tax = totals.total_amount_with_tax
    document.sales.total_quantity = totals.total_quantity
    document.sales.total_discount_amount = totals.total_discount_amount
    document.balance_amount = totals.balance_amount


def cart_recalculate(document: CartDocument, *, cache_version: int | None = None) -> None:
    """The Recalc pipeline (spec/30 §6.2): line-item promotions, lines, taxes, totals; subtotal promotions.

    ``cache_version``: the tenant data version of the request (``apps.core.cache``), None to read uncached."""
    _apply_promotions(document, "line_item", cache_version)
    _run_engine(document)
    if any(plugin.execution_phase == "subtotal" for plugin in promotion_plugins()):
        _apply_promotions(document, "subtotal", cache_version)
        _run_engine(document)


# --- line commands ------------------------------------------------------------------------------------------
def _line(document: CartDocument, line_no: int) -> LineItem:
    if line_no < 1 or line_no > len(document.line_items):
        raise CartError(f"Line item not found: line_no->{line_no}", code="900999", status=404)
    return document.line_items[line_no - 1]


def cart_add_items(*, cart_id: str, context: TerminalContext, items: Sequence[ItemRequest]) -> CartDocument:
    """Add lines in request order; an item's master data is read once per cart (spec/30 §4.2)."""

    def change(document: CartDocument) -> None:
        for item in items:  # before any master-data read: a refused request costs no query
            _check_quantity(item.quantity)
            if item.unit_price is not None:
                calc.validate_unit_price(item.unit_price, item_code=item.item_code)
        missing = {item.item_code for item in items} - document.items.keys()
        if missing:
            found = masterdata.item_details_map(store_code=document.store_code, item_codes=missing,
                                                cache_version=context.cache_version)
            for code, details in found.items():
                document.items[code] = {
                    "item_code": details.item_code,
                    "category_code": details.category_code,
                    "description": details.description,
                    "unit_price": str(details.unit_price),
                    "store_price": None if details.store_price is None else str(details.store_price),
                    "tax_code": details.tax_code,
                    "is_discount_restricted": details.is_discount_restricted,
                }
        for item in items:
            master = document.items.get(item.item_code)
            if master is None:
                raise CartError(f"Item not found: item_code->{item.item_code}", code="402001", status=404)
            if item.unit_price:
                price = item.unit_price
            elif master.get("store_price") and Decimal(master["store_price"]):
                price = Decimal(master["store_price"])
            else:
                price = Decimal(master["unit_price"])
            calc.validate_unit_price(price, item_code=item.item_code)  # a negative master price is not sold either
            document.line_items.append(
                LineItem(
                    line_no=len(document.line_items) + 1,
                    item_code=item.item_code,
                    category_code=master.get("category_code"),
                    description=master.get("description") or "",
                    unit_price=price,
                    quantity=item.quantity,
                    tax_code=master.get("tax_code") or "",
                    is_discount_restricted=bool(master.get("is_discount_restricted")),
                )
            )

    return _command(cart_id, context, CartEvent.ADD_ITEMS, change)


def cart_cancel_line(*, cart_id: str, context: TerminalContext, line_no: int) -> CartDocument:
    def change(document: CartDocument) -> None:
        _line(document, line_no).is_cancelled = True

    return _command(cart_id, context, CartEvent.CANCEL_LINE, change)


def cart_update_unit_price(*, cart_id: str, context: TerminalContext, line_no: int,
                           unit_price: Decimal) -> CartDocument:
    def change(document: CartDocument) -> None:
        line = _line(document, line_no)
        calc.validate_unit_price(unit_price)
        if not line.is_unit_price_changed:
            line.is_unit_price_changed = True
            line.unit_price_original = line.unit_price
        line.unit_price = unit_price

    return _command(cart_id, context, CartEvent.UPDATE_UNIT_PRICE, change)


def cart_update_quantity(*, cart_id: str, context: TerminalContext, line_no: int, quantity: int) -> CartDocument:
    def change(document: CartDocument) -> None:
        line = _line(document, line_no)
        _check_quantity(quantity)
        line.quantity = quantity

    return _command(cart_id, context, CartEvent.UPDATE_QUANTITY, change)


def cart_set_line_discounts(*, cart_id: str, context: TerminalContext, line_no: int,
                            discounts: Sequence[DiscountRequest]) -> CartDocument:
    """Replace a line's discounts (spec/30 §7.1); a removed promotion comes back at the next Recalc."""

    def change(document: CartDocument) -> None:
        line = _line(document, line_no)
        calc.validate_line_discounts(
            [calc.DiscountInput(d.discount_type, d.discount_value) for d in discounts],
            line_amount=line.amount,
            is_discount_restricted=line.is_discount_restricted,
        )
        line.discounts = [
            Discount(index, d.discount_type, d.discount_value, Decimal(0), d.detail)
            for index, d in enumerate(discounts, start=1)
        ]

    return _command(cart_id, context, CartEvent.LINE_DISCOUNTS, change)


# --- subtotal, cart discounts, payments ---------------------------------------------------------------------
def cart_subtotal(*, cart_id: str, context: TerminalContext) -> CartDocument:
    return _command(cart_id, context, CartEvent.SUBTOTAL, lambda document: None)


def cart_set_cart_discounts(*, cart_id: str, context: TerminalContext,
                            discounts: Sequence[DiscountRequest]) -> CartDocument:
    """Replace the cart discounts and allocate every one of them over the lines (spec/30 §7.2, ours)."""

    def change(document: CartDocument) -> None:
        allocation_lines = [
            calc.AllocationLine(line.amount, line.quantity, line.is_cancelled, line.is_discount_restricted)
            for line in document.line_items
        ]
        requests = [calc.DiscountInput(d.discount_type, d.discount_value) for d in discounts]
        amounts = calc.cart_discount_amounts(
            requests, lines=allocation_lines, balance_amount=document.balance_amount, rounding=discount_rounding()
        )
        document.subtotal_discounts = [
            Discount(index, d.discount_type, d.discount_value, amount, d.detail)
            for index, (d, amount) in enumerate(zip(discounts, amounts, strict=True), start=1)
        ]
        for line in document.line_items:
            line.discounts_allocated = []
        for discount in document.subtotal_discounts:
            shares = calc.allocate_cart_discount(
                discount.discount_amount, lines=allocation_lines, subtotal_amount=document.subtotal_amount,
                rounding=discount_rounding(),
            )
            for line, share in zip(document.line_items, shares, strict=True):
                if line.is_cancelled or line.is_discount_restricted:
                    continue
                line.discounts_allocated.append(
                    Discount(discount.seq_no, discount.discount_type, discount.discount_value, share, discount.detail)
                )

    return _command(cart_id, context, CartEvent.CART_DISCOUNTS, change)


def cart_add_payments(*, cart_id: str, context: TerminalContext,
                      payments: Sequence[PaymentRequest]) -> CartDocument:
    """Apply tendered amounts in order through the payment plugins (spec/30 §8)."""

    def change(document: CartDocument) -> None:
        for request in payments:
            calc.validate_payment_amount(request.amount)
        balance = document.balance_amount
        for request in payments:
            if balance == 0:
                raise CartError(f"Balance is already zero, cart_id: {document.cart_id}", code="403001", status=406)
            plugin = payment_plugin(request.payment_code)
            if plugin is None:
                raise CartError(f"Payment method not supported: {request.payment_code}", code="900001", status=404)
            if balance < 1:
                raise CartError(f"Balance is already zero, cart_id: {document.cart_id}", code="403001", status=406)
            method = masterdata.payment_method_get(payment_code=request.payment_code,
                                                   cache_version=context.cache_version)
            if method is None:
                raise CartError(f"Payment method not found: {request.payment_code}", code="900001", status=404)
            outcome = plugin.apply(deposit=request.amount, balance=balance)
            if outcome.change_amount is not None:
                document.sales.change_amount = outcome.change_amount
            document.payments.append(
                Payment(len(document.payments) + 1, request.payment_code, method.description,
                        outcome.deposit_amount, outcome.amount, request.detail)
            )
            balance = outcome.balance_after

    return _command(cart_id, context, CartEvent.PAYMENTS, change)


def cart_resume(*, cart_id: str, context: TerminalContext) -> CartDocument:
    def change(document: CartDocument) -> None:
        document.payments = []

    return _command(cart_id, context, CartEvent.RESUME, change)


# --- bill and cancel ----------------------------------------------------------------------------------------
def cart_bill(*, cart_id: str, context: TerminalContext) -> CartDocument:
    """Complete the sale: the transaction log, its numbers and its event are written with the cart's new state."""
    from .tranlogs import tranlog_create_from_cart

    def change(document: CartDocument) -> None:
        cart_recalculate(document, cache_version=context.cache_version)
        sales = document.sales
        if calc.is_sale_below_zero(transaction_type=document.transaction_type, total_amount=sales.total_amount,
                                   total_amount_with_tax=sales.total_amount_with_tax):
            raise CartError(
                f"The total of a sale cannot be below 0, cart_id: {document.cart_id}, "
                f"total: {float(sales.total_amount_with_tax)}",
                code="403003",
                status=406,
            )
        if document.balance_amount > 0:
            raise CartError(
                f"The balance is greater than 0, cart_id: {document.cart_id}, "
                f"balance: {float(document.balance_amount)}",
                code="403002",
                status=406,
            )
        tranlog_create_from_cart(document=document, context=context)

    return _command(cart_id, context, CartEvent.BILL, change, recalculate=False, writes_logs=True)


def cart_cancel(*, cart_id: str, context: TerminalContext) -> CartDocument:
    """Cancel the transaction: a cancelled tranlog with its own numbers, without Recalc (spec/30 §9)."""
    from .tranlogs import tranlog_create_from_cart

    def change(document: CartDocument) -> None:
        document.sales.is_cancelled = True
        tranlog_create_from_cart(document=document, context=context)

    return _command(cart_id, context, CartEvent.CANCEL, change, recalculate=False, writes_logs=True)


def cart_purge_expired() -> int:
    """Delete carts untouched for longer than the TTL (run by Celery beat)."""
    deleted, _ = Cart.objects.filter(updated_at__lt=timezone.now() - CART_TTL).delete()
    return deleted
