"""The calculation engine on the worked examples of spec/30 §6.4 and §7 (no database)."""

from decimal import Decimal as D

import pytest

from apps.cart import calculations as calc
from apps.cart.calculations import AMOUNT, PERCENTAGE, AllocationLine, CalculationError, DiscountInput, LineInput

TAX = {
    "00": calc.TaxRule("00", "Exempt", "非課税", D("0"), 0, None),
    "01": calc.TaxRule("01", "External", "外税10%", D("10"), -1, "Floor"),
    "02": calc.TaxRule("02", "Internal", "内税10%", D("10"), -1, "Floor"),
    "11": calc.TaxRule("11", "External", "外税 8%", D("8"), -1, "Floor"),
    "12": calc.TaxRule("12", "Internal", "内税 8%", D("8"), -1, "Floor"),
}


def pct(value):
    return DiscountInput(PERCENTAGE, D(value))


def amt(value):
    return DiscountInput(AMOUNT, D(value))


def run(lines, cart_discounts=(), payments=(), rounding="Round"):
    return calc.recalc(lines=lines, cart_discount_amounts=[D(x) for x in cart_discounts],
                       payment_amounts=[D(x) for x in payments], tax_table=TAX, rounding=rounding)


# --- example A ----------------------------------------------------------------------------------------------
def test_example_a_initial_totals():
    lines = [LineInput(D(1000), 2, tax_code="01"), LineInput(D(550), 3, tax_code="01"),
             LineInput(D(300), 1, tax_code="02")]
    result = run(lines)
    assert [line.amount for line in result.lines] == [D(2000), D(1650), D(300)]
    assert [(t.tax_code, t.target_amount, t.tax_amount) for t in result.taxes] == [("01", D(3650), D(365)),
                                                                                   ("02", D(300), D(27))]
    assert result.totals.total_amount == D(3950) and result.totals.total_amount_with_tax == D(4315)


def test_example_a_line_discounts_then_cart_discount_and_payments():
    l1 = LineInput(D(1000), 2, discounts=(pct(15), amt(100)), tax_code="01")
    lines = [l1, LineInput(D(550), 3, tax_code="01"), LineInput(D(300), 1, tax_code="02")]
    result = run(lines)
    assert result.lines[0].discount_amounts == (D(300), D(100)) and result.lines[0].amount == D(1600)
    assert result.taxes[0].tax_amount == D(325)
    assert (result.totals.total_amount, result.totals.total_amount_with_tax,
            result.totals.total_discount_amount) == (D(3550), D(3875), D(400))
    # cart discount 10 %
    alloc_lines = [AllocationLine(D(1600), 2, False, False), AllocationLine(D(1650), 3, False, False),
                   AllocationLine(D(300), 1, False, False)]
    (amount,) = calc.cart_discount_amounts([pct(10)], lines=alloc_lines, balance_amount=D(3875), rounding="Round")
    assert amount == D(355)
    shares = calc.allocate_cart_discount(amount, lines=alloc_lines, subtotal_amount=D(3550), rounding="Round")
    assert shares == (D(160), D(165), D(30))
    lines = [LineInput(line.unit_price, line.quantity, line.discounts, share, line.tax_code)
             for line, share in zip(lines, shares, strict=True)]
    result = run(lines, cart_discounts=[355])
    assert [(t.target_amount, t.tax_amount) for t in result.taxes] == [(D(2925), D(292)), (D(270), D(24))]
    assert result.totals.total_amount == D(3195) and result.totals.total_amount_with_tax == D(3487)
    assert result.totals.total_discount_amount == D(755) and result.totals.subtotal_amount == D(3550)
    # cashless 1000 paid: balance 2487 (cash and change: test_payment_plugins)
    after = run(lines, cart_discounts=[355], payments=[1000])
    assert after.totals.balance_amount == D(2487)


