"""Commands on payment methods (spec/20 §5.5). The flags are stored, never enforced here (spec/20 §6.5)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from apps.core.errors import NotFoundError

from ..models import PaymentMethod
from ._common import duplicate_is_400, locked, touch


def payment_create(
    *,
    payment_code: str,
    description: str,
    limit_amount: Decimal,
    can_refund: bool,
    can_deposit_over: bool,
    can_change: bool,
    is_active: bool,
) -> PaymentMethod:
    with duplicate_is_400(f"Payment with payment_code {payment_code} already exists"):
        return PaymentMethod.objects.create(
            payment_code=payment_code,
            description=description,
            limit_amount=limit_amount,
            can_refund=can_refund,
            can_deposit_over=can_deposit_over,
            can_change=can_change,
            is_active=is_active,
        )


def payment_update(
    *,
    payment_code: str,
    description: str,
    limit_amount: Decimal,
    can_refund: bool,
    can_deposit_over: bool,
    can_change: bool,
    is_active: bool,
) -> PaymentMethod:
    with transaction.atomic():
        payment = locked(PaymentMethod.objects, payment_code=payment_code)
        if payment is None:
            raise NotFoundError(f"Payment not found. payment_code: {payment_code}")
        payment.description = description
        payment.limit_amount = limit_amount
        payment.can_refund = can_refund
        payment.can_deposit_over = can_deposit_over
        payment.can_change = can_change
        payment.is_active = is_active
        touch(payment)
        payment.save()
    return payment


def payment_delete(*, payment_code: str) -> None:
    with transaction.atomic():
        deleted, _ = PaymentMethod.objects.filter(payment_code=payment_code).delete()
    if not deleted:
        raise NotFoundError(f"Payment not found. payment_code: {payment_code}")
