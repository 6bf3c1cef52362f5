"""The payment plugin contract (spec/30 §8)."""

from __future__ import annotations

from decimal import Decimal

from apps.cart.calculations import CalculationError, PaymentOutcome


class PaymentPlugin:
    """Applies one tendered amount to the balance. Subclasses decide change and over-deposit rules."""

    def apply(self, *, deposit: Decimal, balance: Decimal) -> PaymentOutcome:
        if balance < 1:
            raise CalculationError(f"Balance is already zero: {balance}", code="403001", status=406)
        outcome = self.settle(deposit=deposit, balance=balance)
        if outcome.balance_after < 0:
            raise CalculationError(f"Balance would be negative: {outcome.balance_after}", code="403003", status=406)
        return outcome

    def settle(self, *, deposit: Decimal, balance: Decimal) -> PaymentOutcome:
        raise NotImplementedError
