"""Serializer base: camelCase output for declared fields, snake_case or camelCase input (spec/00 §3)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from apps.core.casing import accept_both_cases, camelize
from apps.core.limits import INT32, IntRange


class CamelCaseSerializer(serializers.Serializer):
    """Declared fields go out as camelCase; input accepts both spellings. Nested free-form dicts are untouched."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            data = accept_both_cases(data, self.fields.keys())
        return super().to_internal_value(data)

    def to_representation(self, instance):
        representation = super().to_representation(instance)
        return {camelize(key): value for key, value in representation.items()}


class SnakeCaseSerializer(serializers.Serializer):
    """Plain (non-aliased) models: snake_case in and out (token bodies, delivery-status, event payloads)."""


_SURROGATE = re.compile("[\ud800-\udfff]")


class SurrogateCharactersValidator(ProhibitSurrogateCharactersValidator):
    """DRF's refusal of lone surrogates (same message and code), by one regular-expression search instead of a
    Python loop over every character: receipt and journal texts of a few thousand characters cost ~0.3 ms each."""

    def __call__(self, value):
        found = _SURROGATE.search(str(value))
        if found is not None:
            raise ValidationError(self.message.format(code_point=ord(found.group())), code=self.code)


class StrictCharField(serializers.CharField):
    """A string field that refuses numbers and booleans, as Kugelpos' pydantic models do."""

    default_error_messages = {"invalid": "Input should be a valid string"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            SurrogateCharactersValidator() if type(v) is ProhibitSurrogateCharactersValidator else v
            for v in self.validators
        ]

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class IntegerField(serializers.IntegerField):
    """A JSON integer (not a boolean) within the range of the column it goes to (default: ``integer``)."""

    default_error_messages = {"invalid": "Input should be a valid integer"}

    def __init__(self, *, bounds: IntRange = INT32, **kwargs):
        kwargs.setdefault("min_value", bounds.minimum)
        kwargs.setdefault("max_value", bounds.maximum)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class MoneyField(serializers.DecimalField):
    """An amount: any JSON number in, ``Decimal`` inside, a JSON number (float) out. Bounded by its digits: the
    defaults are the money columns' ``numeric(18, 4)``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)

    def to_representation(self, value):
        return None if value is None else float(value)
