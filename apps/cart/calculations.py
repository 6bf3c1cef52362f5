"""The cart calculation engine (spec/30 §6-§9): pure functions over frozen dataclasses and ``Decimal``.

Nothing here touches the database or settings; ``services`` loads the inputs, calls these, and saves the results.
Every rounding goes through ``apps.core.rounding`` with an explicit method.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from apps.core.rounding import round_discount, round_tax

ZERO = Decimal(0)
AMOUNT = "DiscountAmount"
PERCENTAGE = "DiscountPercentage"


class CalculationError(Exception):
    """A request the engine cannot compute; carries the Kugelpos code and our (4xx) status."""

    def __init__(self, message: str, *, code: str, status: int = 400) -> None:
        self.message, self.code, self.status = message, code, status
        super().__init__(message)


# --- inputs and outputs -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DiscountInput:
    discount_type: str
    discount_value: Decimal


@dataclass(frozen=True)
class LineInput:
    unit_price: Decimal
    quantity: int
    discounts: tuple[DiscountInput, ...] = ()
    allocated: Decimal = ZERO  # Σ cart-discount allocations on this line
    tax_code: str = "01"
    is_cancelled: bool = False
    is_discount_restricted: bool = False


@dataclass(frozen=True)
class LineResult:
    discount_amounts: tuple[Decimal, ...]
    amount: Decimal


@dataclass(frozen=True)
class TaxRule:
    tax_code: str
    tax_type: str  # External | Internal | Exempt
    tax_name: str
    rate: Decimal
    round_digit: int
    round_method: str | None


@dataclass(frozen=True)
class TaxResult:
    tax_no: int
    tax_code: str
    tax_type: str
    tax_name: str
    tax_amount: Decimal
    target_amount: Decimal
    target_quantity: int


@dataclass(frozen=True)
class Totals:
    subtotal_amount: Decimal
    total_amount: Decimal
    tax_amount: Decimal
    total_amount_with_tax: Decimal
    total_quantity: int
    total_discount_amount: Decimal
    balance_amount: Decimal


@dataclass(frozen=True)
class RecalcResult:
    lines: tuple[LineResult | None, ...]  # None for cancelled lines (they keep their stale values)
    taxes: tuple[TaxResult, ...]
    totals: Totals


# --- lines --------------------------------------------------------------------------------------------------
def compute_line(line: LineInput, rounding: str | None) -> LineResult:
    """Line discounts and amount (§6.2 step 2): percentages cascade per unit, amounts are per line."""
    gross = line.unit_price * line.quantity
    amounts = [ZERO] * len(line.discounts)
    for index, discount in enumerate(line.discounts):
        if discount.discount_type != PERCENTAGE:
            continue
        if line.quantity == 0:
            raise CalculationError("Cannot apply a percentage discount to a line of quantity 0", code="900999")
        base = (gross - sum(amounts, ZERO)) / line.quantity
        amounts[index] = round_discount(base * discount.discount_value / 100, rounding) * line.quantity
    for index, discount in enumerate(line.discounts):
        if discount.discount_type == AMOUNT:
            amounts[index] = discount.discount_value
    return LineResult(tuple(amounts), gross - sum(amounts, ZERO))


def compute_taxes(
    lines: Sequence[tuple[LineInput, Decimal]], tax_table: dict[str, TaxRule]
) -> tuple[TaxResult, ...]:
    """Taxes per tax code in order of first appearance (§6.2 step 3), rounded per group, not per line.

    ``lines`` are the non-cancelled lines with their computed amounts.
    """
    groups: dict[str, list[Decimal | int]] = {}
    for line, amount in lines:
        target = groups.setdefault(line.tax_code, [ZERO, 0])
        target[0] += amount - line.allocated
        target[1] += line.quantity
    results = []
    for number, (code, (target, quantity)) in enumerate(groups.items(), start=1):
        rule = tax_table.get(code)
        if rule is None:
            raise CalculationError(f"Tax master not found: tax_code->{code}", code="100001", status=404)
        if rule.tax_type == "External":
            raw = target * rule.rate / 100
        elif rule.tax_type == "Internal":
            raw = target / (1 + rule.rate / 100) * rule.rate / 100
        else:
            raw = ZERO
        results.append(
            TaxResult(number, code, rule.tax_type, rule.tax_name, round_tax(raw, rule.round_method, rule.round_digit),
                      target, quantity)
        )
    return tuple(results)


def recalc(
    *,
    lines: Sequence[LineInput],
    cart_discount_amounts: Sequence[Decimal],
    payment_amounts: Sequence[Decimal],
    tax_table: dict[str, TaxRule],
    rounding: str | None,
) -> RecalcResult:
    """The Recalc pipeline after promotions (§6.2 steps 2-4)."""
    results: list[LineResult | None] = []
    live: list[tuple[LineInput, Decimal]] = []
    line_discount_total = ZERO
    for line in lines:
        if line.is_cancelled:
            results.append(None)
            continue
        result = compute_line(line, rounding)
        results.append(result)
        live.append((line, result.amount))
        line_discount_total += sum(result.discount_amounts, ZERO)
    taxes = compute_taxes(live, tax_table)
    subtotal = sum((amount for _, amount in live), ZERO)
    cart_discounts = sum(cart_discount_amounts, ZERO)
    total = subtotal - cart_discounts
    external_tax = sum((tax.tax_amount for tax in taxes if tax.tax_type == "External"), ZERO)
    with_tax = total + external_tax
    totals = Totals(
        subtotal_amount=subtotal,
        total_amount=total,
        tax_amount=external_tax,
        total_amount_with_tax=with_tax,
        total_quantity=sum(line.quantity for line, _ in live),
        total_discount_amount=cart_discounts + line_discount_total,
        balance_amount=with_tax - sum(payment_amounts, ZERO),
    )
    return RecalcResult(tuple(results), taxes, totals)


# --- money that cannot leave the till (ours, issue #20) ------------------------------------------------------
# Kugelpos accepts a quantity of -5, a unit price of -1000, a discount of 150 % and a payment of -1000, and bills a
# sale below 0: cash out of the drawer with no return on record. Returns and voids are the only way money goes
# back (their own endpoints and rules), so a cart refuses these, and nothing is changed.
NORMAL_SALES = 101
MAX_PERCENTAGE = Decimal(100)


def validate_quantity(quantity: int) -> None:
    """A line's quantity (add items, quantity change) is at least 1."""
    if quantity < 1:
        raise CalculationError(f"Quantity must be at least 1: quantity->{quantity}", code="300001")