# --- examples B, C, E ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "amount", "discounts"),
    [
        (LineInput(D(198), 3, (pct(15),)), D(504), (D(90),)),  # B: 29.7 -> 30 per unit
        (LineInput(D(1000), 1, (pct(10), pct(5))), D(855), (D(100), D(45))),  # C: cascade
        (LineInput(D(1000), 2, (amt(100), pct(10))), D(1700), (D(100), D(200))),  # C: pct ignores amount
        (LineInput(D(100), 2, (amt(10),)), D(190), (D(10),)),  # scenario 8
        (LineInput(D(101), 3, (pct(10),)), D(273), (D(30),)),  # 10.1 -> 10 per unit
    ],
)
def test_line_discounts(line, amount, discounts):
    result = calc.compute_line(line, "Round")
    assert result.amount == amount and result.discount_amounts == discounts


@pytest.mark.parametrize(("rounding", "per_unit"), [("Round", 30), ("Floor", 29), ("Ceil", 30), ("None", None)])
def test_discount_rounding_methods(rounding, per_unit):
    result = calc.compute_line(LineInput(D(198), 3, (pct(15),)), rounding)
    expected = D(per_unit) * 3 if per_unit is not None else D("89.1")
    assert result.discount_amounts[0] == expected


def test_example_b_tax():
    result = run([LineInput(D(198), 3, (pct(15),), tax_code="01")])
    assert result.taxes[0].tax_amount == D(50) and result.totals.total_amount_with_tax == D(554)


def test_example_e_internal_and_exempt():
    lines = [LineInput(D(1080), 1, tax_code="12"), LineInput(D(500), 2, tax_code="00"),
             LineInput(D(999), 1, tax_code="11")]
    result = run(lines)
    assert [(t.tax_code, t.tax_type, t.tax_amount) for t in result.taxes] == [
        ("12", "Internal", D(80)), ("00", "Exempt", D(0)), ("11", "External", D(79))]
    assert result.totals.total_amount == D(3079) and result.totals.total_amount_with_tax == D(3158)
    assert result.totals.tax_amount == D(79)


def test_taxes_are_rounded_per_group_not_per_line():
    # 3 lines of 15 at 10 %: per line 1.5 -> 1 each (3), per group 4.5 -> 4
    result = run([LineInput(D(15), 1), LineInput(D(15), 1), LineInput(D(15), 1)])
    assert result.taxes[0].tax_amount == D(4)


def test_cancelled_lines_are_ignored_and_keep_nothing():
    result = run([LineInput(D(100), 2), LineInput(D(500), 1, is_cancelled=True)])
    assert result.lines[1] is None
    assert result.totals.total_quantity == 2 and result.totals.total_amount_with_tax == D(220)


def test_restricted_lines_count_in_subtotal():
    result = run([LineInput(D(100), 1, is_discount_restricted=True), LineInput(D(100), 1)])
    assert result.totals.subtotal_amount == D(200)


def test_unknown_tax_code_is_404_100001():
    with pytest.raises(CalculationError) as error:
        run([LineInput(D(100), 1, tax_code="99")])
    assert (error.value.code, error.value.status) == ("100001", 404)


def test_percentage_on_quantity_zero_is_an_error():
    with pytest.raises(CalculationError) as error:
        calc.compute_line(LineInput(D(100), 0, (pct(10),)), "Round")
    assert error.value.code == "900999" and error.value.status == 400


