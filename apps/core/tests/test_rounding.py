from decimal import Decimal

import pytest

from apps.core.rounding import round_discount, round_tax, round_to


@pytest.mark.parametrize(
    ("value", "method", "expected"),
    [
        ("2.5", "Round", "3"),
        ("-2.5", "Round", "-3"),
        ("2.4", "Round", "2"),
        ("-2.1", "Floor", "-3"),
        ("2.9", "Floor", "2"),
        ("2.1", "Ceil", "3"),
        ("-2.9", "Ceil", "-2"),
    ],
)
def test_round_to_integer(value, method, expected):
    assert round_to(Decimal(value), method) == Decimal(expected)


@pytest.mark.parametrize(
    ("target", "rate", "internal", "expected"),
    [
        # spec/00 scenario 9 with the default tax table (round_digit -1, Floor)
        ("1234", "10", False, "123"),  # code 01: 123.4 -> 123, not 120
        ("1100", "10", True, "100"),  # code 02: 100.0
        ("1000", "8", True, "74"),  # code 12: 74.074...
    ],
)
def test_tax_rounding_negative_digit_rounds_to_integer(target, rate, internal, expected):
    target, rate = Decimal(target), Decimal(rate)
    raw = target / (1 + rate / 100) * rate / 100 if internal else target * rate / 100
    assert round_tax(raw, "Floor", -1) == Decimal(expected)


def test_tax_rounding_without_method_keeps_value_and_positive_digits_quantise():
    assert round_tax(Decimal("0"), None, 0) == Decimal("0")
    assert round_tax(Decimal("12.345"), None, 2) == Decimal("12.345")
    assert round_tax(Decimal("12.345"), "Round", 2) == Decimal("12.35")
    assert round_tax(Decimal("12.349"), "Floor", 2) == Decimal("12.34")


@pytest.mark.parametrize(
    ("method", "value", "expected"),
    [
        ("Round", "10.5", "11"), ("Round", "-10.5", "-11"),
        ("Floor", "10.5", "10"), ("Floor", "-10.5", "-11"),
        ("Ceil", "10.5", "11"), ("Ceil", "-10.5", "-10"),
        (None, "10.5", "10.5"), ("Truncate", "-10.5", "-10.5"), ("", "10.5", "10.5"),
    ],
)
def test_discount_rounding_to_an_integer_and_any_other_method_leaves_the_value(method, value, expected):
    """spec/30 §6.1: ``Rd`` rounds with Round/Floor/Ceil; any other value (None included) means no rounding."""
    assert round_discount(Decimal(value), method) == Decimal(expected)
