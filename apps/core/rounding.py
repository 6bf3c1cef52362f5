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


def round_discount(value: Decimal, method: RoundMethod | str | None = None) -> Decimal:
    """Discount rounding: to an integer with ``ROUND_METHOD_FOR_DISCOUNT`` (default ``Round``)."""
    from django.conf import settings

    return round_to(value, method or getattr(settings, "ROUND_METHOD_FOR_DISCOUNT", "Round"), 0)