def validate_unit_price(unit_price: Decimal, *, item_code: str | None = None) -> None:
    """A line's unit price (given at add, changed, or the item's master price) is 0 or more."""
    if unit_price < 0:
        item = f"item_code->{item_code}, " if item_code is not None else ""
        raise CalculationError(f"Unit price must not be negative: {item}unit_price->{unit_price}", code="300001")


def validate_payment_amount(amount: Decimal) -> None:
    """A tendered amount is more than 0."""
    if amount <= 0:
        raise CalculationError(f"Payment amount must be greater than 0: amount->{amount}", code="300001")


def validate_discount_value(request: DiscountInput) -> None:
    """A percentage is in (0, 100], an amount is 0 or more (line and cart discounts); Kugelpos' code for a bad
    discount, 900001, with our 400. Unknown types are left to the caller, which reports them the same way."""
    if request.discount_type == PERCENTAGE and not ZERO < request.discount_value <= MAX_PERCENTAGE:
        raise CalculationError(
            f"Discount percentage must be greater than 0 and at most 100: {request.discount_value}", code="900001"
        )
    if request.discount_type == AMOUNT and request.discount_value < 0:
        raise CalculationError(f"Discount amount must not be negative: {request.discount_value}", code="900001")


def is_sale_below_zero(*, transaction_type: int, total_amount: Decimal, total_amount_with_tax: Decimal) -> bool:
    """Whether a bill would record a sale (101) below 0, before or after tax: refused (406 ``403003``)."""
    return transaction_type == NORMAL_SALES and (total_amount < 0 or total_amount_with_tax < 0)


# --- line discounts (#9) ------------------------------------------------------------------------------------
def validate_line_discounts(
    requests: Sequence[DiscountInput], *, line_amount: Decimal, is_discount_restricted: bool
) -> None:
    """§7.1 checks; each amount discount is compared with the line amount on its own, not cumulatively."""
    if is_discount_restricted:
        raise CalculationError("Discount is restricted for this item", code="402005")
    for request in requests:
        if request.discount_type not in (AMOUNT, PERCENTAGE):
            raise CalculationError(f"Invalid discount type: {request.discount_type}", code="900001")
        validate_discount_value(request)
        if request.discount_type == AMOUNT and request.discount_value > line_amount:
            raise CalculationError(
                f"Discount amount {request.discount_value} exceeds line amount {line_amount}", code="402002"
            )


