"""Shapes of what the journal receives: the three logs (spec/00 §10.3-10.5, the fields spec/40 §1 lists as
used by the journal) and a journal entry (spec/40 §4.2).

Keys may be snake_case or camelCase; unknown keys are ignored. Used by the consumers (a payload that does not fit
fails the delivery) and by the HTTP endpoints (a body that does not fit is a 422).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.exceptions import flatten_validation
from apps.core.api.serializers import CamelCaseSerializer, StrictCharField

INT64_MAX = 2**63 - 1
AMOUNT_LIMIT = Decimal(10) ** 14
AMOUNT_QUANTUM = Decimal("0.0001")


class CountField(serializers.IntegerField):
    """An integer (numbers, counters, quantities): ints and integral numeric strings, within 64 bits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", -INT64_MAX)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.DOUBLE)
class AmountField(serializers.Field):
    """An amount: any JSON number in (Kugelpos floats), ``Decimal`` inside (4 places), a JSON number out."""

    default_error_messages = {
        "invalid": "Input should be a valid number",
        "range": "Input should be less than 1e14 in magnitude",
    }

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, (int, float, str)):
            self.fail("invalid")
        try:
            value = Decimal(str(data).strip())
        except InvalidOperation:
            self.fail("invalid")
        if not value.is_finite():
            self.fail("invalid")
        if abs(value) >= AMOUNT_LIMIT:
            self.fail("range")
        return value.quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)

    def to_representation(self, value: Decimal | None) -> float | None:
        return None if value is None else float(value)


def text_field(**kwargs: Any) -> StrictCharField:
    """Receipt/journal text: kept byte for byte (no trimming), may be empty."""
    return StrictCharField(allow_blank=True, trim_whitespace=False, **kwargs)


def optional_text(max_length: int) -> StrictCharField:
    return StrictCharField(required=False, allow_null=True, allow_blank=True, default=None, max_length=max_length)


# --- logs -----------------------------------------------------------------------------------------------------
class LogKeysSerializer(CamelCaseSerializer):
    """What every log carries for its journal entry."""

    tenant_id = StrictCharField(required=False, allow_null=True, default=None, max_length=50)
    store_code = StrictCharField(max_length=100)
    terminal_no = CountField()
    business_date = StrictCharField(allow_blank=True, max_length=100)
    open_counter = CountField()
    business_counter = CountField()
    generate_date_time = StrictCharField(max_length=100)
    receipt_text = text_field()
    journal_text = text_field()


class PersonSerializer(CamelCaseSerializer):
    """``staff`` / ``user`` of a tranlog: only the id is journaled."""

    id = StrictCharField(required=False, allow_null=True, allow_blank=True, default=None, max_length=150)
    name = StrictCharField(required=False, allow_null=True, allow_blank=True, default=None)


class SalesSerializer(CamelCaseSerializer):
    total_amount_with_tax = AmountField(required=False, default=Decimal(0))
    total_quantity = CountField(required=False, default=0)
    is_cancelled = serializers.BooleanField(required=False, default=False)


class TranlogSerializer(LogKeysSerializer):
    """A transaction log (spec/00 §10.3), as far as the journal reads it (spec/40 §1.2)."""

    transaction_no = CountField(required=False, allow_null=True, default=None)
    transaction_type = CountField()
    receipt_no = CountField(required=False, allow_null=True, default=None)
    sales = SalesSerializer()
    staff = PersonSerializer(required=False, allow_null=True, default=None)
    user = PersonSerializer(required=False, allow_null=True, default=None)


class CashlogSerializer(LogKeysSerializer):
    """A cash in/out log (spec/00 §10.4): ``amount`` is signed (+ in, - out)."""

    amount = AmountField()
    staff_id = optional_text(100)


class OpenCloseLogSerializer(LogKeysSerializer):
    """An open/close log (spec/00 §10.5)."""

    operation = StrictCharField(max_length=20)
    staff_id = optional_text(100)


LOG_SERIALIZERS: dict[str, type[LogKeysSerializer]] = {
    "tranlog": TranlogSerializer,
    "cashlog": CashlogSerializer,
    "opencloselog": OpenCloseLogSerializer,
}


# --- journal entry ------------------------------------------------------------------------------------------
class JournalEntrySerializer(CamelCaseSerializer):
    """The body of ``POST .../journals`` (spec/40 §4.2); ``journal_seq_no`` and ``content`` are accepted, ignored."""

    tenant_id = StrictCharField(max_length=50)
    store_code = StrictCharField(max_length=100)
    terminal_no = CountField()
    journal_seq_no = CountField(required=False, allow_null=True, default=None)
    transaction_no = CountField(required=False, allow_null=True, default=None)
    transaction_type = CountField()
    business_date = StrictCharField(allow_blank=True, max_length=100)
    open_counter = CountField()
    business_counter = CountField()
    generate_date_time = StrictCharField(max_length=100)
    receipt_no = CountField(required=False, allow_null=True, default=None)
    amount = AmountField(required=False, default=Decimal(0))
    quantity = CountField(required=False, default=0)
    staff_id = optional_text(100)
    user_id = optional_text(150)
    content = StrictCharField(required=False, allow_null=True, allow_blank=True, default=None)
    journal_text = text_field()
    receipt_text = text_field()


def validation_text(errors: Any, prefix: tuple[str, ...] = ()) -> str:
    """DRF error detail -> ``"terminalNo: A valid integer is required.; sales -> isCancelled: ..."``."""
    return "; ".join(f"{' -> '.join(loc) or 'payload'}: {msg}" for loc, msg in flatten_validation(errors, prefix))
