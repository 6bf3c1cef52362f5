"""The three rounding methods of spec/00 §8.3, as one helper. Never Python's banker's rounding."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum


class RoundMethod(StrEnum):
    ROUND = "Round"
    FLOOR = "Floor"
    CEIL = "Ceil"


_MODES = {RoundMethod.ROUND: ROUND_HALF_UP, RoundMethod.FLOOR: ROUND_FLOOR, RoundMethod.CEIL: ROUND_CEILING}


def round_to(value: Decimal, method: RoundMethod | str, digits: int = 0) -> Decimal:
    """Round ``value`` to ``digits`` decimals (a negative ``digits`` means integer) with ``method``."""
    quantum = Decimal(1).scaleb(-digits) if digits > 0 else Decimal(1)
    return Decimal(value).quantize(quantum, rounding=_MODES[RoundMethod(method)])


def round_tax(value: Decimal, method: RoundMethod | str | None, round_digit: int) -> Decimal:
    """Tax rounding: ``round_digit`` decimals; any negative ``round_digit`` rounds to an integer, not to tens.

    ``method`` None leaves the value unchanged (the exempt tax has no method).
    """
    if method is None:
        return Decimal(value)
    return round_to(value, method, max(round_digit, 0))


def round_discount(value: Decimal, method: RoundMethod | str | None) -> Decimal:
    """``Rd`` (spec/30 §6.1): to an integer with ``method``; ``None`` or any other value means no rounding.

    The caller passes the configured method (the cart: ``CART_ROUND_METHOD_FOR_DISCOUNT``, else
    ``ROUND_METHOD_FOR_DISCOUNT``); this module reads no settings.
    """
    if method in _MODES:
        return round_to(value, method, 0)
    return Decimal(value)