# --- cart discounts (#11) -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AllocationLine:
    amount: Decimal
    quantity: int
    is_cancelled: bool
    is_discount_restricted: bool


def cart_discount_amounts(
    requests: Sequence[DiscountInput],
    *,
    lines: Sequence[AllocationLine],
    balance_amount: Decimal,
    rounding: str | None,
) -> tuple[Decimal, ...]:
    """§7.2 step 1: the amount of each cart discount."""
    eligible = sum((line.amount for line in lines if not line.is_cancelled and not line.is_discount_restricted), ZERO)
    amounts = []
    for request in requests:
        validate_discount_value(request)
        if request.discount_type == AMOUNT:
            if balance_amount < request.discount_value:
                raise CalculationError(
                    f"Discount amount {request.discount_value} exceeds the balance {balance_amount}", code="402003"
                )
            amounts.append(request.discount_value)
        elif request.discount_type == PERCENTAGE:
            amounts.append(round_discount(eligible * request.discount_value / 100, rounding))
        else:
            raise CalculationError(f"Invalid discount type: {request.discount_type}", code="900001")
    return tuple(amounts)


def allocate_cart_discount(
    discount_amount: Decimal, *, lines: Sequence[AllocationLine], subtotal_amount: Decimal, rounding: str | None
) -> tuple[Decimal, ...]:
    """§7.2 step 2 for one discount: each eligible line's share, the rounding remainder walked onto the lines
    with the highest amounts (at most its quantity per line). Cancelled and restricted lines get nothing.
    """
    shares = []
    for line in lines:
        if line.is_cancelled or line.is_discount_restricted or subtotal_amount == 0:
            shares.append(ZERO)
        else:
            shares.append(round_discount(discount_amount * line.amount / subtotal_amount, rounding))
    remainder = discount_amount - sum(shares, ZERO)
    if remainder > 0:
        order = sorted(range(len(lines)), key=lambda index: lines[index].amount, reverse=True)
        for index in order:
            line = lines[index]
            if line.is_cancelled or line.is_discount_restricted:
                continue
            step = min(remainder, Decimal(line.quantity))
            if step <= 0:
                continue
            shares[index] += step
            remainder -= step
            if remainder == 0:
                break
        if remainder > 0:
            raise CalculationError(
                f"Cannot allocate the cart discount remainder: {remainder}", code="402004"
            )
    return tuple(shares)


# --- payments (#12) -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PaymentOutcome:
    amount: Decimal  # applied to the sale (net of change)
    deposit_amount: Decimal
    change_amount: Decimal | None  # set when a cash payment produced change
    balance_after: Decimal


# --- stamp duty (§9.2) --------------------------------------------------------------------------------------
DEFAULT_STAMP_DUTY_MASTER: tuple[tuple[int, int], ...] = (
    (1_000_000_000, 200_000),
    (500_000_000, 150_000),
    (300_000_000, 100_000),
    (200_000_000, 60_000),
    (100_000_000, 40_000),
    (50_000_000, 20_000),
    (30_000_000, 10_000),
    (20_000_000, 6_000),
    (10_000_000, 4_000),
    (5_000_000, 2_000),
    (3_000_000, 1_000),
    (2_000_000, 600),
    (1_000_000, 400),
    (50_000, 200),
)


@dataclass(frozen=True)
class StampDuty:
    is_applied: bool
    target_amount: Decimal
    amount: Decimal


def stamp_duty(
    *,
    total_amount_with_tax: Decimal,
    tax_amounts: Sequence[Decimal],
    cash_amounts: Sequence[Decimal],
    table: Sequence[tuple[int, int]] = DEFAULT_STAMP_DUTY_MASTER,
) -> StampDuty:
    """The first tier (thresholds descending) met by both the net-of-tax total and the cash paid."""
    net = total_amount_with_tax - sum(tax_amounts, ZERO)
    cash = sum(cash_amounts, ZERO)
    for threshold, duty in table:
        if threshold <= net and threshold <= cash:
            return StampDuty(True, cash, Decimal(duty))
    return StampDuty(False, ZERO, ZERO)
