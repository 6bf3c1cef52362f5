"""The back office's one way of showing amounts, quantities and transaction types."""

from decimal import Decimal

import pytest

from apps.core.admin import money, quantity
from apps.core.transaction_types import transaction_type_name


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("150.0000"), "¥150"), (Decimal("1234.5000"), "¥1,234.5"), (-500, "-¥500"), (None, "")],
)
def test_money_has_no_trailing_zeros(value, shown):
    assert money(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("3.0000"), "3"), (1200, "1,200"), (Decimal("-12.0"), "-12"), (Decimal("2.5000"), "2.5"),
     (Decimal("1234.25"), "1,234.25"), (None, "")],
)
def test_quantities_are_integers_where_they_are_integers(value, shown):
    assert quantity(value) == shown


@pytest.mark.parametrize(
    ("code", "cancelled", "name"),
    [(101, False, "Sale"), (-101, False, "Cancelled sale"), (101, True, "Cancelled sale"), (102, False, "Return"),
     (201, False, "Void"), (202, False, "Void of return"), (301, False, "Open"), (302, False, "Close"),
     (401, False, "Cash in"), (402, False, "Cash out"), (501, False, "Flash report"),
     (502, False, "Daily report"), ("101", False, "Sale"), (999, False, "999"), (None, False, "")],
)
def test_one_name_per_transaction_type(code, cancelled, name):
    assert transaction_type_name(code, is_cancelled=cancelled) == name