# --- line discount validation -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("requests", "restricted", "code"),
    [
        ([amt(10)], True, "402005"),
        ([amt(201)], False, "402002"),
        ([amt(150), amt(150)], False, None),  # each checked on its own
        ([pct(101)], False, "900001"),
        ([pct(-1)], False, "900001"),
        ([pct(0)], False, "900001"),  # ours: a percentage is in (0, 100] (Kugelpos accepts 0)
        ([pct("0.5")], False, None),
        ([pct(100)], False, None),
        ([amt(-1)], False, "900001"),  # ours: an amount discount is not negative (Kugelpos adds to the line)
        ([amt(0)], False, None),
        ([DiscountInput("Coupon", D(1))], False, "900001"),
        ([pct(100), amt(200)], False, None),
    ],
)
def test_line_discount_validation(requests, restricted, code):
    if code is None:
        calc.validate_line_discounts(requests, line_amount=D(200), is_discount_restricted=restricted)
        return
    with pytest.raises(CalculationError) as error:
        calc.validate_line_discounts(requests, line_amount=D(200), is_discount_restricted=restricted)
    assert error.value.code == code and error.value.status == 400


# --- cart discounts and allocation --------------------------------------------------------------------------
def test_example_d_allocation_remainder_goes_to_the_highest_line():
    lines = [AllocationLine(D(333), 1, False, False), AllocationLine(D(333), 1, False, False),
             AllocationLine(D(334), 1, False, False)]
    shares = calc.allocate_cart_discount(D(100), lines=lines, subtotal_amount=D(1000), rounding="Round")
    assert shares == (D(33), D(33), D(34))
    result = run([LineInput(D(333), 1, allocated=D(33)), LineInput(D(333), 1, allocated=D(33)),
                  LineInput(D(334), 1, allocated=D(34))], cart_discounts=[100])
    assert result.taxes[0].target_amount == D(900) and result.taxes[0].tax_amount == D(90)
    assert result.totals.total_amount_with_tax == D(990)


def test_example_f_two_cart_discounts_are_both_allocated():
    lines = [AllocationLine(D(600), 1, False, False), AllocationLine(D(400), 1, False, False)]
    amounts = calc.cart_discount_amounts([amt(100), pct(10)], lines=lines, balance_amount=D(1100),
                                         rounding="Round")
    assert amounts == (D(100), D(100))
    per_discount = [calc.allocate_cart_discount(a, lines=lines, subtotal_amount=D(1000), rounding="Round")
                    for a in amounts]
    assert per_discount == [(D(60), D(40)), (D(60), D(40))]
    result = run([LineInput(D(600), 1, allocated=D(120)), LineInput(D(400), 1, allocated=D(80))],
                 cart_discounts=amounts)
    assert result.totals.total_amount == D(800)
    assert result.taxes[0].tax_amount == D(80) and result.totals.total_amount_with_tax == D(880)


def test_remainder_walk_skips_restricted_and_cancelled_lines():
    lines = [AllocationLine(D(500), 1, False, True), AllocationLine(D(333), 1, True, False),
             AllocationLine(D(100), 3, False, False)]
    # 3*100/600 = 0.5 -> Floor 0; the remainder 3 skips the restricted and the cancelled line
    shares = calc.allocate_cart_discount(D(3), lines=lines, subtotal_amount=D(600), rounding="Floor")
    assert shares == (D(0), D(0), D(3))


def test_remainder_that_cannot_be_allocated_is_402004():
    lines = [AllocationLine(D(500), 1, False, True), AllocationLine(D(100), 2, False, False)]
    with pytest.raises(CalculationError) as error:
        calc.allocate_cart_discount(D(7), lines=lines, subtotal_amount=D(600), rounding="Floor")
    assert error.value.code == "402004"


def test_cart_amount_discount_over_balance_is_402003_and_percentage_uses_eligible_lines():
    lines = [AllocationLine(D(1000), 1, False, True), AllocationLine(D(500), 1, False, False),
             AllocationLine(D(300), 1, True, False)]
    with pytest.raises(CalculationError) as error:
        calc.cart_discount_amounts([amt(2001)], lines=lines, balance_amount=D(2000), rounding="Round")
    assert error.value.code == "402003"
    assert calc.cart_discount_amounts([pct(10)], lines=lines, balance_amount=D(2000), rounding="Round") == (D(50),)
    with pytest.raises(CalculationError):
        calc.cart_discount_amounts([DiscountInput("Other", D(1))], lines=lines, balance_amount=D(9),
                                   rounding="Round")


