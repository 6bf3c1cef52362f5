"""Cashless (code 11): never more than the balance, no change."""

from __future__ import annotations

from decimal import Decimal

from apps.cart.calculations import CalculationError, PaymentOutcome

from .base import PaymentPlugin


class PaymentByCashless(PaymentPlugin):
    def settle(self, *, deposit: Decimal, balance: Decimal) -> PaymentOutcome:
        if deposit > balance:
            raise CalculationError(
                f"Deposit amount {deposit} exceeds the balance {balance}", code="403004", status=406
            )
        return PaymentOutcome(amount=deposit, deposit_amount=deposit, change_amount=None,
                              balance_after=balance - deposit)
