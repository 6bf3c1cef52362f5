"""Cash (code 01): tendering more than the balance gives change."""

from __future__ import annotations

from decimal import Decimal

from apps.cart.calculations import PaymentOutcome

from .base import PaymentPlugin


class PaymentByCash(PaymentPlugin):
    def settle(self, *, deposit: Decimal, balance: Decimal) -> PaymentOutcome:
        change = deposit - balance
        if change > 0:
            return PaymentOutcome(amount=balance, deposit_amount=deposit, change_amount=change,
                                  balance_after=Decimal(0))
        return PaymentOutcome(amount=deposit, deposit_amount=deposit, change_amount=None,
                              balance_after=balance - deposit)