@pytest.mark.parametrize("request_", [pct(0), pct(150), pct(-10), amt(-1)])
def test_cart_discount_values_out_of_range_are_400_900001(request_):
    lines = [AllocationLine(D(1000), 1, False, False)]
    with pytest.raises(CalculationError) as error:
        calc.cart_discount_amounts([amt(10), request_], lines=lines, balance_amount=D(1100), rounding="Round")
    assert (error.value.code, error.value.status) == ("900001", 400)


def test_cart_discount_values_at_the_bounds_are_accepted():
    lines = [AllocationLine(D(1000), 1, False, False)]
    assert calc.cart_discount_amounts([pct(100), amt(0)], lines=lines, balance_amount=D(1100),
                                      rounding="Round") == (D(1000), D(0))


# --- money that cannot leave the till (ours, issue #20) ------------------------------------------------------
@pytest.mark.parametrize(("quantity", "refused"), [(1, False), (10, False), (0, True), (-5, True)])
def test_a_line_quantity_is_at_least_one(quantity, refused):
    if not refused:
        calc.validate_quantity(quantity)
        return
    with pytest.raises(CalculationError) as error:
        calc.validate_quantity(quantity)
    assert (error.value.code, error.value.status) == ("300001", 400) and str(quantity) in error.value.message


@pytest.mark.parametrize(("price", "refused"), [("0", False), ("120.5", False), ("-0.01", True), ("-1000", True)])
def test_a_unit_price_is_not_negative(price, refused):
    if not refused:
        calc.validate_unit_price(D(price))
        return
    with pytest.raises(CalculationError) as error:
        calc.validate_unit_price(D(price))
    assert (error.value.code, error.value.status) == ("300001", 400)


@pytest.mark.parametrize(("amount", "refused"), [("1", False), ("0", True), ("-1000", True)])
def test_a_payment_amount_is_positive(amount, refused):
    if not refused:
        calc.validate_payment_amount(D(amount))
        return
    with pytest.raises(CalculationError) as error:
        calc.validate_payment_amount(D(amount))
    assert (error.value.code, error.value.status) == ("300001", 400)


@pytest.mark.parametrize(
    ("transaction_type", "total", "with_tax", "refused"),
    [
        (101, "0", "0", False),
        (101, "100", "110", False),
        (101, "-100", "-110", True),
        (101, "-1", "0", True),  # a negative total is refused even when tax lifts it to 0
        (102, "-100", "-110", False),  # only a sale: returns and voids have their own endpoints and rules
    ],
)
def test_a_sale_total_is_not_negative_at_bill(transaction_type, total, with_tax, refused):
    assert calc.is_sale_below_zero(transaction_type=transaction_type, total_amount=D(total),
                                   total_amount_with_tax=D(with_tax)) is refused


# --- stamp duty ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("with_tax", "taxes", "cash", "expected"),
    [
        (D(66000), [D(6000)], [D(66000)], (True, D(66000), D(200))),  # spec/00 scenario 10
        (D(66000), [D(6000)], [], (False, D(0), D(0))),  # paid by card
        (D(54998), [D(4999)], [D(54998)], (False, D(0), D(0))),  # net 49,999
        (D(55000), [D(5000)], [D(55000)], (True, D(55000), D(200))),  # spec/30 scenario 5
        (D(1_100_000_000), [D(100_000_000)], [D(1_100_000_000)], (True, D(1_100_000_000), D(200_000))),
        (D(3_300_000), [D(300_000)], [D(1_500_000)], (True, D(1_500_000), D(400))),  # cash limits the tier
    ],
)
def test_stamp_duty(with_tax, taxes, cash, expected):
    duty = calc.stamp_duty(total_amount_with_tax=with_tax, tax_amounts=taxes, cash_amounts=cash)
    assert (duty.is_applied, duty.target_amount, duty.amount) == expected
